"""DESIGN section 8's JWKS key hygiene, each rule with a JWKS served by a stub this test controls.

Every test publishes a good key next to the key under test, so that the app is up (keys cached)
and a refusal of the token signed by the key under test can only come from the rule.
"""

import logging
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from test_support.tokens import ISSUER, SigningKey, TokenFactory, b64url

from better_auth_jwt import JwksCache, parse_jwks
from tests.conftest import NOTES, AppFactory, bearer

JWKS_URL = f"{ISSUER}/api/auth/jwks"


class Published:
    """The JWKS document the stub serves; a test sets `keys` to whatever it wants published."""

    def __init__(self, *keys: dict[str, Any]) -> None:
        self.keys: list[Any] = list(keys)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(lambda request: httpx.Response(200, json={"keys": self.keys}))


@pytest.fixture
def good() -> SigningKey:
    return SigningKey()


@pytest.fixture
def serve(make_client: AppFactory) -> Callable[..., TestClient]:
    """An app whose JWKS is exactly the given keys."""

    def build(*keys: dict[str, Any], algorithms: str = "EdDSA") -> TestClient:
        published = Published(*keys)
        cache = JwksCache(
            JWKS_URL, allowed_algorithms=algorithms.split(","), transport=published.transport()
        )
        # About the JWKS only: no revocation feed signed by these keys.
        return make_client(keys=cache, auth_algorithms=algorithms, auth_revocation="off")

    return build


def status_of(client: TestClient, token: str) -> int:
    status: int = client.get(NOTES, headers=bearer(token)).status_code
    return status


def private_jwk(key: SigningKey) -> dict[str, Any]:
    raw = key.private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return key.public_jwk | {"d": b64url(raw)}


def rsa_jwk(private_key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    jwk: dict[str, Any] = jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    return jwk | {"kid": kid, "alg": "RS256", "use": "sig"}


def rsa_token(tokens: TokenFactory, private_key: rsa.RSAPrivateKey, kid: str) -> str:
    return jwt.encode(tokens.claims(), private_key, algorithm="RS256", headers={"kid": kid})


def test_a_well_formed_public_key_is_used(
    serve: Callable[..., TestClient], tokens: TokenFactory, good: SigningKey
) -> None:
    other = SigningKey()
    client = serve(good.public_jwk, other.public_jwk | {"use": "sig", "key_ops": ["verify"]})
    assert status_of(client, tokens.mint(key=good)) == 200
    assert status_of(client, tokens.mint(key=other)) == 200


class TestPrivateMaterial:
    def test_a_published_private_key_is_never_used_and_a_warning_is_logged(
        self,
        serve: Callable[..., TestClient],
        tokens: TokenFactory,
        good: SigningKey,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        leaked = SigningKey()
        with caplog.at_level(logging.WARNING, logger="better_auth_jwt"):
            client = serve(good.public_jwk, private_jwk(leaked))
        assert status_of(client, tokens.mint(key=leaked)) == 401
        assert status_of(client, tokens.mint(key=good)) == 200
        warnings = [r for r in caplog.records if r.getMessage() == "jwks_private_key_published"]
        assert warnings and warnings[0].levelno == logging.WARNING
        assert warnings[0].__dict__["kid"] == leaked.kid
        assert private_jwk(leaked)["d"] not in caplog.text

    @pytest.mark.parametrize("member", ["d", "p", "q", "dp", "dq", "qi", "k"])
    def test_any_private_member_disqualifies_a_key(self, good: SigningKey, member: str) -> None:
        assert (
            parse_jwks({"keys": [good.public_jwk | {member: "AQAB"}]}, frozenset({"EdDSA"})) == {}
        )

    def test_a_symmetric_key_is_never_used_even_if_hs256_were_allowed(self) -> None:
        secret = {"kty": "oct", "kid": "s", "alg": "HS256", "k": b64url(b"s" * 32)}
        assert parse_jwks({"keys": [secret]}, frozenset({"HS256"})) == {}

    def test_an_rsa_private_key_is_not_used(
        self, serve: Callable[..., TestClient], tokens: TokenFactory, good: SigningKey
    ) -> None:
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk: dict[str, Any] = jwt.algorithms.RSAAlgorithm.to_jwk(private_key, as_dict=True)
        client = serve(good.public_jwk, jwk | {"kid": "rsa"}, algorithms="EdDSA,RS256")
        assert status_of(client, rsa_token(tokens, private_key, "rsa")) == 401


class TestIntendedUse:
    @pytest.mark.parametrize(
        "key_ops", [["sign"], [], ["encrypt", "decrypt"], "verify", {"verify": True}, None]
    )
    def test_key_ops_must_include_verify(
        self,
        serve: Callable[..., TestClient],
        tokens: TokenFactory,
        good: SigningKey,
        key_ops: Any,
    ) -> None:
        other = SigningKey()
        client = serve(good.public_jwk, other.public_jwk | {"key_ops": key_ops})
        assert status_of(client, tokens.mint(key=other)) == 401

    def test_key_ops_with_verify_among_others_is_fine(
        self, serve: Callable[..., TestClient], tokens: TokenFactory, good: SigningKey
    ) -> None:
        other = SigningKey()
        client = serve(good.public_jwk, other.public_jwk | {"key_ops": ["sign", "verify"]})
        assert status_of(client, tokens.mint(key=other)) == 200

    @pytest.mark.parametrize("use", ["enc", "SIG", "", None, ["sig"]])
    def test_use_must_be_sig(
        self, serve: Callable[..., TestClient], tokens: TokenFactory, good: SigningKey, use: Any
    ) -> None:
        other = SigningKey()
        client = serve(good.public_jwk, other.public_jwk | {"use": use})
        assert status_of(client, tokens.mint(key=other)) == 401


class TestRsaStrength:
    @pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
    def test_rsa_under_2048_bits_is_refused(
        self, serve: Callable[..., TestClient], tokens: TokenFactory, good: SigningKey
    ) -> None:
        weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
        client = serve(good.public_jwk, rsa_jwk(weak, "weak"), algorithms="EdDSA,RS256")
        assert status_of(client, rsa_token(tokens, weak, "weak")) == 401

    def test_rsa_of_2048_bits_is_used(
        self, serve: Callable[..., TestClient], tokens: TokenFactory, good: SigningKey
    ) -> None:
        strong = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        client = serve(good.public_jwk, rsa_jwk(strong, "strong"), algorithms="EdDSA,RS256")
        assert status_of(client, rsa_token(tokens, strong, "strong")) == 200


class TestDuplicateKid:
    def test_a_kid_published_twice_names_no_key(
        self,
        serve: Callable[..., TestClient],
        tokens: TokenFactory,
        good: SigningKey,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        first, impostor = SigningKey(), SigningKey()
        impostor.kid = first.kid
        with caplog.at_level(logging.WARNING, logger="better_auth_jwt"):
            client = serve(good.public_jwk, first.public_jwk, impostor.public_jwk)
        assert status_of(client, tokens.mint(key=first)) == 401
        assert status_of(client, tokens.mint(key=impostor)) == 401
        assert status_of(client, tokens.mint(key=good)) == 200
        assert "jwks_duplicate_kid" in caplog.messages

    def test_even_the_same_key_twice(
        self, serve: Callable[..., TestClient], tokens: TokenFactory, good: SigningKey
    ) -> None:
        twice = SigningKey()
        client = serve(good.public_jwk, twice.public_jwk, dict(twice.public_jwk))
        assert status_of(client, tokens.mint(key=twice)) == 401


# Keys no honest issuer publishes. None may break the set, verify anything, or cause a 500.
ODD_KEYS: list[Any] = [
    {"kty": "OKP", "crv": "Ed25519", "x": 12, "kid": "odd"},
    {"kty": "OKP", "crv": "Ed25519", "x": "!!!", "kid": "odd"},
    {"kty": "OKP", "crv": "Ed25519", "x": b64url(b"short"), "kid": "odd"},
    {"kty": "OKP", "crv": "X25519", "x": b64url(b"x" * 32), "kid": "odd"},
    {"kty": "OKP", "kid": "odd"},
    {"kty": "RSA", "n": "!!!", "e": "AQAB", "kid": "odd", "alg": "RS256"},
    {"kty": "RSA", "n": b64url(b"\xff" * 256), "e": "", "kid": "odd", "alg": "RS256"},
    {"kty": "RSA", "kid": "odd", "alg": "RS256"},
    {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA", "kid": "odd", "alg": "ES256"},
    {
        "kty": "EC",
        "crv": "P-384",
        "x": b64url(b"x" * 48),
        "y": b64url(b"y" * 48),
        "kid": "odd",
        "alg": "ES256",
    },
    {"kty": "oct", "kid": "odd"},
    {"kty": None, "kid": "odd"},
    {"kty": "OKP", "crv": "Ed25519", "x": b64url(b"x" * 32), "kid": "odd", "alg": ["EdDSA"]},
    {"kty": "OKP", "crv": "Ed25519", "x": b64url(b"x" * 32), "kid": "odd", "alg": "none"},
    {"kty": "OKP", "crv": "Ed25519", "x": b64url(b"x" * 32), "kid": "odd", "alg": "ES256"},
    {"kty": "OKP", "crv": "Ed25519", "x": b64url(b"x" * 32), "kid": "odd", "use": {"sig": 1}},
    {"kid": "odd"},
    {"kid": ["odd"]},
    {"kid": 10**400},
    "a string",
    None,
    [1, 2, 3],
    {"kty": "OKP", "crv": "Ed25519", "x": b64url(b"x" * 32), "kid": "odd" * 10_000},
]


@pytest.mark.parametrize("odd", ODD_KEYS, ids=range(len(ODD_KEYS)))
def test_nothing_a_jwks_contains_becomes_a_500(
    serve: Callable[..., TestClient], tokens: TokenFactory, good: SigningKey, odd: Any
) -> None:
    client = serve(good.public_jwk, odd, algorithms="EdDSA,RS256,ES256")
    client_no_raise = TestClient(client.app, raise_server_exceptions=False)
    forged = tokens.mint(headers={"kid": "odd"})
    assert client_no_raise.get(NOTES, headers=bearer(forged)).status_code == 401
    assert client_no_raise.get(NOTES, headers=bearer(tokens.mint(key=good))).status_code == 200


def test_a_set_of_only_unusable_keys_is_not_trusted_at_all(
    serve: Callable[..., TestClient], tokens: TokenFactory, good: SigningKey
) -> None:
    client = serve(private_jwk(good))
    response = client.get(NOTES, headers=bearer(tokens.mint(key=good)))
    assert response.status_code == 503  # no usable key: as if the issuer were unreachable
    assert response.headers["Retry-After"]
