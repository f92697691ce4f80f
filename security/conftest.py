"""Fixtures of the security suite: one running stack (Better Auth issuer + backend) per auth mode,
real users with real tokens, a real expired token, the issuer's own key for hand-made claims, and
the summary block of figures printed at the end of the run."""

import os
import secrets
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import jwt
import pytest
from test_support.issuer import Account
from test_support.migrations import migrate
from test_support.postgres import Postgres
from test_support.tokens import token_claims

from harness import (
    FIGURES,
    LOAD_REPORTS,
    LOG_DIR,
    BackendProcess,
    IssuerProcess,
    backend_env,
    remember,
    start_postgres,
    stop_all,
)

MODES = ("jwks", "shared-secret")
# Leeway of the backend (30 s) plus a margin: a 1 s token is surely refused after this.
EXPIRED_AFTER_SECONDS = 1 + 30 + 3

# Slow, process-heavy modules last; the log audit at the very end sees every backend's output.
MODULE_ORDER = [
    "test_fuzz_tokens",
    "test_schemathesis",
    "test_better_auth",
    "test_attacks",
    "test_authz_matrix",
    "test_key_rotation",
    "test_load",
    "test_faults",
    "test_security_logs",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        module = getattr(item, "module", None)
        name = module.__name__ if module else ""
        return MODULE_ORDER.index(name) if name in MODULE_ORDER else len(MODULE_ORDER)

    items.sort(key=rank)


@pytest.fixture(scope="session", autouse=True)
def _stop_everything_at_the_end() -> Iterator[None]:
    try:
        yield
    finally:
        stop_all()


@pytest.fixture(scope="session")
def postgres() -> Postgres | str:
    """A throwaway Postgres cluster, or why there is none (tests that need one skip)."""
    return start_postgres()


@pytest.fixture(scope="session")
def require_postgres(postgres: Postgres | str) -> Postgres:
    if isinstance(postgres, str):
        pytest.skip(postgres + " (set REQUIRE_POSTGRES=1 to make this a failure)")
    return postgres


@pytest.fixture(scope="session")
def database_url(postgres: Postgres | str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Postgres when it can run here (as in production), else a SQLite file; migrated once."""
    if isinstance(postgres, Postgres):
        url = postgres.url
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'app.db'}"
    migrate(url)
    return url


@dataclass
class Stack:
    """One auth mode end to end: a real issuer, the backend trusting it, and real users."""

    mode: str
    issuer: IssuerProcess
    backend: BackendProcess
    alice: Account
    bob: Account
    alice_token: str
    bob_token: str
    signing_key: Any  # what signs tokens as the issuer would: Ed25519 private key, or the secret
    kid: str | None
    expired_token: str = ""
    expired_ready_at: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def algorithm(self) -> str:
        return "EdDSA" if self.mode == "jwks" else "HS256"

    def claims(self, sub: Any = None, **overrides: Any) -> dict[str, Any]:
        """Claims shaped like the issuer's own (see a real token), for Alice unless `sub` is given."""
        sub = self.alice.user_id if sub is None else sub
        return token_claims(sub, issuer=self.issuer.origin, **overrides)

    def sign(
        self,
        claims: dict[str, Any],
        *,
        headers: dict[str, Any] | None = None,
        kid: Any = "default",
    ) -> str:
        """Signs claims with the issuer's real key (as an attacker who had it would)."""
        header: dict[str, Any] = dict(headers or {})
        if self.mode == "jwks" and kid == "default":
            header["kid"] = self.kid
        elif kid not in ("default", None):
            header["kid"] = kid
        token = jwt.encode(claims, self.signing_key, algorithm=self.algorithm, headers=header)
        return remember(token)

    def wait_for_expired_token(self) -> str:
        delay = self.expired_ready_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        return self.expired_token


def _build_stack(mode: str, database_url: str) -> Stack:
    env: dict[str, str] = {"AUTH_MODE": mode}
    if mode == "shared-secret":
        env["JWT_SECRET"] = secrets.token_hex(32)
    issuer = IssuerProcess(**env).start()  # type: ignore[arg-type]
    alice, bob = issuer.sign_up("Alice"), issuer.sign_up("Bob")
    alice_token, bob_token = alice.token(), bob.token()
    # A twin issuer on the same database and secret signs a real 1-second token for Alice's
    # account; by the time the tests use it, it is past its expiry and the backend's leeway.
    twin = IssuerProcess(twin_of=issuer, JWT_EXPIRATION_TIME="1s").start()
    try:
        expired_token = twin.sign_in(alice.email).token()
    finally:
        twin.cleanup()
    expired_ready_at = time.monotonic() + EXPIRED_AFTER_SECONDS
    stack_kid: str | None
    if mode == "jwks":
        stack_kid, jwk = issuer.export_signing_key()
        signing_key: Any = jwt.PyJWK(jwk, "EdDSA").key
    else:
        stack_kid, signing_key = None, env["JWT_SECRET"]
    # A long key-cache TTL: the suite counts JWKS fetches, and a periodic refresh must not add one.
    env_backend = backend_env(issuer, database_url, JWKS_CACHE_TTL_SECONDS="3600")
    backend = BackendProcess(f"{mode}-main", env_backend).start()
    stack = Stack(
        mode=mode,
        issuer=issuer,
        backend=backend,
        alice=alice,
        bob=bob,
        alice_token=alice_token,
        bob_token=bob_token,
        signing_key=signing_key,
        kid=stack_kid,
        expired_token=expired_token,
        expired_ready_at=expired_ready_at,
    )
    return stack


@pytest.fixture(scope="session")
def stacks(database_url: str) -> dict[str, Stack]:
    with ThreadPoolExecutor(max_workers=len(MODES)) as pool:  # the two stacks start side by side
        futures = {mode: pool.submit(_build_stack, mode, database_url) for mode in MODES}
        built = {mode: future.result() for mode, future in futures.items()}
    # A token from the other deployment: a genuine token of a foreign issuer for each stack.
    built["jwks"].extra["foreign_token"] = built["shared-secret"].alice_token
    built["shared-secret"].extra["foreign_token"] = built["jwks"].alice_token
    return built


@pytest.fixture(scope="session", params=MODES)
def stack(request: pytest.FixtureRequest, stacks: dict[str, Stack]) -> Stack:
    return stacks[request.param]


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int) -> None:
    stats = terminalreporter.stats
    counts = {k: len(stats.get(k, [])) for k in ("passed", "failed", "skipped", "error")}
    lines = [
        f"test cases run: {counts['passed'] + counts['failed']} "
        f"({counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped)",
        f"attack cases (DESIGN section 3 rules, both modes): {FIGURES['attack_cases']}",
        f"attacks refused as expected: {FIGURES['attacks_refused']}",
        f"authorization matrix cases: {FIGURES['matrix_cases']} "
        f"over {FIGURES['matrix_routes']} routes",
        f"Hypothesis examples (header and claim parsing): {FIGURES['hypothesis_examples']}",
        f"schemathesis cases: {FIGURES['schemathesis_cases']} (5xx: {FIGURES['schemathesis_5xx']})",
    ]
    for name, report in LOAD_REPORTS.items():
        lines.append(
            f"load [{name}]: {report['users']} users, {report['seconds']:.1f} s, "
            f"{report['requests']} requests, {report['rps']:.0f} req/s, "
            f"p50 {report['p50_ms']:.1f} ms, p99 {report['p99_ms']:.1f} ms, "
            f"unexpected statuses {report['unexpected']}, 503s {report['unavailable']}, "
            f"writes acknowledged {report['acknowledged']}, writes lost {report['lost']}"
        )
    lines.append(
        "sign-out to 401 revoked on both backend processes (worst of both modes): "
        f"{FIGURES['revocation_worst_ms']} ms"
    )
    lines.append(f"secrets and tokens checked absent from logs: {FIGURES['secrets_checked']}")
    terminalreporter.write_sep("=", "security suite figures")
    for line in lines:
        terminalreporter.write_line(line)
    if counts["failed"] or counts["error"]:
        terminalreporter.write_line(f"backend logs kept in {LOG_DIR}")
    else:
        shutil.rmtree(LOG_DIR, ignore_errors=True)


LOAD_USERS = int(os.environ.get("SECURITY_LOAD_USERS", "20"))


@pytest.fixture(scope="session")
def load_accounts(stacks: dict[str, Stack]) -> list[tuple[str, str]]:
    """(user id, real token) of the simulated users, signed up on the jwks issuer."""
    issuer = stacks["jwks"].issuer
    with ThreadPoolExecutor(max_workers=4) as pool:
        accounts = list(pool.map(lambda n: issuer.sign_up(f"Load {n}"), range(LOAD_USERS)))
    return [(account.user_id, account.token()) for account in accounts]
