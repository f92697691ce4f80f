"""Faults the system will meet in production, injected into the running processes:
the issuer's JWKS endpoint down (warm cache: keeps working; cold: 503, then recovery without a
restart), the issuer (frontend) restarted, and Postgres restarted in the middle of a load run."""

import threading
import time
from collections.abc import Iterator

import pytest
from test_support.postgres import Postgres
from test_support.waiting import wait_until

from conftest import Stack
from harness import (
    LOAD_REPORTS,
    BackendProcess,
    backend_env,
    bearer,
    database_engine,
)
from load import count_lost_writes, run_load

RECOVERY_SECONDS = 45  # the contract: a fetch retried at least every 10 s; generous on a busy host


@pytest.fixture
def jwks_stack(stacks: dict[str, Stack]) -> Iterator[Stack]:
    stack = stacks["jwks"]
    try:
        yield stack
    finally:
        if not stack.issuer.running:  # whatever happened, leave the issuer up for what follows
            stack.issuer.start()


def test_issuer_down_warm_cache_keeps_working_cold_start_503_then_recovers(
    jwks_stack: Stack, database_url: str
) -> None:
    stack = jwks_stack
    path = f"/api/{stack.alice.user_id}/tasks"
    stack.issuer.stop()

    # Warm: the backend verifies with the keys it has; a refetch (forged kid) fails and is logged.
    with stack.backend.client() as client:
        assert client.get(path, headers=bearer(stack.alice_token)).status_code == 200

        def refresh_failed() -> bool:
            forged = stack.sign(stack.claims(), kid="rotated-" + str(time.monotonic_ns()))
            assert client.get(path, headers=bearer(forged)).json()["reason"] == "unknown_kid"
            return any(e["keys_cached"] for e in stack.backend.events("jwks_refresh_failed"))

        wait_until(refresh_failed, timeout=RECOVERY_SECONDS, interval=1, what="a failed refetch")
        assert client.get(path, headers=bearer(stack.alice_token)).status_code == 200

    # Cold: a backend starting while the issuer is down answers 503 (not 401, not 500)...
    cold = BackendProcess("jwks-cold", backend_env(stack.issuer, database_url)).start()
    try:
        with cold.client() as client:
            refused = client.get(path, headers=bearer(stack.alice_token))
            assert refused.status_code == 503, refused.text
            assert refused.headers["Retry-After"]
            # An issuer that is not up yet is a retry, not an alarm: INFO, no warning.
            assert cold.events("jwks_waiting_for_issuer")
            assert not cold.events("jwks_refresh_failed")

            # ...and recovers by itself once the issuer is back (same keys, same database).
            stack.issuer.start()
            started = time.monotonic()
            wait_until(
                lambda: client.get(path, headers=bearer(stack.alice_token)).status_code == 200,
                timeout=RECOVERY_SECONDS,
                interval=0.5,
                what="the cold backend to fetch the keys",
            )
            assert time.monotonic() - started < RECOVERY_SECONDS
    finally:
        cold.stop()


def test_issuer_restart_does_not_affect_verification(jwks_stack: Stack) -> None:
    stack = jwks_stack
    path = f"/api/{stack.alice.user_id}/tasks"
    fetches = len(stack.backend.events("jwks_refreshed"))
    stack.issuer.restart()
    with stack.backend.client() as client:
        # Tokens issued before the restart, and new ones from the restarted issuer (same key).
        assert client.get(path, headers=bearer(stack.alice_token)).status_code == 200
        fresh = stack.alice.token()
        assert fresh.split(".")[0] == stack.alice_token.split(".")[0]  # same alg and kid
        assert client.get(path, headers=bearer(fresh)).status_code == 200
    assert len(stack.backend.events("jwks_refreshed")) == fetches  # nothing to refetch


def test_postgres_restart_during_load_fails_cleanly_and_loses_nothing(
    stacks: dict[str, Stack],
    require_postgres: Postgres,
    database_url: str,
    load_accounts: list[tuple[str, str]],
) -> None:
    stack = stacks["jwks"]
    assert database_url == require_postgres.url
    restarted = threading.Event()
    failure: list[BaseException] = []

    def restart_soon() -> None:
        try:
            time.sleep(3)
            require_postgres.restart()
        except BaseException as error:  # reported below, in the test's thread
            failure.append(error)
        finally:
            restarted.set()

    restarter = threading.Thread(target=restart_soon)
    restarter.start()
    result = run_load(stack.backend.url, load_accounts[:10], 12, allow_unavailable=True, seed=11)
    restarter.join(timeout=120)
    assert restarted.is_set() and not failure, failure

    # The service recovers by itself: no restart of the backend.
    with stack.backend.client() as client:
        wait_until(
            lambda: (
                client.get(
                    f"/api/{stack.alice.user_id}/tasks", headers=bearer(stack.alice_token)
                ).status_code
                == 200
            ),
            timeout=RECOVERY_SECONDS,
            what="the backend to reach the restarted database",
        )
    engine = database_engine(database_url)
    try:
        lost = count_lost_writes(result, engine)
    finally:
        engine.dispose()
    LOAD_REPORTS["postgres restarted mid-run"] = result.report()
    assert result.unexpected == [], result.unexpected[:10]  # only expected statuses, or 503
    assert all(status != 500 for (_, status) in result.statuses)
    assert lost == [], lost[:10]
    assert (
        any(e["event"] == "database_unavailable" for e in stack.backend.events())
        or result.unavailable == 0
    )
