"""Throwaway PostgreSQL clusters, started and stopped by scripts/throwaway-postgres.sh.

Without PostgreSQL's server binaries a cluster cannot start: tests skip then, unless
REQUIRE_POSTGRES=1 (CI) makes that a failure."""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from test_support.paths import SCRIPTS_DIR

SCRIPT = SCRIPTS_DIR / "throwaway-postgres.sh"
NO_SERVER_BINARIES = 3  # the script's exit status when PostgreSQL is not installed


class PostgresUnavailable(Exception):
    """PostgreSQL is not installed here (and REQUIRE_POSTGRES=1 does not demand it)."""


def _script(action: str, directory: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), action, directory], capture_output=True, text=True, timeout=timeout
    )


@dataclass
class Postgres:
    """A running cluster of its own: `url` to connect, `restart()` to bounce it, `stop()`."""

    url: str
    directory: str

    @classmethod
    def start(cls) -> "Postgres":
        # Not under pytest's private tmp dir: the server runs as `postgres` and must reach it.
        directory = tempfile.mkdtemp(prefix="tasks-pg-")
        started = _script("start", directory, timeout=180)
        if started.returncode == 0:
            return cls(url=started.stdout.strip(), directory=directory)
        shutil.rmtree(directory, ignore_errors=True)
        message = f"PostgreSQL could not be started: {started.stderr.strip()}"
        if started.returncode == NO_SERVER_BINARIES and os.environ.get("REQUIRE_POSTGRES") != "1":
            raise PostgresUnavailable(message)
        raise RuntimeError(message)

    def restart(self) -> None:
        done = _script("restart", self.directory, timeout=120)
        assert done.returncode == 0, done.stderr

    def stop(self) -> None:
        _script("stop", self.directory, timeout=120)
        shutil.rmtree(self.directory, ignore_errors=True)


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Yields the URL of a fresh cluster, stopped afterwards; skips a test without PostgreSQL."""
    try:
        cluster = Postgres.start()
    except PostgresUnavailable as unavailable:
        pytest.skip(f"{unavailable} (set REQUIRE_POSTGRES=1 to make this a failure)")
    try:
        yield cluster.url
    finally:
        cluster.stop()
