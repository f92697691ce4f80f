"""Load: N simulated users (SECURITY_LOAD_USERS, default 20) doing mixed task operations at once
for SECURITY_LOAD_SECONDS (default 20) on loopback against uvicorn and the database: no unexpected
status, no lost write. The figures are printed in the summary block."""

import os

from conftest import Stack
from harness import LOAD_REPORTS, database_engine
from load import count_lost_writes, run_load

LOAD_SECONDS = float(os.environ.get("SECURITY_LOAD_SECONDS", "20"))


def test_load_holds_with_no_unexpected_status_and_no_lost_write(
    stacks: dict[str, Stack], load_accounts: list[tuple[str, str]], database_url: str
) -> None:
    backend = stacks["jwks"].backend
    result = run_load(backend.url, load_accounts, LOAD_SECONDS)
    engine = database_engine(database_url)
    try:
        lost = count_lost_writes(result, engine)
    finally:
        engine.dispose()
    name = "postgres" if database_url.startswith("postgres") else "sqlite"
    LOAD_REPORTS[f"steady, {name}"] = result.report()
    assert result.unexpected == [], result.unexpected[:10]
    assert lost == [], lost[:10]
    assert result.acknowledged > 0 and result.requests > len(load_accounts) * 10
