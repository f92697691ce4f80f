"""A real Better Auth issuer: the frontend's own configuration (lib/auth-options.ts) served by
frontend/scripts/auth-issuer.ts on 127.0.0.1, and users signed up on it over HTTP as a browser would.

- `better_auth_issuer(**env)`: one issuer for the length of a `with` block;
- `IssuerProcess`: an issuer on a fixed port and database file that can be stopped and started again
  with the same keys, or a twin of another one (same database, secret and origin)."""

import json
import os
import secrets
import select
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import httpx
import pytest

from test_support.paths import FRONTEND_DIR
from test_support.ports import free_port

TSX = FRONTEND_DIR / "node_modules" / ".bin" / "tsx"
ISSUER_SCRIPT = FRONTEND_DIR / "scripts" / "auth-issuer.ts"
PASSWORD = "correct horse battery staple"
STARTUP_SECONDS = 90
HTTP_TIMEOUT = httpx.Timeout(60.0)

# The issuer must run with only the settings a test gives it: a developer's shell or a suite's
# Postgres run may export DATABASE_URL, AUTH_MODE or secrets meant for the backend.
_APP_SETTING_PREFIXES = ("AUTH_", "BETTER_AUTH_", "JWT_", "JWKS_", "DATABASE_URL")

SecretSink = Callable[[str], object]


def _ignore(_: str) -> None:
    return None


@dataclass
class Account:
    """A user signed up on an issuer; `client` keeps the session cookie, for fresh tokens.
    Every token handed out passes through `on_secret` (a suite may audit its logs for them)."""

    user_id: str
    email: str
    client: httpx.Client
    on_secret: SecretSink = field(default=_ignore, repr=False)

    def token(self) -> str:
        response = self.client.get("/api/auth/token")
        assert response.status_code == 200, response.text
        token: str = response.json()["token"]
        self.on_secret(token)
        return token

    @property
    def cookie(self) -> str:
        """The session cookie as a `Cookie` header value."""
        return "; ".join(f"{name}={value}" for name, value in self.client.cookies.items())


def _session_client(base_url: str, origin: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, headers={"Origin": origin}, timeout=HTTP_TIMEOUT)


def sign_up(
    base_url: str,
    origin: str,
    name: str = "Test User",
    *,
    email: str | None = None,
    on_secret: SecretSink = _ignore,
) -> Account:
    """Signs up with email and password as a browser on `origin` would."""
    client = _session_client(base_url, origin)
    email = email or f"{secrets.token_hex(6)}@example.com"
    response = client.post(
        "/api/auth/sign-up/email", json={"name": name, "email": email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return Account(response.json()["user"]["id"], email, client, on_secret)


def sign_in(base_url: str, origin: str, email: str, *, on_secret: SecretSink = _ignore) -> Account:
    client = _session_client(base_url, origin)
    response = client.post("/api/auth/sign-in/email", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return Account(response.json()["user"]["id"], email, client, on_secret)


@dataclass
class Issuer:
    """A running issuer: where it listens, its JWKS, the `iss`/`aud` of its tokens, its process."""

    url: str
    jwks_url: str
    issuer: str
    pid: int
    log_path: Path

    def account(self, name: str = "Test User", **options: Any) -> Account:
        return sign_up(self.url, self.issuer, name, **options)

    def sign_up(self, name: str = "Test User") -> tuple[str, str]:
        """Signs a new user up over HTTP; returns (user id, JWT from GET /api/auth/token)."""
        account = self.account(name)
        try:
            return account.user_id, account.token()
        finally:
            account.client.close()


def _unavailable(message: str) -> None:
    if os.environ.get("CI") or os.environ.get("REQUIRE_BETTER_AUTH") == "1":
        pytest.fail(message)
    pytest.skip(message + " (run `npm install` in frontend/; CI treats this as a failure)")


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def better_auth_issuer(
    *,
    script: Path = ISSUER_SCRIPT,
    command_prefix: Sequence[str] = (),
    log_path: Path | None = None,
    **env: str,
) -> AbstractContextManager[Issuer]:
    """Starts an issuer with `env` (PORT=0 unless given) and stops it at the end of the block.

    `script` is the TypeScript server to run (another entry point may adjust the configuration, as
    the benchmark's does); `command_prefix` goes before the command (e.g. `taskset -c 0`); the
    issuer's log goes to `log_path` (a temporary file by default, quoted when it fails to start)."""
    return _issuer(env, script, command_prefix, log_path)


@contextmanager
def _issuer(
    env: Mapping[str, str], script: Path, command_prefix: Sequence[str], log_path: Path | None
) -> Iterator[Issuer]:
    if not TSX.exists():
        _unavailable("frontend dependencies are not installed")
    with ExitStack() as cleanup:
        if log_path is None:
            log_path = Path(cleanup.enter_context(tempfile.TemporaryDirectory())) / "issuer.log"
        log = cleanup.enter_context(log_path.open("w"))
        environment = {
            k: v for k, v in os.environ.items() if not k.startswith(_APP_SETTING_PREFIXES)
        }
        process = subprocess.Popen(
            [*command_prefix, str(TSX), str(script)],
            cwd=FRONTEND_DIR,
            env={**environment, "PORT": "0", **env},
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        cleanup.callback(_stop, process)
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], STARTUP_SECONDS)
        line = process.stdout.readline() if ready else ""
        if not line:
            raise RuntimeError(
                f"the Better Auth issuer did not start:\n{log_path.read_text()[-3000:]}"
            )
        info = json.loads(line)
        yield Issuer(info["url"], info["jwksUrl"], info["issuer"], process.pid, log_path)


class IssuerProcess:
    """An issuer on a fixed port and database file, so it can be stopped and started again with the
    same keys; or a twin of another issuer sharing its database, secret and origin (e.g. to sign
    short-lived tokens with the same key). `scheme="https"` gives it the origin of a production
    deployment (served here over plain HTTP). Secrets and tokens pass through `on_secret`."""

    env: dict[str, str]

    def __init__(
        self,
        twin_of: "IssuerProcess | None" = None,
        scheme: str = "http",
        *,
        on_secret: SecretSink = _ignore,
        **env: str,
    ) -> None:
        self.port = free_port()
        if twin_of is None:
            self.directory = Path(tempfile.mkdtemp(prefix="tasks-issuer-"))
            base = {
                "BETTER_AUTH_URL": f"{scheme}://localhost:{self.port}",
                "BETTER_AUTH_SECRET": secrets.token_hex(32),
                "DATABASE_URL": f"file:{self.directory / 'auth.db'}",
            }
        else:
            self.directory = twin_of.directory
            shared = (
                "BETTER_AUTH_URL",
                "BETTER_AUTH_SECRET",
                "DATABASE_URL",
                "AUTH_MODE",
                "JWT_SECRET",
            )
            base = {k: v for k, v in twin_of.env.items() if k in shared}
        self.env = {**base, **env, "PORT": str(self.port)}
        self.origin = self.env["BETTER_AUTH_URL"]
        self.url = f"http://localhost:{self.port}"
        self.jwks_url = f"{self.url}/api/auth/jwks"
        self.owns_directory = twin_of is None
        self.on_secret = on_secret
        for name in ("BETTER_AUTH_SECRET", "JWT_SECRET"):
            if self.env.get(name):
                on_secret(self.env[name])
        self._stack: ExitStack | None = None
        self.info: Issuer | None = None

    @property
    def running(self) -> bool:
        return self._stack is not None

    def start(self) -> Self:
        assert self._stack is None, "issuer already running"
        stack = ExitStack()
        self.info = stack.enter_context(_issuer(self.env, ISSUER_SCRIPT, (), None))
        self._stack = stack
        return self

    def stop(self) -> None:
        if self._stack is not None:
            stack, self._stack = self._stack, None
            stack.close()

    def restart(self) -> None:
        self.stop()
        self.start()

    def sign_up(self, name: str = "Test User") -> Account:
        return sign_up(self.url, self.origin, name, on_secret=self.on_secret)

    def sign_in(self, email: str) -> Account:
        return sign_in(self.url, self.origin, email, on_secret=self.on_secret)

    def jwks(self) -> dict[str, Any]:
        response = httpx.get(self.jwks_url, timeout=HTTP_TIMEOUT)
        assert response.status_code == 200, response.text
        document: dict[str, Any] = response.json()
        return document

    def cleanup(self) -> None:
        self.stop()
        if self.owns_directory:
            shutil.rmtree(self.directory, ignore_errors=True)
