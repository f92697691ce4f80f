"""The FastAPI side as an app meets it: OpenAPI declarations, response shapes, wiring mistakes."""

import typing

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from test_support.tokens import USER_ID, JwksStub, TokenFactory

from better_auth_jwt import (
    AuthSettings,
    BetterAuthJWT,
    CurrentUser,
    JwksCache,
    RefusalReason,
)
from tests.conftest import NOTES, AppFactory, bearer


def test_openapi_declares_the_bearer_scheme_and_every_refusal(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["BearerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "A short-lived JWT from Better Auth (`GET /api/auth/token` on the frontend).",
    }
    operation = schema["paths"]["/api/{user_id}/notes"]["get"]
    assert operation["security"] == [{"BearerToken": []}]
    assert {"401", "403", "503"} <= set(operation["responses"])
    unauthorized = operation["responses"]["401"]
    assert "WWW-Authenticate" in unauthorized["headers"]
    assert unauthorized["content"]["application/json"]["schema"]["$ref"].endswith("/TokenErrorBody")
    assert "Retry-After" in operation["responses"]["503"]["headers"]
    reasons = schema["components"]["schemas"]["TokenErrorBody"]["properties"]["reason"]["enum"]
    assert set(reasons) == set(typing.get_args(RefusalReason))
    path_parameter = next(p for p in operation["parameters"] if p["name"] == "user_id")
    assert path_parameter["description"] == "Must equal the token's `sub`."
    assert "security" not in schema["paths"]["/health"]["get"]


def test_a_refusal_has_the_declared_shape(client: TestClient) -> None:
    refused = client.get(NOTES, headers={"Authorization": "Bearer not-a-token"})
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert refused.json() == {"detail": "Token is malformed", "reason": "malformed_token"}


def test_another_users_path_is_a_403(client: TestClient, tokens: TokenFactory) -> None:
    response = client.get("/api/someone-else/notes", headers=bearer(tokens.mint()))
    assert response.status_code == 403
    assert response.json() == {
        "detail": "This token belongs to another user; use your own user id in the path"
    }


def test_no_keys_yet_is_a_503_with_retry_after(
    make_client: AppFactory, tokens: TokenFactory, jwks: JwksStub
) -> None:
    jwks.up = False
    client = make_client()
    response = client.get(NOTES, headers=bearer(tokens.mint()))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"
    assert response.json() == {"detail": "Token signing keys are unavailable; try again shortly"}


def test_the_lifespan_prefetches_and_closes_the_jwks(tokens: TokenFactory, jwks: JwksStub) -> None:
    cache = JwksCache(jwks.url, allowed_algorithms=["EdDSA"], transport=jwks.transport)
    auth = BetterAuthJWT(AuthSettings(auth_revocation="off"), keys=cache)
    app = FastAPI(lifespan=auth.lifespan)
    auth.install(app)

    @app.get("/me")
    async def me(user: CurrentUser) -> str:
        return user.id

    with TestClient(app) as client:
        assert cache.has_keys and jwks.hits == 1
        assert client.get("/me", headers=bearer(tokens.mint())).json() == USER_ID
    assert jwks.hits == 1


def test_an_app_that_forgot_install_says_so(tokens: TokenFactory) -> None:
    app = FastAPI()

    @app.get("/me")
    async def me(user: CurrentUser) -> str:
        return user.id

    with pytest.raises(RuntimeError, match=r"install\(app\)"):
        TestClient(app).get("/me", headers=bearer(tokens.mint()))
