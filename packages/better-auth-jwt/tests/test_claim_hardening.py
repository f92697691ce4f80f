"""DESIGN section 8's claim rules: the lifetime cap, a non-blank subject, and the optional sid."""

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_support.tokens import DROP, USER_ID, TokenFactory

from tests.conftest import NOTES, AppFactory, bearer


def reason_of(client: TestClient, token: str) -> str | None:
    response = client.get(NOTES, headers=bearer(token))
    if response.status_code == 200:
        return None
    assert response.status_code == 401, response.text
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    reason: str = response.json()["reason"]
    return reason


class TestLifetimeCap:
    def test_the_default_cap_is_an_hour(self, client: TestClient, tokens: TokenFactory) -> None:
        now = int(time.time())
        assert reason_of(client, tokens.mint(iat=now, exp=now + 3600)) is None
        assert reason_of(client, tokens.mint(iat=now, exp=now + 3601)) == "invalid_claim"

    def test_a_long_lived_token_is_refused_even_when_signed(
        self, client: TestClient, tokens: TokenFactory
    ) -> None:
        now = int(time.time())
        assert reason_of(client, tokens.mint(iat=now, exp=now + 365 * 86400)) == "invalid_claim"

    def test_a_configured_cap_applies(self, make_client: AppFactory, tokens: TokenFactory) -> None:
        client = make_client(auth_max_token_lifetime_seconds=900)
        now = int(time.time())
        assert reason_of(client, tokens.mint(iat=now, exp=now + 900)) is None
        assert reason_of(client, tokens.mint(iat=now, exp=now + 901)) == "invalid_claim"

    @pytest.mark.parametrize("delta", [0, -1, -15])
    def test_exp_must_be_strictly_after_iat(
        self, client: TestClient, tokens: TokenFactory, delta: int
    ) -> None:
        now = int(time.time())
        # Within the leeway, so that only the order of exp and iat decides.
        token = tokens.mint(iat=now + 20, exp=now + 20 + delta, nbf=DROP)
        assert reason_of(client, token) == "invalid_claim"

    def test_fractional_times_are_measured_exactly(
        self, client: TestClient, tokens: TokenFactory
    ) -> None:
        now = time.time()
        assert reason_of(client, tokens.mint(iat=now, exp=now + 3600.5)) == "invalid_claim"
        assert reason_of(client, tokens.mint(iat=now, exp=now + 899.5)) is None

    def test_the_shared_secret_mode_caps_too(
        self, make_client: AppFactory, tokens: TokenFactory
    ) -> None:
        secret = "0123456789abcdef0123456789abcdef-shared"
        client = make_client(auth_mode="shared-secret", jwt_secret=secret)
        now = int(time.time())
        assert reason_of(client, tokens.mint_hs256(secret, iat=now, exp=now + 900)) is None
        long_lived = tokens.mint_hs256(secret, iat=now, exp=now + 86400)
        assert reason_of(client, long_lived) == "invalid_claim"


@pytest.mark.parametrize("sub", ["", " ", "\t\n", "   "])
def test_a_blank_subject_is_refused(client: TestClient, tokens: TokenFactory, sub: str) -> None:
    assert reason_of(client, tokens.mint(sub=sub)) == "invalid_claim"


class TestSessionId:
    def test_required_by_default_since_revocation_is_on(
        self, client: TestClient, tokens: TokenFactory
    ) -> None:
        assert reason_of(client, tokens.mint(sid=DROP)) == "missing_claim"

    def test_not_required_with_revocation_off(
        self, make_client: AppFactory, tokens: TokenFactory
    ) -> None:
        client = make_client(auth_revocation="off")
        assert reason_of(client, tokens.mint(sid=DROP)) is None

    def test_named_to_the_app_when_present(
        self, make_client: AppFactory, tokens: TokenFactory
    ) -> None:
        client = make_client(auth_revocation="off")  # optional, so an odd sid is only ignored
        response = client.get("/me", headers=bearer(tokens.mint(sid="session-1")))
        assert response.json()["sid"] == "session-1"
        assert client.get("/me", headers=bearer(tokens.mint(sid=7))).json()["sid"] is None

    def test_required_when_configured(self, make_client: AppFactory, tokens: TokenFactory) -> None:
        client = make_client(auth_require_sid=True, auth_revocation="off")
        assert reason_of(client, tokens.mint(sid="9f2c0d2e-session")) is None
        assert reason_of(client, tokens.mint(sid=DROP)) == "missing_claim"

    @pytest.mark.parametrize("sid", ["", "  ", 42, None, ["s"], {"id": "s"}])
    def test_must_be_a_non_blank_string_when_required(
        self, make_client: AppFactory, tokens: TokenFactory, sid: Any
    ) -> None:
        client = make_client(auth_require_sid=True)
        assert reason_of(client, tokens.mint(sid=sid)) in {"invalid_claim", "missing_claim"}
        if sid is not None:
            assert reason_of(client, tokens.mint(sid=sid)) == "invalid_claim"


def test_the_user_is_who_the_token_names(client: TestClient, tokens: TokenFactory) -> None:
    me = client.get("/me", headers=bearer(tokens.mint(sid="session-1"))).json()
    assert me == {
        "id": USER_ID,
        "email": f"{USER_ID}@example.com",
        "name": "Test User",
        "sid": "session-1",
    }
    odd = client.get("/me", headers=bearer(tokens.mint(email=1, name=["x"]))).json()
    assert (odd["email"], odd["name"]) == (None, None)
