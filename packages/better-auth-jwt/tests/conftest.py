"""Fixtures: a local signing key served by a JWKS stub, and a small FastAPI app protected by the package."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field
from test_support.revocation_feed import FeedStub
from test_support.tokens import ISSUER, USER_ID, JwksStub

from better_auth_jwt import (
    AUTH_ERROR_RESPONSES,
    AuthSettings,
    BetterAuthJWT,
    CurrentUser,
    JwksCache,
    KeyResolver,
    PathUser,
)

pytest_plugins = ["test_support.fixtures"]

NOTES = f"/api/{USER_ID}/notes"


class Note(BaseModel):
    text: str = Field(min_length=1)


def build_app(auth: BetterAuthJWT) -> FastAPI:
    """What an app using the package looks like: a route for any user, routes under /api/{user_id}."""
    app = FastAPI(lifespan=auth.lifespan)
    auth.install(app)

    @app.get("/me", responses=AUTH_ERROR_RESPONSES)
    async def me(user: CurrentUser) -> dict[str, str | None]:
        return {"id": user.id, "email": user.email, "name": user.name, "sid": user.session_id}

    @app.get("/api/{user_id}/notes", responses=AUTH_ERROR_RESPONSES)
    async def list_notes(user: PathUser) -> dict[str, Any]:
        return {"user": user.id, "items": []}

    @app.post("/api/{user_id}/notes", status_code=201, responses=AUTH_ERROR_RESPONSES)
    async def add_note(user: PathUser, note: Note) -> dict[str, str]:
        return {"user": user.id, "text": note.text}

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def make_settings(**overrides: Any) -> AuthSettings:
    values: dict[str, Any] = {"better_auth_url": ISSUER, "auth_revocation_poll_seconds": 0.05}
    values.update(overrides)
    return AuthSettings(**values)


@pytest.fixture(autouse=True)
def _no_auth_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see only the settings they give: not a developer's exported AUTH_* variables."""
    import os

    for name in list(os.environ):
        if name.startswith(("AUTH_", "BETTER_AUTH_", "JWT_", "JWKS_")):
            monkeypatch.delenv(name)


AppFactory = Callable[..., TestClient]


@pytest.fixture
def make_client(jwks: JwksStub, feed: FeedStub) -> Iterator[AppFactory]:
    """Builds a started app (lifespan run) with the given settings; jwks mode reads the stub, and
    the revocation feed is `feed` (as that issuer would sign it)."""
    clients: list[TestClient] = []

    def build(keys: KeyResolver | None = None, **settings: Any) -> TestClient:
        resolved = make_settings(**settings)
        if keys is None and resolved.auth_mode == "jwks":
            keys = JwksCache(
                jwks.url, allowed_algorithms=resolved.algorithms, transport=jwks.transport
            )
        if resolved.jwt_secret is not None:
            feed.secret = resolved.jwt_secret.get_secret_value()
        auth = BetterAuthJWT(
            resolved, keys=keys, revocation_transport=feed.transport_for(resolved.issuer)
        )
        client = TestClient(build_app(auth))
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: AppFactory) -> TestClient:
    return make_client()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
