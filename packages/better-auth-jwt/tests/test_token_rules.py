"""Every rule of DESIGN section 3, each a test that fails if the rule is broken."""

import hashlib
import hmac
import json
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_support.tokens import (
    DROP,
    OTHER_USER_ID,
    USER_ID,
    JwksStub,
    SigningKey,
    TokenFactory,
    b64url,
    forge,
)

from better_auth_jwt import JwksCache
from tests.conftest import NOTES, AppFactory, bearer

TASKS = NOTES


def assert_refused(response, reason: str) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert response.json()["reason"] == reason


def test_valid_token_is_accepted(client: TestClient, tokens: TokenFactory) -> None:
    response = client.get(TASKS, headers=bearer(tokens.mint()))
    assert response.status_code == 200
    assert response.json() == {"user": USER_ID, "items": []}


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "BeArEr"])
def test_scheme_is_case_insensitive(client: TestClient, tokens: TokenFactory, scheme: str) -> None:
    response = client.get(TASKS, headers={"Authorization": f"{scheme} {tokens.mint()}"})
    assert response.status_code == 200


def test_missing_header(client: TestClient) -> None:
    assert_refused(client.get(TASKS), "missing_token")


@pytest.mark.parametrize("scheme", ["Basic", "Token", "JWT", "Bearer:"])
def test_wrong_scheme(client: TestClient, tokens: TokenFactory, scheme: str) -> None:
    response = client.get(TASKS, headers={"Authorization": f"{scheme} {tokens.mint()}"})
    assert_refused(response, "invalid_scheme")


@pytest.mark.parametrize("value", ["Bearer", "Bearer ", "Bearer    "])
def test_empty_bearer(client: TestClient, value: str) -> None:
    assert_refused(client.get(TASKS, headers={"Authorization": value}), "missing_token")


@pytest.mark.parametrize("garbage", ["abc", "a.b", "a.b.c.d", "a.b.c", "...", "é.é.é", "a..c"])
def test_garbled_token(client: TestClient, garbage: str) -> None:
    response = client.get(TASKS, headers={"Authorization": f"Bearer {garbage}".encode()})
    assert_refused(response, "malformed_token")


def test_alg_none_is_refused(client: TestClient, tokens: TokenFactory) -> None:
    for alg in ("none", "None", "NONE"):
        token = forge({"alg": alg, "kid": tokens.key.kid}, tokens.claims(), b"signature")
        assert_refused(client.get(TASKS, headers=bearer(token)), "unsupported_algorithm")
    # The canonical unsecured form, with an empty signature, is not even a well-formed JWS here.
    unsecured = forge({"alg": "none"}, tokens.claims())
    assert_refused(client.get(TASKS, headers=bearer(unsecured)), "malformed_token")


def test_hs256_keyed_with_the_public_key_is_refused(
    client: TestClient, tokens: TokenFactory
) -> None:
    # The classic algorithm-confusion attack: HMAC "signed" with the issuer's public key.
    header = b64url(json.dumps({"alg": "HS256", "kid": tokens.key.kid}).encode())
    payload = b64url(json.dumps(tokens.claims()).encode())
    signing_input = f"{header}.{payload}".encode()
    for secret in (tokens.key.public_pem, tokens.key.public_jwk["x"].encode()):
        signature = hmac.new(secret, signing_input, hashlib.sha256).digest()
        token = f"{header}.{payload}.{b64url(signature)}"
        assert_refused(client.get(TASKS, headers=bearer(token)), "unsupported_algorithm")


def test_tampered_payload(client: TestClient, tokens: TokenFactory) -> None:
    header, _, signature = tokens.mint().split(".")
    forged_payload = b64url(json.dumps(tokens.claims(sub=OTHER_USER_ID)).encode())
    token = f"{header}.{forged_payload}.{signature}"
    response = client.get(f"/api/{OTHER_USER_ID}/notes", headers=bearer(token))
    assert_refused(response, "invalid_signature")


def test_tampered_signature(client: TestClient, tokens: TokenFactory) -> None:
    header, payload, signature = tokens.mint().split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert_refused(
        client.get(TASKS, headers=bearer(f"{header}.{payload}.{flipped}")), "invalid_signature"
    )


def test_non_canonical_base64url_is_refused(client: TestClient, tokens: TokenFactory) -> None:
    # The last character's low bit is padding: the same bytes, spelled in a way PyJWT refuses.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    header, payload, signature = tokens.mint().split(".")
    twin = alphabet[alphabet.index(signature[-1]) ^ 1]
    forged = f"{header}.{payload}.{signature[:-1]}{twin}"
    assert_refused(client.get(TASKS, headers=bearer(forged)), "malformed_token")


def test_signature_by_another_key_with_a_known_kid(
    client: TestClient, tokens: TokenFactory
) -> None:
    impostor = SigningKey(kid=tokens.key.kid)
    assert_refused(
        client.get(TASKS, headers=bearer(tokens.mint(key=impostor))), "invalid_signature"
    )


def test_expired(client: TestClient, tokens: TokenFactory) -> None:
    now = int(time.time())
    token = tokens.mint(iat=now - 1000, exp=now - 120)
    assert_refused(client.get(TASKS, headers=bearer(token)), "expired")


def test_small_clock_skew_is_tolerated(client: TestClient, tokens: TokenFactory) -> None:
    now = int(time.time())
    token = tokens.mint(iat=now + 10, nbf=now + 10, exp=now - 10 + 900)
    assert client.get(TASKS, headers=bearer(token)).status_code == 200
    just_expired = tokens.mint(iat=now - 900, exp=now - 10)
    assert client.get(TASKS, headers=bearer(just_expired)).status_code == 200


def test_leeway_is_at_most_a_minute(client: TestClient, tokens: TokenFactory) -> None:
    now = int(time.time())
    assert_refused(client.get(TASKS, headers=bearer(tokens.mint(exp=now - 61))), "expired")


def test_nbf_ahead(client: TestClient, tokens: TokenFactory) -> None:
    token = tokens.mint(nbf=int(time.time()) + 120)
    assert_refused(client.get(TASKS, headers=bearer(token)), "not_yet_valid")


def test_iat_far_ahead(client: TestClient, tokens: TokenFactory) -> None:
    now = int(time.time())
    token = tokens.mint(iat=now + 3600, exp=now + 7200)
    assert_refused(client.get(TASKS, headers=bearer(token)), "not_yet_valid")


def test_wrong_issuer(client: TestClient, tokens: TokenFactory) -> None:
    for issuer in ("https://evil.example", "http://localhost:3000/", "http://localhost:3001"):
        token = tokens.mint(iss=issuer)
        assert_refused(client.get(TASKS, headers=bearer(token)), "invalid_issuer")


def test_wrong_audience(client: TestClient, tokens: TokenFactory) -> None:
    for audience in ("https://evil.example", ["https://evil.example"]):
        token = tokens.mint(aud=audience)
        assert_refused(client.get(TASKS, headers=bearer(token)), "invalid_audience")


@pytest.mark.parametrize("claim", ["sub", "exp", "iat", "iss", "aud"])
def test_missing_required_claim(client: TestClient, tokens: TokenFactory, claim: str) -> None:
    token = tokens.mint(**{claim: DROP})
    assert_refused(client.get(TASKS, headers=bearer(token)), "missing_claim")


@pytest.mark.parametrize("sub", ["", 42, None, ["user"]])
def test_invalid_subject(client: TestClient, tokens: TokenFactory, sub: object) -> None:
    token = tokens.mint(sub=sub)  # type: ignore[arg-type]
    response = client.get(TASKS, headers=bearer(token))
    assert response.status_code == 401


@pytest.mark.parametrize("iat", ["yesterday", None, [1]])
def test_non_numeric_time_claims(client: TestClient, tokens: TokenFactory, iat: object) -> None:
    response = client.get(TASKS, headers=bearer(tokens.mint(iat=iat)))
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("claim", "as_"),
    [("exp", "string"), ("iat", "string"), ("nbf", "string"), ("iat", "bool"), ("nbf", "bool")],
)
def test_time_claims_must_be_json_numbers(
    client: TestClient, tokens: TokenFactory, claim: str, as_: str
) -> None:
    # Times PyJWT would accept (it reads them with int()): "1796155981", or true for 1 (1970).
    now = int(time.time())
    valid = {"exp": now + 900, "iat": now, "nbf": now - 1}[claim]
    disguised: dict[str, Any] = {claim: str(valid) if as_ == "string" else True}
    assert_refused(client.get(TASKS, headers=bearer(tokens.mint(**disguised))), "invalid_claim")
    genuine: dict[str, Any] = {claim: valid}
    assert client.get(TASKS, headers=bearer(tokens.mint(**genuine))).status_code == 200


def test_crit_header(client: TestClient, tokens: TokenFactory) -> None:
    for extra in ({"crit": ["exp"]}, {"crit": ["b64"], "b64": False}, {"b64": True}):
        header = {"alg": "EdDSA", "kid": tokens.key.kid, **extra}
        token = forge(header, tokens.claims(), b"signature")
        assert_refused(client.get(TASKS, headers=bearer(token)), "crit_header")


def test_missing_kid(client: TestClient, tokens: TokenFactory) -> None:
    header, payload, signature = tokens.mint().split(".")
    unsigned_header = b64url(json.dumps({"alg": "EdDSA"}).encode())
    token = f"{unsigned_header}.{payload}.{signature}"
    assert_refused(client.get(TASKS, headers=bearer(token)), "missing_kid")


def test_key_is_bound_to_its_algorithm(client: TestClient, tokens: TokenFactory) -> None:
    token = forge({"alg": "ES256", "kid": tokens.key.kid}, tokens.claims(), b"x" * 64)
    response = client.get(TASKS, headers=bearer(token))
    assert response.status_code == 401  # ES256 is not allow-listed, and the key is EdDSA-only


def test_unknown_kid_refetches_once_then_refuses(
    client: TestClient, tokens: TokenFactory, jwks: JwksStub
) -> None:
    assert jwks.hits == 1  # the prefetch at startup
    stranger = SigningKey()
    for _ in range(5):
        response = client.get(TASKS, headers=bearer(tokens.mint(key=stranger)))
        assert_refused(response, "unknown_kid")
    assert jwks.hits == 2  # one refetch, then the cooldown holds


def test_new_key_is_picked_up_after_one_refetch(
    client: TestClient, tokens: TokenFactory, jwks: JwksStub
) -> None:
    rotated = SigningKey()
    jwks.keys.append(rotated)
    response = client.get(TASKS, headers=bearer(tokens.mint(key=rotated)))
    assert response.status_code == 200
    assert jwks.hits == 2


def test_kid_flood_is_bounded(client: TestClient, tokens: TokenFactory, jwks: JwksStub) -> None:
    for _ in range(50):
        forged = tokens.mint(key=SigningKey())
        assert client.get(TASKS, headers=bearer(forged)).status_code == 401
    assert jwks.hits <= 2
    # Honest tokens keep working throughout.
    assert client.get(TASKS, headers=bearer(tokens.mint())).status_code == 200


def test_oversized_token_is_refused_unparsed(client: TestClient, tokens: TokenFactory) -> None:
    token = tokens.mint(padding="x" * 9000)
    assert_refused(client.get(TASKS, headers=bearer(token)), "token_too_large")


def test_token_in_query_string_is_ignored(client: TestClient, tokens: TokenFactory) -> None:
    token = tokens.mint()
    for name in ("token", "access_token", "authorization", "jwt"):
        assert_refused(client.get(TASKS, params={name: token}), "missing_token")


def test_token_in_cookie_is_ignored(client: TestClient, tokens: TokenFactory) -> None:
    client.cookies.set("better-auth.session_token", tokens.mint())
    assert_refused(client.get(TASKS), "missing_token")
    client.cookies.clear()


def test_refusal_never_echoes_the_token(client: TestClient, tokens: TokenFactory) -> None:
    token = tokens.mint(exp=int(time.time()) - 3600)
    response = client.get(TASKS, headers=bearer(token))
    assert response.status_code == 401
    for part in token.split("."):
        assert part not in response.text


def test_path_user_mismatch_is_forbidden(client: TestClient, tokens: TokenFactory) -> None:
    response = client.get(f"/api/{OTHER_USER_ID}/notes", headers=bearer(tokens.mint()))
    assert response.status_code == 403
    assert "another user" in response.json()["detail"]


def test_401_comes_before_validation(client: TestClient) -> None:
    # An anonymous caller learns nothing about the body's validity.
    response = client.post(TASKS, json={"text": ""})
    assert response.status_code == 401


def test_hs256_token_is_refused_in_jwks_mode(client: TestClient, tokens: TokenFactory) -> None:
    token = tokens.mint_hs256("s" * 64)
    assert_refused(client.get(TASKS, headers=bearer(token)), "unsupported_algorithm")


class TestSharedSecretMode:
    SECRET = "0123456789abcdef0123456789abcdef-shared"

    @pytest.fixture
    def shared_client(self, make_client: AppFactory) -> TestClient:
        return make_client(auth_mode="shared-secret", jwt_secret=self.SECRET)

    def test_hs256_token_is_accepted(self, shared_client: TestClient, tokens: TokenFactory) -> None:
        response = shared_client.get(TASKS, headers=bearer(tokens.mint_hs256(self.SECRET)))
        assert response.status_code == 200

    def test_no_kid_needed(self, shared_client: TestClient, tokens: TokenFactory) -> None:
        token = tokens.mint_hs256(self.SECRET)
        assert "kid" not in json.loads(
            __import__("base64").urlsafe_b64decode(token.split(".")[0] + "==")
        )
        assert shared_client.get(TASKS, headers=bearer(token)).status_code == 200

    def test_eddsa_token_is_refused(self, shared_client: TestClient, tokens: TokenFactory) -> None:
        assert_refused(
            shared_client.get(TASKS, headers=bearer(tokens.mint())), "unsupported_algorithm"
        )

    def test_wrong_secret_is_refused(self, shared_client: TestClient, tokens: TokenFactory) -> None:
        token = tokens.mint_hs256("another-secret-of-sufficient-length-000")
        assert_refused(shared_client.get(TASKS, headers=bearer(token)), "invalid_signature")

    def test_claim_rules_apply(self, shared_client: TestClient, tokens: TokenFactory) -> None:
        now = int(time.time())
        cases = {
            "expired": tokens.mint_hs256(self.SECRET, exp=now - 300),
            "invalid_issuer": tokens.mint_hs256(self.SECRET, iss="https://evil.example"),
            "invalid_audience": tokens.mint_hs256(self.SECRET, aud="https://evil.example"),
            "missing_claim": tokens.mint_hs256(self.SECRET, sub=DROP),
        }
        for reason, token in cases.items():
            assert_refused(shared_client.get(TASKS, headers=bearer(token)), reason)

    def test_alg_none_is_refused(self, shared_client: TestClient, tokens: TokenFactory) -> None:
        token = forge({"alg": "none"}, tokens.claims(), b"sig")
        assert_refused(shared_client.get(TASKS, headers=bearer(token)), "unsupported_algorithm")


def test_header_must_be_a_json_object(client: TestClient, tokens: TokenFactory) -> None:
    _, payload, signature = tokens.mint().split(".")
    for header in (b'["EdDSA"]', b'"EdDSA"', b"{not json", b"[" * 2000 + b"]" * 2000):
        token = f"{b64url(header)}.{payload}.{signature}"
        assert_refused(client.get(TASKS, headers=bearer(token)), "malformed_token")


def test_kid_must_be_a_string(client: TestClient, tokens: TokenFactory) -> None:
    token = forge({"alg": "EdDSA", "kid": 7}, tokens.claims(), b"signature")
    assert_refused(client.get(TASKS, headers=bearer(token)), "malformed_token")


def test_allow_listed_algorithm_must_match_the_keys_own(
    make_client: AppFactory, tokens: TokenFactory
) -> None:
    # Even with ES256 allowed, an EdDSA key may not verify a token whose header claims ES256.
    client = make_client(auth_algorithms="EdDSA,ES256")
    token = forge({"alg": "ES256", "kid": tokens.key.kid}, tokens.claims(), b"x" * 64)
    assert_refused(client.get(TASKS, headers=bearer(token)), "unsupported_algorithm")


def test_cold_start_with_issuer_down_answers_503_then_recovers(
    make_client: AppFactory, tokens: TokenFactory, jwks: JwksStub
) -> None:
    jwks.up = False
    clock = [0.0]
    keys = JwksCache(
        jwks.url, allowed_algorithms=["EdDSA"], transport=jwks.transport, clock=lambda: clock[0]
    )
    client = make_client(keys=keys)
    response = client.get(TASKS, headers=bearer(tokens.mint()))
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    jwks.up = True
    clock[0] += 10
    # The keys come back with this request; the revocation feed, signed with them, a poll later.
    deadline = time.monotonic() + 5
    while (status := client.get(TASKS, headers=bearer(tokens.mint())).status_code) == 503:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert status == 200


def test_issuer_down_with_warm_cache_keeps_working(
    make_client: AppFactory, tokens: TokenFactory, jwks: JwksStub
) -> None:
    clock = [0.0]
    keys = JwksCache(
        jwks.url, allowed_algorithms=["EdDSA"], transport=jwks.transport, clock=lambda: clock[0]
    )
    client = make_client(keys=keys)
    jwks.up = False
    clock[0] += 3600  # far past the TTL
    # A refetch (an unknown kid) fails; the last good keys stay in use.
    assert_refused(client.get(TASKS, headers=bearer(tokens.mint(key=SigningKey()))), "unknown_kid")
    assert jwks.hits == 2
    for _ in range(3):
        assert client.get(TASKS, headers=bearer(tokens.mint())).status_code == 200
