"""Tokens issued by the real Better Auth (the frontend's configuration), verified by this backend."""

import base64
import json
import time
from collections.abc import Iterator

import pytest
from better_auth_jwt import JwksCache
from fastapi.testclient import TestClient
from sqlalchemy import text
from test_support.issuer import PASSWORD, Issuer, better_auth_issuer
from test_support.tokens import TokenFactory

from tests.conftest import AppFactory, bearer

SHARED_SECRET = "integration-test-shared-secret-0123456789abcdef"


def header_of(token: str) -> dict:
    segment = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def claims_of(token: str) -> dict:
    segment = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


@pytest.fixture(scope="module")
def jwks_issuer() -> Iterator[Issuer]:
    with better_auth_issuer(AUTH_MODE="jwks") as issuer:
        yield issuer


@pytest.fixture(scope="module")
def shared_secret_issuer() -> Iterator[Issuer]:
    with better_auth_issuer(AUTH_MODE="shared-secret", JWT_SECRET=SHARED_SECRET) as issuer:
        yield issuer


def run_task_lifecycle(client: TestClient, issuer: Issuer) -> None:
    """Everything of DESIGN section 4 with real tokens, and isolation between two real users."""
    alice_id, alice_token = issuer.sign_up("Alice")
    bob_id, bob_token = issuer.sign_up("Bob")
    alice, bob = bearer(alice_token), bearer(bob_token)
    tasks = f"/api/{alice_id}/tasks"

    created = client.post(tasks, json={"title": "Real token", "priority": "high"}, headers=alice)
    assert created.status_code == 201, created.text
    task = created.json()
    assert task["user_id"] == alice_id
    assert client.get(tasks, headers=alice).json()["total"] == 1
    assert client.get(f"{tasks}/{task['id']}", headers=alice).status_code == 200
    assert (
        client.put(f"{tasks}/{task['id']}", json={"title": "Renamed"}, headers=alice).json()[
            "title"
        ]
        == "Renamed"
    )
    assert client.patch(f"{tasks}/{task['id']}/complete", headers=alice).json()["completed"] is True

    # Bob's real token: his own path works, Alice's path is forbidden, Alice's task is invisible.
    assert client.get(f"/api/{bob_id}/tasks", headers=bob).json() == {"items": [], "total": 0}
    assert client.get(tasks, headers=bob).status_code == 403
    assert client.get(f"/api/{bob_id}/tasks/{task['id']}", headers=bob).status_code == 404
    assert client.delete(f"/api/{bob_id}/tasks/{task['id']}", headers=bob).status_code == 404

    assert client.delete(f"{tasks}/{task['id']}", headers=alice).status_code == 204
    assert client.get(tasks, headers=alice).json()["total"] == 0


def test_jwks_mode_tokens_are_shaped_as_the_design_says(jwks_issuer: Issuer) -> None:
    user_id, token = jwks_issuer.sign_up()
    header, claims = header_of(token), claims_of(token)
    assert header["alg"] == "EdDSA" and len(header["kid"]) > 0
    assert claims["sub"] == user_id
    assert claims["iss"] == claims["aud"] == jwks_issuer.issuer
    assert claims["exp"] - claims["iat"] == 15 * 60
    # definePayload keeps only what the backend needs, and names the session (DESIGN section 9).
    assert isinstance(claims["sid"], str) and claims["sid"]
    assert set(claims) <= {"sub", "iat", "exp", "iss", "aud", "id", "email", "name", "sid"}


def test_jwks_mode_with_real_better_auth(
    make_client: AppFactory, sqlite_engine, jwks_issuer: Issuer
) -> None:
    keys = JwksCache(jwks_issuer.jwks_url, allowed_algorithms=["EdDSA"])  # real HTTP
    client = make_client(
        sqlite_engine, keys=keys, better_auth_url=jwks_issuer.issuer, live_feed=True
    )
    run_task_lifecycle(client, jwks_issuer)


def test_jwks_mode_refuses_tokens_of_another_issuer(
    make_client: AppFactory, sqlite_engine, jwks_issuer: Issuer, tokens: TokenFactory
) -> None:
    keys = JwksCache(jwks_issuer.jwks_url, allowed_algorithms=["EdDSA"])
    client = make_client(
        sqlite_engine, keys=keys, better_auth_url=jwks_issuer.issuer, live_feed=True
    )
    user_id, token = jwks_issuer.sign_up()
    # A token signed by a key the issuer never published, and an HS256 token: both refused.
    forged = TokenFactory(tokens.key, issuer=jwks_issuer.issuer).mint(user_id)
    assert (
        client.get(f"/api/{user_id}/tasks", headers=bearer(forged)).json()["reason"]
        == "unknown_kid"
    )
    hs256 = TokenFactory(tokens.key, issuer=jwks_issuer.issuer).mint_hs256(SHARED_SECRET, user_id)
    assert client.get(f"/api/{user_id}/tasks", headers=bearer(hs256)).status_code == 401
    # A backend configured for another issuer refuses the genuine token.
    other = make_client(
        sqlite_engine,
        keys=JwksCache(jwks_issuer.jwks_url, allowed_algorithms=["EdDSA"]),
        better_auth_url="http://localhost:3999",
        auth_revocation="off",  # no frontend at that address: nothing would be served
    )
    assert (
        other.get(f"/api/{user_id}/tasks", headers=bearer(token)).json()["reason"]
        == "invalid_issuer"
    )


def test_shared_secret_mode_with_real_better_auth(
    make_client: AppFactory, sqlite_engine, shared_secret_issuer: Issuer
) -> None:
    _, token = shared_secret_issuer.sign_up()
    assert header_of(token)["alg"] == "HS256"
    client = make_client(
        sqlite_engine,
        auth_mode="shared-secret",
        jwt_secret=SHARED_SECRET,
        better_auth_url=shared_secret_issuer.issuer,
        live_feed=True,
    )
    run_task_lifecycle(client, shared_secret_issuer)


def test_shared_secret_mode_refuses_eddsa_tokens(
    make_client: AppFactory, sqlite_engine, jwks_issuer: Issuer
) -> None:
    user_id, token = jwks_issuer.sign_up()
    client = make_client(
        sqlite_engine,
        auth_mode="shared-secret",
        jwt_secret=SHARED_SECRET,
        better_auth_url=jwks_issuer.issuer,
        live_feed=True,
    )
    response = client.get(f"/api/{user_id}/tasks", headers=bearer(token))
    assert response.status_code == 401 and response.json()["reason"] == "unsupported_algorithm"


def wait_for_status(client: TestClient, path: str, token: str, status: int) -> dict:
    deadline = time.monotonic() + 5
    while True:
        response = client.get(path, headers=bearer(token))
        if response.status_code == status or time.monotonic() > deadline:
            assert response.status_code == status, response.text
            return response.json()
        time.sleep(0.05)


@pytest.mark.parametrize("mode", ["jwks", "shared-secret"])
def test_a_signed_out_session_is_refused_within_5_seconds(
    make_client: AppFactory, sqlite_engine, jwks_issuer: Issuer, shared_secret_issuer: Issuer, mode
) -> None:
    issuer = jwks_issuer if mode == "jwks" else shared_secret_issuer
    extra = (
        {"auth_mode": mode, "jwt_secret": SHARED_SECRET}
        if mode == "shared-secret"
        else {"keys": JwksCache(issuer.jwks_url, allowed_algorithms=["EdDSA"])}
    )
    client = make_client(sqlite_engine, better_auth_url=issuer.issuer, live_feed=True, **extra)
    person = issuer.account("Leaver")
    token = person.token()
    tasks = f"/api/{person.user_id}/tasks"
    assert client.get(tasks, headers=bearer(token)).status_code == 200

    assert person.client.post("/api/auth/sign-out", json={}).status_code == 200
    body = wait_for_status(client, tasks, token, 401)
    assert body["reason"] == "revoked"


def test_a_deleted_account_leaves_no_tasks(
    make_client: AppFactory, sqlite_engine, jwks_issuer: Issuer
) -> None:
    keys = JwksCache(jwks_issuer.jwks_url, allowed_algorithms=["EdDSA"])
    client = make_client(
        sqlite_engine, keys=keys, better_auth_url=jwks_issuer.issuer, live_feed=True
    )
    leaver, stayer = jwks_issuer.account("Leaver"), jwks_issuer.account("Stayer")
    for person in (leaver, stayer):
        created = client.post(
            f"/api/{person.user_id}/tasks", json={"title": "mine"}, headers=bearer(person.token())
        )
        assert created.status_code == 201

    deleted = leaver.client.post("/api/auth/delete-user", json={"password": PASSWORD})
    assert deleted.status_code == 200, deleted.text
    deadline = time.monotonic() + 5
    with sqlite_engine.connect() as connection:
        count = "SELECT count(*) FROM tasks WHERE user_id = :user"
        while connection.execute(text(count), {"user": leaver.user_id}).scalar_one():
            assert time.monotonic() < deadline, "the deleted user's tasks are still there"
            time.sleep(0.05)
            connection.rollback()
        assert connection.execute(text(count), {"user": stayer.user_id}).scalar_one() == 1
