"""Fixtures: real SQLite and Postgres databases, a local signing key, and apps built on them."""

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from better_auth_jwt import JwksCache
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from test_support.migrations import migrate
from test_support.postgres import throwaway_postgres
from test_support.revocation_feed import FeedStub
from test_support.tokens import ISSUER, USER_ID, JwksStub, TokenFactory

from app.application import create_app
from app.db import create_db_engine
from app.settings import Settings

pytest_plugins = ["test_support.fixtures"]


@pytest.fixture(scope="session")
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="tasks-sqlite-") as directory:
        url = f"sqlite:///{Path(directory) / 'app.db'}"
        migrate(url)
        yield url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with throwaway_postgres() as url:
        migrate(url)
        yield url


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Every test that asks for this runs once on SQLite and once on Postgres."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture(scope="session")
def engines() -> Iterator[dict[str, Engine]]:
    cache: dict[str, Engine] = {}
    yield cache
    for engine in cache.values():
        engine.dispose()


def _engine_for(engines: dict[str, Engine], url: str) -> Iterator[Engine]:
    engine = engines.setdefault(url, create_db_engine(url))
    yield engine
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM task_tags"))
        connection.execute(text("DELETE FROM tags"))
        connection.execute(text("DELETE FROM tasks"))


@pytest.fixture
def engine(engines: dict[str, Engine], database_url: str) -> Iterator[Engine]:
    yield from _engine_for(engines, database_url)


@pytest.fixture
def sqlite_engine(engines: dict[str, Engine], sqlite_url: str) -> Iterator[Engine]:
    yield from _engine_for(engines, sqlite_url)


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "better_auth_url": ISSUER,
        "database_url": "sqlite://",
        "auth_revocation_poll_seconds": 0.05,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


AppFactory = Callable[..., TestClient]


@pytest.fixture
def make_client(jwks: JwksStub, feed: FeedStub) -> Iterator[AppFactory]:
    """Builds a started app (lifespan run) on the given engine and settings, polling `feed`."""
    clients: list[TestClient] = []

    def build(
        engine: Engine, keys: Any = None, *, live_feed: bool = False, **settings: Any
    ) -> TestClient:
        """`live_feed`: poll the real feed at the issuer (a real Better Auth), not the stub."""
        resolved = make_settings(**settings)
        if keys is None and resolved.auth_mode == "jwks":
            keys = JwksCache(
                jwks.url, allowed_algorithms=resolved.algorithms, transport=jwks.transport
            )
        if resolved.auth_mode == "shared-secret" and resolved.jwt_secret is not None:
            feed.secret = resolved.jwt_secret.get_secret_value()
        transport = None if live_feed else feed.transport_for(resolved.issuer)
        app = create_app(resolved, keys=keys, engine=engine, revocation_transport=transport)
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: AppFactory, engine: Engine) -> TestClient:
    """The API on SQLite and on Postgres, trusting the local signing key."""
    return make_client(engine)


@pytest.fixture
def auth_client(make_client: AppFactory, sqlite_engine: Engine) -> TestClient:
    """The API on SQLite only: for token rules, which do not depend on the database."""
    return make_client(sqlite_engine)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def alice(tokens: TokenFactory) -> dict[str, str]:
    return bearer(tokens.mint(USER_ID))
