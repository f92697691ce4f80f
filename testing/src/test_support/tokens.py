"""Tokens minted with a locally generated Ed25519 key, hand-made tokens, and a JWKS endpoint stub.

For unit tests: a real Better Auth issuer (test_support.issuer) is what proves interoperability."""

import base64
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ISSUER = "http://localhost:3000"
USER_ID = "user_alice_0000000000000000000001"
OTHER_USER_ID = "user_bob_00000000000000000000002"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class SigningKey:
    private_key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    kid: str = field(default_factory=lambda: secrets.token_urlsafe(24)[:32])

    @property
    def public_jwk(self) -> dict[str, Any]:
        raw = self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw), "kid": self.kid, "alg": "EdDSA"}

    @property
    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


_DROP = object()
DROP: Any = _DROP  # pass as a claim value to leave the claim out


def token_claims(sub: str = USER_ID, *, issuer: str = ISSUER, **overrides: Any) -> dict[str, Any]:
    """Claims shaped like a Better Auth token's, valid for 15 minutes from now, with `overrides`
    (a value of DROP leaves that claim out)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": sub,
        "id": sub,
        "email": f"{sub}@example.com",
        "name": "Test User",
        "sid": secrets.token_urlsafe(24),
        "iat": now,
        "exp": now + 15 * 60,
        "iss": issuer,
        "aud": issuer,
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not _DROP}


class TokenFactory:
    """Mints tokens shaped like Better Auth's: EdDSA, kid, sub/iat/exp/iss/aud + id/email/name and
    the session id `sid` (random unless given)."""

    def __init__(self, key: SigningKey, issuer: str = ISSUER) -> None:
        self.key = key
        self.issuer = issuer

    def claims(self, sub: str = USER_ID, **overrides: Any) -> dict[str, Any]:
        return token_claims(sub, issuer=self.issuer, **overrides)

    def mint(
        self,
        sub: str = USER_ID,
        *,
        headers: dict[str, Any] | None = None,
        key: SigningKey | None = None,
        **claim_overrides: Any,
    ) -> str:
        signer = key or self.key
        return jwt.encode(
            self.claims(sub, **claim_overrides),
            signer.private_key,
            algorithm="EdDSA",
            headers={"kid": signer.kid, **(headers or {})},
        )

    def mint_hs256(self, secret: str | bytes, sub: str = USER_ID, **claim_overrides: Any) -> str:
        return jwt.encode(
            self.claims(sub, **claim_overrides), secret, algorithm="HS256", headers={"typ": "JWT"}
        )


def forge(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    """A token assembled by hand, for shapes no honest library would produce."""
    return ".".join(
        [
            b64url(json.dumps(header).encode()),
            b64url(json.dumps(claims).encode()),
            b64url(signature),
        ]
    )


def b64url_json(segment: str) -> Any:
    """The JSON a token segment carries (a header or the claims), unverified."""
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


class JwksStub:
    """An in-process issuer JWKS endpoint the test controls: it serves `keys` (or `document`, any
    JSON value, when set), counts its `hits`, and refuses connections while `up` is False."""

    url = f"{ISSUER}/api/auth/jwks"

    def __init__(self, *keys: SigningKey) -> None:
        self.keys = list(keys)
        self.document: Any = None
        self.hits = 0
        self.up = True

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.hits += 1
        if not self.up:
            raise httpx.ConnectError("issuer is down", request=request)
        if self.document is not None:
            return httpx.Response(200, json=self.document)
        return httpx.Response(200, json={"keys": [k.public_jwk for k in self.keys]})

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)
