"""Processes the suite attacks: Better Auth issuers, uvicorn backends and a Postgres cluster.

Everything runs on 127.0.0.1 on free ports; every process started here is stopped at the end of the
session even when a test fails (see `stop_all`). Tokens, secrets and passwords handed out by these
helpers are remembered in `SECRETS`, so the log test can prove none of them reached a log.
"""

import atexit
import base64
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, text

from app.db import create_db_engine
from tests.utils.better_auth import FRONTEND_DIR, Issuer, better_auth_issuer

SECURITY_DIR = Path(__file__).resolve().parent
BACKEND_DIR = SECURITY_DIR.parent / "backend"
POSTGRES_SCRIPT = SECURITY_DIR.parent / "scripts" / "throwaway-postgres.sh"
NO_POSTGRES_BINARIES = 3
PASSWORD = "correct horse battery staple"
STARTUP_SECONDS = 90
HTTP_TIMEOUT = httpx.Timeout(60.0)

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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_json(segment: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def wait_until(predicate: Any, timeout: float, interval: float = 0.25, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or predicate}")
        time.sleep(interval)


# --- Better Auth --------------------------------------------------------------------------------


@dataclass
class Account:
    """A user signed up on a real issuer, with its session cookie kept for fresh tokens."""

    user_id: str
    email: str
    client: httpx.Client

    def token(self) -> str:
        response = self.client.get("/api/auth/token")
        assert response.status_code == 200, response.text
        return remember(response.json()["token"])


def sign_up(base_url: str, origin: str, name: str = "Security Test") -> Account:
    """Signs up over HTTP as a browser on `origin` would; the client keeps the session cookie."""
    client = httpx.Client(base_url=base_url, headers={"Origin": origin}, timeout=HTTP_TIMEOUT)
    email = f"{secrets.token_hex(6)}@example.com"
    response = client.post(
        "/api/auth/sign-up/email", json={"name": name, "email": email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return Account(user_id=response.json()["user"]["id"], email=email, client=client)


class IssuerProcess:
    """A Better Auth issuer (the frontend's own config) on a fixed port and database file, so it can
    be stopped and started again with the same keys; or a twin of another issuer sharing its
    database, secret and origin (e.g. to sign short-lived tokens with the same key)."""

    env: dict[str, str]

    def __init__(
        self, twin_of: "IssuerProcess | None" = None, scheme: str = "http", **env: str
    ) -> None:
        if twin_of is None:
            self.directory = Path(tempfile.mkdtemp(prefix="security-issuer-"))
            self.port = free_port()
            base = {
                # https: the origin a production deployment has (served here over plain HTTP).
                "BETTER_AUTH_URL": f"{scheme}://localhost:{self.port}",
                "BETTER_AUTH_SECRET": secrets.token_hex(32),
                "DATABASE_URL": f"file:{self.directory / 'auth.db'}",
            }
        else:
            self.directory = twin_of.directory
            self.port = free_port()
            base = {
                k: twin_of.env[k] for k in ("BETTER_AUTH_URL", "BETTER_AUTH_SECRET", "DATABASE_URL")
            }
            base.update({k: v for k, v in twin_of.env.items() if k in ("AUTH_MODE", "JWT_SECRET")})
        self.env = {**base, **env, "PORT": str(self.port)}
        self.origin = self.env["BETTER_AUTH_URL"]
        self.url = f"http://localhost:{self.port}"
        self.jwks_url = f"{self.url}/api/auth/jwks"
        self.owns_directory = twin_of is None
        remember(self.env["BETTER_AUTH_SECRET"])
        if self.env.get("JWT_SECRET"):
            remember(self.env["JWT_SECRET"])
        self._stack: ExitStack | None = None
        self.info: Issuer | None = None
        ALL_ISSUERS.append(self)

    @property
    def running(self) -> bool:
        return self._stack is not None

    def start(self) -> "IssuerProcess":
        assert self._stack is None, "issuer already running"
        stack = ExitStack()
        self.info = stack.enter_context(better_auth_issuer(**self.env))
        self._stack = stack
        return self

    def stop(self) -> None:
        if self._stack is not None:
            stack, self._stack = self._stack, None
            stack.close()

    def restart(self) -> None:
        self.stop()
        self.start()

    def sign_up(self, name: str = "Security Test") -> Account:
        return sign_up(self.url, self.origin, name)

    def jwks(self) -> dict[str, Any]:
        response = httpx.get(self.jwks_url, timeout=HTTP_TIMEOUT)
        assert response.status_code == 200, response.text
        document: dict[str, Any] = response.json()
        return document

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

    def cleanup(self) -> None:
        self.stop()
        if self.owns_directory:
            shutil.rmtree(self.directory, ignore_errors=True)


ALL_ISSUERS: list[IssuerProcess] = []


# --- Postgres -----------------------------------------------------------------------------------


@dataclass
class Postgres:
    url: str
    directory: str

    def restart(self) -> None:
        done = subprocess.run(
            ["bash", str(POSTGRES_SCRIPT), "restart", self.directory],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr

    def stop(self) -> None:
        subprocess.run(
            ["bash", str(POSTGRES_SCRIPT), "stop", self.directory], capture_output=True, timeout=120
        )
        shutil.rmtree(self.directory, ignore_errors=True)


def start_postgres() -> Postgres | str:
    """A throwaway cluster, or the reason there is none (no server binaries installed)."""
    directory = tempfile.mkdtemp(prefix="security-pg-")  # outside pytest's private tmp
    started = subprocess.run(
        ["bash", str(POSTGRES_SCRIPT), "start", directory],
        capture_output=True,
        text=True,
        timeout=180,
    )
    if started.returncode == 0:
        cluster = Postgres(url=started.stdout.strip(), directory=directory)
        ALL_POSTGRES.append(cluster)
        return cluster
    shutil.rmtree(directory, ignore_errors=True)
    message = f"PostgreSQL could not be started: {started.stderr.strip()}"
    if started.returncode == NO_POSTGRES_BINARIES and os.environ.get("REQUIRE_POSTGRES") != "1":
        return message
    pytest.fail(message)


ALL_POSTGRES: list[Postgres] = []


def migrate(database_url: str) -> None:
    """The documented schema command, `alembic upgrade head`, run in the backend's environment."""
    done = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=BACKEND_DIR,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr


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


def sign_in(base_url: str, origin: str, email: str) -> Account:
    client = httpx.Client(base_url=base_url, headers={"Origin": origin}, timeout=HTTP_TIMEOUT)
    response = client.post("/api/auth/sign-in/email", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return Account(user_id=response.json()["user"]["id"], email=email, client=client)
