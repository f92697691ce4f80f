"""Key rotation end to end: Better Auth rotates its signing key (`rotationInterval`), tokens of the
old key stay valid during the grace period, and a token with the new kid is accepted after exactly
one JWKS refetch by the running backend."""

from collections.abc import Iterator

import pytest
from test_support.tokens import b64url_json
from test_support.waiting import wait_until

from conftest import Stack
from harness import BackendProcess, IssuerProcess, backend_env, bearer

ROTATION_SECONDS = 4
GRACE_SECONDS = 120


def kid_of(token: str) -> str:
    kid: str = b64url_json(token.split(".")[0])["kid"]
    return kid


@pytest.fixture(scope="module")
def rotating(database_url: str) -> Iterator[tuple[IssuerProcess, BackendProcess]]:
    issuer = IssuerProcess(
        AUTH_MODE="jwks",
        AUTH_JWKS_ROTATION_INTERVAL=str(ROTATION_SECONDS),
        AUTH_JWKS_GRACE_PERIOD=str(GRACE_SECONDS),
    ).start()
    backend = BackendProcess("jwks-rotation", backend_env(issuer, database_url)).start()
    try:
        yield issuer, backend
    finally:
        backend.stop()
        issuer.cleanup()


def test_rotation_old_tokens_stay_valid_and_the_new_kid_costs_one_refetch(
    rotating: tuple[IssuerProcess, BackendProcess],
) -> None:
    issuer, backend = rotating
    alice = issuer.sign_up("Alice")
    old_token = alice.token()
    path = f"/api/{alice.user_id}/tasks"
    with backend.client() as client:
        assert client.get(path, headers=bearer(old_token)).status_code == 200
        fetches = len(backend.events("jwks_refreshed"))

        # After the rotation interval the issuer signs with a new key, and publishes both.
        def token_of_a_new_key() -> str | None:
            token = alice.token()
            return token if kid_of(token) != kid_of(old_token) else None

        new_token = wait_until(
            token_of_a_new_key,
            timeout=ROTATION_SECONDS * 10,
            interval=1,
            what="Better Auth to rotate its signing key",
        )
        published = {key["kid"] for key in issuer.jwks()["keys"]}
        assert {kid_of(old_token), kid_of(new_token)} <= published

        # The new kid is unknown to the backend: one refetch, then accepted.
        assert client.get(path, headers=bearer(new_token)).status_code == 200
        assert len(backend.events("jwks_refreshed")) == fetches + 1
        # Old tokens stay valid in the grace period; neither token costs another fetch.
        assert client.get(path, headers=bearer(old_token)).status_code == 200
        assert client.get(path, headers=bearer(new_token)).status_code == 200
        assert len(backend.events("jwks_refreshed")) == fetches + 1

    # A backend started now (cold cache) trusts both keys from its first fetch.
    fresh = BackendProcess("jwks-rotation-fresh", dict(backend.env)).start()
    try:
        with fresh.client() as client:
            for token in (old_token, new_token):
                assert client.get(path, headers=bearer(token)).status_code == 200
            assert len(fresh.events("jwks_refreshed")) == 1
    finally:
        fresh.stop()


def test_a_token_of_another_better_auth_deployment_is_refused(
    rotating: tuple[IssuerProcess, BackendProcess], stacks: dict[str, Stack]
) -> None:
    """Same mode, same software, another deployment: its keys are not ours (and vice versa)."""
    issuer, backend = rotating
    main = stacks["jwks"]
    theirs = issuer.sign_up("Mallory")
    for target, account, token in (
        (main.backend, theirs, theirs.token()),
        (backend, main.alice, main.alice_token),
    ):
        with target.client() as client:
            refused = client.get(f"/api/{account.user_id}/tasks", headers=bearer(token))
            assert refused.status_code == 401
            assert refused.json()["reason"] in ("unknown_kid", "invalid_issuer")
