"""Real databases for tests: a SQLite file, and a throwaway PostgreSQL cluster started by the run."""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.config import Config

from alembic import command

BACKEND_DIR = Path(__file__).resolve().parents[2]
POSTGRES_SCRIPT = BACKEND_DIR.parent / "scripts" / "throwaway-postgres.sh"
NO_SERVER_BINARIES = 3


def _alembic_config(database_url: str) -> Config:
    config = Config(str(BACKEND_DIR / "alembic.ini"))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logger"] = False
    return config


def migrate(database_url: str, revision: str = "head") -> None:
    command.upgrade(_alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(_alembic_config(database_url), revision)


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Yields the URL of a fresh cluster; skips (or fails with REQUIRE_POSTGRES=1) without one."""
    # Not under pytest's private tmp dir: the server runs as `postgres` and must reach its folder.
    directory = tempfile.mkdtemp(prefix="tasks-pg-")
    try:
        started = subprocess.run(
            ["bash", str(POSTGRES_SCRIPT), "start", directory],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if started.returncode != 0:
            message = f"PostgreSQL could not be started: {started.stderr.strip()}"
            if (
                started.returncode == NO_SERVER_BINARIES
                and os.environ.get("REQUIRE_POSTGRES") != "1"
            ):
                pytest.skip(message + " (set REQUIRE_POSTGRES=1 to make this a failure)")
            pytest.fail(message)
        yield started.stdout.strip()
    finally:
        subprocess.run(["bash", str(POSTGRES_SCRIPT), "stop", directory], capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)
