"""Revocation (DESIGN section 9): what the check costs per request, and how fast a sign-out spreads.

1. In process: a remembered token verified with and without the revocation check, the set holding
   100,000 ended sessions; the difference is the check's cost per request.
2. End to end: a real Better Auth issuer (the frontend's configuration, feed included) and two
   backend processes (uvicorn, one SQLite file); 50 sign-outs, each timed from the sign-out's answer
   until both backends refuse that session's token (401 `revoked`).

    cd backend && PYTHONPATH=.:../bench/py uv run --group bench python ../bench/py/revocation.py
BENCH_QUICK=1 runs a few sign-outs only.
"""

import asyncio
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
from better_auth_jwt import RevocationFeed, RevocationSet, TokenVerifier, VerificationKey
from test_support.issuer import better_auth_issuer
from test_support.migrations import migrate
from test_support.paths import BACKEND_DIR
from test_support.ports import free_port
from test_support.revocation_feed import FeedStub
from test_support.tokens import DROP, SigningKey, TokenFactory

QUICK = os.environ.get("BENCH_QUICK") == "1"
ISSUER = "http://localhost:3000"
REVOKED = 100_000
SIGN_OUTS = 5 if QUICK else 50


class OneKey:
    def __init__(self, key: VerificationKey) -> None:
        self.key = key

    async def key_for(self, kid: str | None) -> VerificationKey:
        return self.key


def per_call_us(runs: list[object], calls: int, rounds: int = 9) -> list[float]:
    """Best time per call of each of `runs`, measured in alternation (a busy host drifts)."""
    loop = asyncio.new_event_loop()

    async def many(run: object) -> None:
        for _ in range(calls):
            await run()  # type: ignore[operator]

    best = [float("inf")] * len(runs)
    for _ in range(rounds):
        for index, run in enumerate(runs):
            started = time.perf_counter()
            loop.run_until_complete(many(run))
            best[index] = min(best[index], (time.perf_counter() - started) / calls)
    loop.close()
    return [b * 1e6 for b in best]


def in_process_cost() -> dict[str, float]:
    signing = SigningKey(kid="k")
    keys = OneKey(VerificationKey(signing.private_key.public_key(), "EdDSA"))
    stub = FeedStub(key=signing.private_key, kid=signing.kid)
    feed = RevocationFeed(
        f"{ISSUER}/api/auth/revocations",
        keys=keys,
        algorithms=["EdDSA"],
        issuer=ISSUER,
        revoked=RevocationSet(3660),
        transport=stub.transport,
    )
    asyncio.run(feed.poll())
    now = time.time()
    for n in range(REVOKED):
        feed.revoked.add(f"ended-{n}-{secrets.token_urlsafe(12)}", now)
    assert feed.known and len(feed.revoked) == REVOKED

    def verifier(revocations: RevocationFeed | None) -> TokenVerifier:
        return TokenVerifier(
            keys=keys,
            algorithms=["EdDSA"],
            issuer=ISSUER,
            audience=ISSUER,
            require_kid=True,
            require_sid=True,
            revocations=revocations,
        )

    # The registered claims and the session id only (no profile claims): a small token.
    no_profile = {"id": DROP, "email": DROP, "name": DROP}
    token = TokenFactory(signing, issuer=ISSUER).mint("u1", sid="live", **no_profile)
    plain, checked = verifier(None), verifier(feed)
    calls = 5_000 if QUICK else 50_000
    without, with_check, lookup = per_call_us(
        [
            lambda: plain.verify(token),
            lambda: checked.verify(token),
            _async(lambda: feed.check("live")),
        ],
        calls,
    )
    asyncio.run(feed.close())
    return {
        "remembered_verify_us": without,
        "remembered_verify_with_revocation_us": with_check,
        "revocation_check_us": with_check - without,
        "check_alone_us": lookup,
    }


def _async(run: object) -> object:
    async def call() -> None:
        run()  # type: ignore[operator]

    return call


def start_backend(stack: ExitStack, issuer_url: str, database_url: str, log: Path) -> str:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AUTH_", "BETTER_AUTH_"))},
        "DATABASE_URL": database_url,
        "BETTER_AUTH_URL": issuer_url,
    }
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port)],
            cwd=BACKEND_DIR,
            env=env,
            stdout=out,
            stderr=out,
        )

    def stop() -> None:
        process.terminate()
        process.wait(15)

    stack.callback(stop)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return url
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"backend did not start; see {log}")
        time.sleep(0.2)


def propagation() -> list[float]:
    latencies: list[float] = []
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="bench-revocation-") as tmp:
        issuer = stack.enter_context(better_auth_issuer())
        database_url = f"sqlite:///{Path(tmp) / 'tasks.db'}"
        migrate(database_url)
        backends = [
            start_backend(stack, issuer.issuer, database_url, Path(tmp) / f"backend-{n}.log")
            for n in range(2)
        ]
        for _ in range(SIGN_OUTS):
            account = issuer.account("Bench")
            token = account.token()
            headers = {"Authorization": f"Bearer {token}"}
            path = f"/api/{account.user_id}/tasks"
            for url in backends:
                deadline = time.monotonic() + 30
                while httpx.get(url + path, headers=headers).status_code == 503:
                    assert time.monotonic() < deadline, "backend never learnt the revocations"
                    time.sleep(0.1)
            assert account.client.post("/api/auth/sign-out", json={}).status_code == 200
            ended, pending = time.monotonic(), set(backends)
            while pending:
                for url in list(pending):
                    if httpx.get(url + path, headers=headers).status_code == 401:
                        pending.discard(url)
                if time.monotonic() - ended > 10:
                    raise SystemExit("a signed-out token was still served after 10 s")
                time.sleep(0.01)
            latencies.append(time.monotonic() - ended)
            account.client.close()
    return latencies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    cost = in_process_cost()
    sys.stdout.write(
        f"revocation_check_us={cost['revocation_check_us']:.3f} "
        f"(remembered token {cost['remembered_verify_us']:.2f} us -> "
        f"{cost['remembered_verify_with_revocation_us']:.2f} us with {REVOKED:,} revoked sessions;"
        f" the lookup alone {cost['check_alone_us']:.3f} us)\n"
    )
    latencies = propagation()
    sys.stdout.write(
        f"revocation_propagation_ms p50={1000 * statistics.median(latencies):.0f} "
        f"p99={1000 * percentile(latencies, 0.99):.0f} max={1000 * max(latencies):.0f} "
        f"over {len(latencies)} sign-outs, 2 backend processes, polling every 1 s\n"
    )


if __name__ == "__main__":
    main()
