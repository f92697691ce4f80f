"""Processes the suite attacks: Better Auth issuers, uvicorn backends and a Postgres cluster.

Issuers, Postgres clusters, ports and migrations come from the shared test support (`test_support`);
this module adds what only this suite needs. Everything runs on 127.0.0.1 on free ports; every
process started here is stopped at the end of the session even when a test fails (see `stop_all`).
Tokens, secrets and passwords handed out by these helpers are remembered in `SECRETS`, so the log
test can prove none of them reached a log.
"""

import atexit
import json
import os
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, text
from test_support import issuer as shared
from test_support.issuer import HTTP_TIMEOUT, PASSWORD
from test_support.paths import BACKEND_DIR, FRONTEND_DIR
from test_support.ports import free_port
from test_support.postgres import Postgres, PostgresUnavailable
from test_support.waiting import wait_until

from app.db import create_db_engine

SECURITY_DIR = Path(__file__).resolve().parent
STARTUP_SECONDS = 90

# Every token, secret and password the run handles: none of them may appear in a log.
SECRETS: set[str] = {PASSWORD}
# Figures printed in the summary block at the end of the run (and quoted by docs/SECURITY.md).
FIGURES: Counter[str] = Counter()
LOAD_REPORTS: dict[str, dict[str, Any]] = {}
# Reason classes the backends named in 401 answers during the run: each must be in the logs.
REASONS_SEEN: set[str] = set()
LOG_DIR = Path(tempfile.mkdtemp(prefix="security-logs-"))


def remember(value: str) -> str:
    SECRETS.add(value)
    return value


# --- Better Auth --------------------------------------------------------------------------------


class IssuerProcess(shared.IssuerProcess):
    """The shared restartable issuer, with every secret and token it hands out remembered, stopped
    at the end of the session, and able to export its signing key (for claims it never signs)."""

    def __init__(
        self, twin_of: "IssuerProcess | None" = None, scheme: str = "http", **env: str
    ) -> None:
        super().__init__(twin_of, scheme, on_secret=remember, **env)
        ALL_ISSUERS.append(self)

    def export_signing_key(self) -> tuple[str, dict[str, Any]]:
        """(kid, private JWK) of the newest key, read from the issuer's database with its secret."""
        script = (SECURITY_DIR / "tools" / "export-signing-key.mjs").read_text()
        database = self.env["DATABASE_URL"].removeprefix("file:")
        done = subprocess.run(
            ["node", "--input-type=module", "-e", script],
            cwd=FRONTEND_DIR,
            env={
                **os.environ,
                "AUTH_DB": database,
                "BETTER_AUTH_SECRET": self.env["BETTER_AUTH_SECRET"],
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        exported = json.loads(done.stdout)
        remember(exported["jwk"]["d"])
        return exported["kid"], exported["jwk"]


ALL_ISSUERS: list[IssuerProcess] = []


# --- Postgres -----------------------------------------------------------------------------------


def start_postgres() -> Postgres | str:
    """A throwaway cluster, or the reason there is none (no server binaries installed)."""
    try:
        cluster = Postgres.start()
    except PostgresUnavailable as unavailable:
        return str(unavailable)
    ALL_POSTGRES.append(cluster)
    return cluster


ALL_POSTGRES: list[Postgres] = []


def stored_task_ids(engine: Engine) -> dict[int, dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, user_id, title FROM tasks")).mappings().all()
    return {row["id"]: dict(row) for row in rows}


def database_engine(database_url: str) -> Engine:
    return create_db_engine(database_url)


# --- the backend --------------------------------------------------------------------------------


@dataclass
class BackendProcess:
    """The FastAPI backend under uvicorn, started with the documented command and variables."""

    name: str
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def __post_init__(self) -> None:
        self.stderr_path = LOG_DIR / f"{self.name}.stderr.log"
        self.stdout_path = LOG_DIR / f"{self.name}.stdout.log"
        ALL_BACKENDS.append(self)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait: bool = True) -> "BackendProcess":
        assert self.process is None, "backend already running"
        environment = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("AUTH_", "JWT_", "BETTER_AUTH_", "JWKS_"))
        }
        environment.update(self.env)
        with open(self.stdout_path, "ab") as out, open(self.stderr_path, "ab") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "app.main:app"]
                + ["--host", "127.0.0.1", "--port", str(self.port)],
                cwd=BACKEND_DIR,
                env=environment,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
        if wait:
            self.wait_healthy()
        return self

    def wait_healthy(self) -> None:
        def healthy() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"backend {self.name} exited:\n{self.stderr()[-3000:]}")
            try:
                return httpx.get(f"{self.url}/health", timeout=5).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(healthy, STARTUP_SECONDS, what=f"backend {self.name} to answer /health")

    def stop(self) -> None:
        if self.process is None:
            return
        process, self.process = self.process, None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""

    def stdout(self) -> str:
        return self.stdout_path.read_text(errors="replace") if self.stdout_path.exists() else ""

    def events(self, name: str | None = None) -> list[dict[str, Any]]:
        """The JSON security log lines this backend wrote to stderr (optionally one event)."""
        found = []
        for line in self.stderr().splitlines():
            if line.startswith("{"):
                entry = json.loads(line)
                if name is None or entry.get("event") == name:
                    found.append(entry)
        return found

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=HTTP_TIMEOUT, **kwargs)


ALL_BACKENDS: list[BackendProcess] = []


def backend_env(issuer: IssuerProcess, database_url: str, **extra: str) -> dict[str, str]:
    mode = issuer.env.get("AUTH_MODE", "jwks")
    env = {
        "DATABASE_URL": database_url,
        "AUTH_MODE": mode,
        "BETTER_AUTH_URL": issuer.origin,
        "AUTH_JWKS_URL": issuer.jwks_url,
        # The feed of ended sessions, at the issuer's real address like the JWKS (the origin may
        # say https where the test issuer serves plain HTTP).
        "AUTH_REVOCATION_URL": f"{issuer.url}/api/auth/revocations",
        "AUTH_ISSUER": issuer.origin,
        "AUTH_AUDIENCE": issuer.origin,
        "CORS_ORIGINS": issuer.origin,
        "BETTER_AUTH_SECRET": issuer.env["BETTER_AUTH_SECRET"],
    }
    if mode == "shared-secret":
        env["JWT_SECRET"] = issuer.env["JWT_SECRET"]
    env.update(extra)
    return env


def stop_all() -> None:
    """Stops every process the suite started, backends first (they talk to the others)."""
    for backend in ALL_BACKENDS:
        backend.stop()
    for issuer in ALL_ISSUERS:
        issuer.cleanup()
    while ALL_POSTGRES:
        ALL_POSTGRES.pop().stop()


# A backstop for an interrupted run; the session fixture in conftest.py stops them first.
atexit.register(stop_all)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
