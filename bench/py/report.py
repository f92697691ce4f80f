"""The results as a plain-text table and a chart (PNG, matplotlib)."""

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# The growth series' filtered lists (bench/py/growth.py): result key, label.
GROWTH_FILTERS = (
    ("by_tag_p50_ms", "tag=tag-3 (a tenth of the tasks)"),
    ("by_due_range_p50_ms", "due_from/due_to (30 days: up to 30 tasks)"),
    ("count_p50_ms", "`total` alone: the count query, in SQL"),
)


def _cpu(row: dict[str, Any]) -> str:
    text = f"{row['cpu_us_per_request']:.0f}"
    if "issuer_cpu_us_per_request" in row:
        text += f" + {row['issuer_cpu_us_per_request']:.0f}"
    return text


def table(results: dict[str, Any], labels: dict[str, str]) -> str:
    lines = ["", "Load: GET /api/{user_id}/tasks (20 tasks), medians of the trials", ""]
    lines.append(
        f"{'variant':40} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'spread':>8} {'CPU µs/req':>11}"
    )
    for name, row in results["load"].items():
        lines.append(
            f"{labels[name]:40} {row['rps']:8.0f} {row['p50_ms']:8.2f} {row['p99_ms']:8.2f}"
            f" {row['rps_spread_pct']:7.1f}% {_cpu(row):>11}"
        )
    lines += ["", "Verification per token (µs, median of interleaved rounds)", ""]
    lines.append(
        f"{'alg':6} {'raw check':>10} {'verify new':>11} {'verify again':>13} {'dependency':>11}"
        f" {'new/raw':>8} {'again/raw':>10}"
    )
    for alg in ("EdDSA", "HS256"):
        v = results["verify"][alg]
        lines.append(
            f"{alg:6} {v['raw_us']:10.1f} {v['verify_first_us']:11.1f} {v['verify_repeat_us']:13.1f}"
            f" {v['dependency_us']:11.1f} {v['verify_first_vs_raw']:8.2f} {v['verify_repeat_vs_raw']:10.2f}"
        )
    lines += ["", "Browser side: token fetches made by lib/api-client.ts", ""]
    for s in results["token_fetches"]["scenarios"]:
        lines.append(
            f"{s['name']:52} {s['fetches']:3d} fetches ({s['perLifetime']:.2f} per token lifetime)"
        )
    for db, series in results["growth"].items():
        lines += ["", f"Growth ({db}): list latency, limit 50, p50 ms", ""]
        lines.append(
            "  own tasks:   "
            + ", ".join(f"{p['tasks']:,}: {p['p50_ms']:.2f}" for p in series["own"])
        )
        for key, label in GROWTH_FILTERS:
            lines.append(
                f"  {label}: "
                + ", ".join(f"{p['tasks']:,}: {p[key]:.2f}" for p in series["own"] if key in p)
            )
        lines.append(
            "  other users: "
            + ", ".join(f"{p['other_users']:,}: {p['p50_ms']:.2f}" for p in series["others"])
        )
    load = results["machine"]
    lines += [
        "",
        f"load average: start {load['load_average_start'][0]:.1f}, end {load['load_average_end'][0]:.1f}",
    ]
    return "\n".join(lines) + "\n"


def chart(results: dict[str, Any], path: Path) -> None:
    fig, axes = plt.subplots(2, 2, figsize=(13, 9))
    fig.suptitle("Tasks API: the cost of authentication (medians)", fontsize=13)

    ax = axes[0][0]
    load = results["load"]
    names = ["bypass", "ours", "ours_uncached", "bridge", "session_lookup"]
    labels = [
        "no auth\n(bypass)",
        "ours\n(local JWT)",
        "ours,\ncache off",
        "bridge\n(JWKS mode)",
        "get-session\nper request",
    ]
    values = [load[n]["rps"] for n in names]
    bars = ax.bar(labels, values, color=["#9e9e9e", "#1f77b4", "#aec7e8", "#ff7f0e", "#d62728"])
    for bar, name in zip(bars, names, strict=True):
        ax.annotate(
            f"{load[name]['rps']:.0f}/s\np50 {load[name]['p50_ms']:.1f} ms\np99 {load[name]['p99_ms']:.1f} ms",
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    ax.set_ylabel("requests / s")
    ax.set_title("GET /api/{user_id}/tasks under the same load")
    ax.set_ylim(0, max(values) * 1.35)

    ax = axes[0][1]
    verify = results["verify"]
    kinds = [
        ("raw_us", "raw signature check"),
        ("verify_first_us", "verify (new token)"),
        ("verify_repeat_us", "verify (same token again)"),
        ("dependency_us", "whole dependency"),
    ]
    width = 0.2
    for i, (key, label) in enumerate(kinds):
        xs = [j + (i - 1.5) * width for j in range(2)]
        ax.bar(xs, [verify[a][key] for a in ("EdDSA", "HS256")], width, label=label)
    ax.set_xticks([0, 1], ["EdDSA", "HS256"])
    ax.set_yscale("log")
    ax.set_ylabel("µs per token (log)")
    ax.set_title("Verification cost vs the floor")
    ax.legend(fontsize=8)

    for ax, key, xkey, title, xlabel in (
        (axes[1][0], "own", "tasks", "List latency vs the user's own tasks", "the user's tasks"),
        (
            axes[1][1],
            "others",
            "other_users",
            "List latency vs other users in the table",
            "other users (10 tasks each)",
        ),
    ):
        for db, series in results["growth"].items():
            points = series[key]
            ax.plot([p[xkey] for p in points], [p["p50_ms"] for p in points], marker="o", label=db)
        ax.set_xscale("log")
        ax.set_ylim(bottom=0)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("p50 ms (limit 50)")
        ax.set_title(title)
        ax.legend(fontsize=8)

    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


START, END = "<!-- results:start -->", "<!-- results:end -->"


def markdown(results: dict[str, Any], labels: dict[str, str]) -> str:
    """The results section of docs/BENCHMARKS.md, regenerated by every full run."""
    m, load, verify, ratios = (
        results["machine"],
        results["load"],
        results["verify"],
        results["ratios"],
    )
    out = [
        f"Run of {results['date']}: {m['cpu']}, {m['cores']} cores, Python {m['python']}; "
        f"load average {m['load_average_start'][0]:.1f} at the start and "
        f"{m['load_average_end'][0]:.1f} at the end (other work was running on the machine); "
        f"{results['plan']['trials']} trials of {results['plan']['seconds']} s per variant, "
        f"{results['plan']['connections']} connections, {results['seconds']:.0f} s in all.",
        "",
        "| ratio | value | target | |",
        "|---|---|---|---|",
    ]
    targets = {
        "auth_overhead_ratio": (0.95, True),
        "verify_vs_raw_ratio": (1.5, False),
        "vs_session_lookup_ratio": (4, True),
        "vs_bridge_ratio": (1, True),
    }
    for name, value in ratios.items():
        if name not in targets:  # a figure without a target (auth_cpu_us_per_request)
            out.append(f"| `{name}` | {value:.2f} | | |")
            continue
        target, at_least = targets[name]
        met = value >= target if at_least else value <= target
        out.append(
            f"| `{name}` | {value:.2f} | {'≥' if at_least else '≤'} {target} | {'met' if met else '**missed**'} |"
        )
    first = verify["EdDSA"]["verify_first_vs_raw"]
    out.append(
        f"| `verify_vs_raw_ratio` for a token seen the first time (EdDSA) | {first:.2f} | ≤ 2 |"
        f" {'met' if first <= 2 else '**missed**'} |"
    )
    out += [
        "",
        "**Load** — `GET /api/{user_id}/tasks` (the user's 20 tasks among 10,000 rows), medians of the trials;"
        " spread = (max − min) / median of the trials' throughput:",
        "",
        "| variant | req/s | p50 ms | p99 ms | spread | backend CPU µs / request |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, row in load.items():
        out.append(
            f"| {labels[name]} | {row['rps']:.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} |"
            f" {row['rps_spread_pct']:.0f} % | {_cpu(row)} |"
        )
    out += [
        "",
        "CPU µs / request: CPU time the server process used during its own trials, divided by the"
        " requests it answered (for get-session, + the Better Auth server's CPU per request).",
    ]
    out += [
        "",
        "**Verification per token** — µs per call, median of interleaved rounds; ratios are per round:",
        "",
        "| algorithm | raw check (floor) | verify, new token | verify, same token again | whole dependency | new / raw | again / raw |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for alg in ("EdDSA", "HS256"):
        v = verify[alg]
        out.append(
            f"| {alg} | {v['raw_us']:.1f} | {v['verify_first_us']:.1f} | {v['verify_repeat_us']:.1f} |"
            f" {v['dependency_us']:.1f} | {v['verify_first_vs_raw']:.2f} | {v['verify_repeat_vs_raw']:.2f} |"
        )
    out += [
        "",
        "**Browser side** — token fetches by `frontend/lib/api-client.ts` (15-minute tokens):",
        "",
        "| scenario | token fetches | per token lifetime |",
        "|---|---:|---:|",
    ]
    for s in results["token_fetches"]["scenarios"]:
        out.append(f"| {s['name']} | {s['fetches']} | {s['perLifetime']:.2f} |")
    out += ["", "**Growth** — list latency (limit 50, newest first, with `total`), p50 ms:", ""]
    for db, series in results["growth"].items():
        out.append(
            f"| {db}: the user's tasks | "
            + " | ".join(f"{p['tasks']:,}" for p in series["own"])
            + " |"
        )
        out.append("|---|" + "---:|" * len(series["own"]))
        out.append("| p50 ms | " + " | ".join(f"{p['p50_ms']:.2f}" for p in series["own"]) + " |")
        for key, label in GROWTH_FILTERS:
            if all(key in p for p in series["own"]):
                cells = " | ".join(f"{p[key]:.2f}" for p in series["own"])
                out.append(f"| {label}, p50 ms | {cells} |")
        out.append("")
        out.append(
            f"| {db}: other users (×{series['tasks_per_other_user']} tasks) | "
            + " | ".join(f"{p['other_users']:,}" for p in series["others"])
            + " |"
        )
        out.append("|---|" + "---:|" * len(series["others"]))
        out.append(
            "| p50 ms | " + " | ".join(f"{p['p50_ms']:.2f}" for p in series["others"]) + " |"
        )
        out.append("")
    out.append("![Benchmark chart](benchmarks.png)")
    return "\n".join(out)


def update_document(path: Path, section: str) -> None:
    text = path.read_text()
    if START not in text or END not in text:
        return
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    path.write_text(f"{before}{START}\n{section}\n{END}{after}")
