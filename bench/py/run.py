"""Every benchmark in one run (bench/run.sh): load, verification cost, browser side, growth, chart.

Load runs on loopback only, between processes pinned apart when the machine has two cores or more:
the load generator (autocannon) and the Better Auth issuer on one core, the uvicorn servers on
another. Results go to bench/results/; a full run also writes docs/benchmarks.png and .json.
The run ends with the ratio lines docs/BENCHMARKS.md describes and, in a full run, `auth_cpu_us_per_request`.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from test_support.issuer import Account, better_auth_issuer
from test_support.migrations import migrate
from test_support.ports import free_port
from test_support.postgres import Postgres, PostgresUnavailable

# Starlette's TestClient (used by the growth part) nudges toward httpx2; the backend ships httpx.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

import growth  # noqa: E402
import verify_cost  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BACKEND = ROOT / "backend"
BENCH = ROOT / "bench"
FRONTEND = ROOT / "frontend"
DOCS = ROOT / "docs"
RESULTS = BENCH / "results"
TSX = FRONTEND / "node_modules" / ".bin" / "tsx"
ISSUER_SCRIPT = BENCH / "ts" / "issuer.ts"  # the app's Better Auth, /get-session not rate-limited

QUICK = os.environ.get("BENCH_QUICK") == "1"
PIN = (os.cpu_count() or 1) >= 2 and shutil.which("taskset") is not None
LOAD_CPU, SERVER_CPU = 0, 1


@dataclass(frozen=True)
class Plan:
    trials: int
    seconds: int
    warmup_seconds: int
    connections: int
    verify_number: int
    verify_repeat: int
    own_counts: list[int]
    other_users: list[int]
    tasks_per_other: int
    growth_samples: int


PLAN = (
    Plan(1, 2, 0, 10, 300, 5, [10, 100, 1_000, 10_000], [1, 10, 100, 1_000], 10, 15)
    if QUICK
    else Plan(
        10,
        5,
        3,
        10,
        1_000,
        11,
        [10, 100, 1_000, 10_000, 100_000],
        [1, 10, 100, 1_000, 10_000],
        10,
        60,
    )
)
VARIANTS = {
    "ours": "ours (JWT verified locally)",
    "ours_uncached": "ours, verified-token cache off",
    "bypass": "verification bypassed",
    "session_lookup": "get-session per request",
    "bridge": "fastapi-better-auth-bridge (JWKS)",
}
SEEDED_TASKS = 20


_T0 = time.monotonic()


def log(message: str) -> None:
    sys.stderr.write(f"[bench {time.monotonic() - _T0:5.1f}s] {message}\n")
    sys.stderr.flush()


def pinned(cpu: int, command: list[str]) -> list[str]:
    return ["taskset", "-c", str(cpu), *command] if PIN else command


def stop(process: subprocess.Popen[Any]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


# --- the four servers under load -------------------------------------------------------------


def start_servers(
    stack: ExitStack, workdir: Path, issuer_url: str, database_url: str
) -> dict[str, subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "PYTHONPATH": f"{BACKEND}{os.pathsep}{BENCH / 'py'}",
        "DATABASE_URL": database_url,
        # Explicit, so that a developer's backend/.env cannot change what is measured.
        "AUTH_MODE": "jwks",
        "AUTH_ALGORITHMS": "EdDSA",
        "BETTER_AUTH_URL": issuer_url,
        "AUTH_ISSUER": issuer_url,
        "AUTH_AUDIENCE": issuer_url,
        "AUTH_JWKS_URL": f"{issuer_url}/api/auth/jwks",
        "BENCH_ISSUER_URL": issuer_url,
    }
    servers = {}
    for name in VARIANTS:
        port = free_port()
        # Started on every core (imports are slow), pinned to the server core once up.
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                f"servers:{name}",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            cwd=BACKEND,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(workdir / f"{name}.log", "w"),  # noqa: SIM115
        )
        stack.callback(stop, process)
        servers[f"http://127.0.0.1:{port}"] = process
    return servers


def wait_for_servers(
    workdir: Path, servers: dict[str, subprocess.Popen[bytes]], user_id: str
) -> dict[str, str]:
    """Waits until every server answers /health, pins them, returns each one's list URL."""
    urls = {}
    deadline = time.monotonic() + 120
    for name, base in zip(VARIANTS, servers, strict=True):
        urls[name] = f"{base}/api/{user_id}/tasks"
        health = f"{base}/health"
        while True:
            try:
                if httpx.get(health, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"server {name} did not start; see {workdir / (name + '.log')}")
            time.sleep(0.2)
    if PIN:
        for process in servers.values():  # -a: every thread, the worker threads included
            subprocess.run(
                ["taskset", "-a", "-p", "-c", str(SERVER_CPU), str(process.pid)],
                check=True,
                capture_output=True,
            )
    return urls


def check_servers(urls: dict[str, str], headers: dict[str, str]) -> None:
    """Each variant must answer the same 200 with the same tasks, and read the credential it is
    meant to read (proof that its dependency really replaced `get_current_user`)."""
    cookie_only = {"Cookie": headers["Cookie"]}
    expected = {  # status without credentials, status with the session cookie alone
        "ours": (401, 401),
        "ours_uncached": (401, 401),
        "bypass": (200, 200),
        "session_lookup": (401, 200),
        "bridge": (401, 401),
    }
    for name, url in urls.items():
        deadline = time.monotonic() + 30
        response = httpx.get(url, headers=headers, timeout=30)
        while response.status_code == 503 and time.monotonic() < deadline:
            time.sleep(0.5)  # started before the issuer: its JWKS prefetch is retried shortly
            response = httpx.get(url, headers=headers, timeout=30)
        if response.status_code != 200 or response.json()["total"] != SEEDED_TASKS:
            raise SystemExit(f"{name} answered {response.status_code}: {response.text[:300]}")
        got = (
            httpx.get(url, timeout=30).status_code,
            httpx.get(url, headers=cookie_only, timeout=30).status_code,
        )
        if got != expected[name]:
            raise SystemExit(f"{name} answered {got} instead of {expected[name]}")


def spread_pct(values: list[float]) -> float:
    """(max - min) / median, in percent: the trial-to-trial noise."""
    return 100 * (max(values) - min(values)) / statistics.median(values) if values else 0.0


def run_load(plan: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    done = subprocess.run(
        pinned(LOAD_CPU, [str(TSX), str(BENCH / "ts" / "load.ts"), json.dumps(plan)]),
        cwd=BENCH,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit("the load generator failed (see above)")
    trials: dict[str, list[dict[str, Any]]] = json.loads(done.stdout.strip().splitlines()[-1])
    return trials


def load_test(user: Account, urls: dict[str, str], pids: dict[str, int]) -> dict[str, Any]:
    token = user.token()  # fresh: 15 minutes outlast the whole load test
    # Every variant gets identical request bytes; each reads the credential it understands.
    headers = {"Authorization": f"Bearer {token}", "Cookie": user.cookie}
    check_servers(urls, headers)
    plan = {
        "urls": urls,
        "headers": headers,
        "trials": 0,
        "seconds": PLAN.seconds,
        "warmupSeconds": PLAN.warmup_seconds,
        "connections": PLAN.connections,
    }
    if PLAN.warmup_seconds:
        log("load: warm-up")
        run_load(plan)
    log(f"load: {PLAN.trials} rounds of {PLAN.seconds} s per variant")
    # CPU time of each server during its own trials (and of Better Auth, busy only for get-session):
    # a cost per request that other work on the machine disturbs much less than throughput.
    trials = run_load({**plan, "trials": PLAN.trials, "warmupSeconds": 0, "pids": pids})
    summary: dict[str, Any] = {}
    for name, runs in trials.items():
        rps = [r["rps"] for r in runs]
        requests = sum(r["requests"] for r in runs)
        summary[name] = {
            "rps": statistics.median(rps),
            "p50_ms": statistics.median(r["p50_ms"] for r in runs),
            "p99_ms": statistics.median(r["p99_ms"] for r in runs),
            "rps_spread_pct": spread_pct(rps),
            "cpu_us_per_request": 1e6 * sum(r["cpu"][name] for r in runs) / requests,
            "trials": runs,
        }
    session = summary["session_lookup"]
    requests = sum(r["requests"] for r in session["trials"])
    session["issuer_cpu_us_per_request"] = (
        1e6 * sum(r["cpu"]["issuer"] for r in session["trials"]) / requests
    )
    return summary


def round_ratio(load: dict[str, Any], ours: str, other: str) -> float:
    """Median over the rounds of ours / other: each pair ran back to back in the same round."""
    pairs = zip(load[ours]["trials"], load[other]["trials"], strict=True)
    return statistics.median(float(a["rps"]) / float(b["rps"]) for a, b in pairs)


# --- in-process parts ------------------------------------------------------------------------


def on_server_core(function: Any, *args: Any) -> Any:
    """Runs an in-process measurement on the servers' core (they are idle by then)."""
    if not PIN:
        return function(*args)
    previous = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {SERVER_CPU})
    try:
        return function(*args)
    finally:
        os.sched_setaffinity(0, previous)


def token_fetches() -> dict[str, Any]:
    done = subprocess.run(
        [str(TSX), str(BENCH / "ts" / "token-fetches.ts")],
        cwd=BENCH,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def growth_test(workdir: Path) -> dict[str, Any]:
    url = f"sqlite:///{workdir / 'growth.db'}"
    migrate(url)
    args = (PLAN.own_counts, PLAN.other_users, PLAN.tasks_per_other, PLAN.growth_samples)
    results = {"sqlite": on_server_core(growth.measure, url, *args)}
    if QUICK:
        return results
    # Postgres too, in a throwaway cluster (the same one the backend's tests use).
    try:
        cluster = Postgres.start()
    except (PostgresUnavailable, RuntimeError) as reason:
        log(f"Postgres skipped: {str(reason)[:200]}")
        return results
    try:
        migrate(cluster.url)
        log("growth on Postgres")
        results["postgres"] = on_server_core(growth.measure, cluster.url, *args)
    finally:
        cluster.stop()
    return results


def machine() -> dict[str, Any]:
    cpu = "unknown"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "pinned": PIN,
        "python": sys.version.split()[0],
        "load_average_start": os.getloadavg(),
    }


def main() -> None:
    started = time.monotonic()
    results: dict[str, Any] = {
        "quick": QUICK,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "plan": PLAN.__dict__,
        "machine": machine(),
    }
    with ExitStack() as stack:
        workdir = Path(tempfile.mkdtemp(prefix="tasks-bench-"))
        stack.callback(shutil.rmtree, workdir, True)
        log("starting the servers and the Better Auth issuer")
        issuer_port = free_port()
        database_url = f"sqlite:///{workdir / 'app.db'}"
        migrate(database_url)
        # The servers start first (their imports are slow) and retry the issuer's JWKS shortly.
        servers = start_servers(stack, workdir, f"http://localhost:{issuer_port}", database_url)
        issuer = stack.enter_context(
            better_auth_issuer(
                script=ISSUER_SCRIPT,
                command_prefix=pinned(LOAD_CPU, []),
                log_path=workdir / "issuer.log",
                PORT=str(issuer_port),
                DATABASE_URL=f"file:{workdir / 'auth.db'}",
            )
        )
        user = issuer.account("Bench User")
        stack.callback(user.client.close)
        # The user's tasks among other users' (the same database for every variant).
        growth.insert_rows(
            database_url, user.user_id, SEEDED_TASKS, other_users=100 if QUICK else 1_000
        )
        urls = wait_for_servers(workdir, servers, user.user_id)
        log("servers up")
        pids = {name: p.pid for name, p in zip(VARIANTS, servers.values(), strict=True)}
        pids["issuer"] = issuer.pid
        results["load"] = load_test(user, urls, pids)
        log("verification cost")
        results["verify"] = on_server_core(
            verify_cost.measure, PLAN.verify_number, PLAN.verify_repeat
        )
    log("browser side: token fetches")
    results["token_fetches"] = token_fetches()
    growth_dir = Path(tempfile.mkdtemp(prefix="tasks-bench-growth-"))
    try:
        log("growth")
        results["growth"] = growth_test(growth_dir)
    finally:
        shutil.rmtree(growth_dir, ignore_errors=True)
    results["machine"]["load_average_end"] = os.getloadavg()
    results["seconds"] = time.monotonic() - started

    load, verify = results["load"], results["verify"]
    ratios = {
        "auth_overhead_ratio": round_ratio(load, "ours", "bypass"),
        "verify_vs_raw_ratio": verify["EdDSA"]["verify_repeat_vs_raw"],
        "vs_session_lookup_ratio": round_ratio(load, "ours", "session_lookup"),
        "vs_bridge_ratio": round_ratio(load, "ours", "bridge"),
    }
    if not QUICK:
        # The cost of auth itself: the server CPU per request that verification adds to the handler.
        # A quick run's few seconds of load leave it below the noise (it can even come out negative).
        ratios["auth_cpu_us_per_request"] = (
            load["ours"]["cpu_us_per_request"] - load["bypass"]["cpu_us_per_request"]
        )
    results["ratios"] = ratios
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2))
    import report  # matplotlib loads only now

    chart = (DOCS if not QUICK else RESULTS) / "benchmarks.png"
    report.chart(results, chart)
    if not QUICK:
        (DOCS / "benchmarks.json").write_text(json.dumps(results, indent=2))
        report.update_document(DOCS / "BENCHMARKS.md", report.markdown(results, VARIANTS))
    sys.stdout.write(report.table(results, VARIANTS))
    sys.stdout.write(f"\nchart: {chart.relative_to(ROOT)}; {results['seconds']:.0f} s\n\n")
    for name, value in ratios.items():
        sys.stdout.write(f"{name}={value:.2f}\n")


if __name__ == "__main__":
    main()
