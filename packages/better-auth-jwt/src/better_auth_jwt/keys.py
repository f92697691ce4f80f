"""Verification keys: a key bound to one algorithm, where keys come from, and the shared-secret key."""

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class VerificationKey:
    """A key and the one algorithm it may be used with (RFC 8725 section 3.1)."""

    key: Any
    algorithm: str


class KeyResolver(Protocol):
    """Where a verifier gets the key a token names by its `kid` (JWKS mode) or its only key."""

    async def key_for(self, kid: str | None) -> VerificationKey: ...


class SharedSecretKey:
    """Shared-secret mode: one HS256 key, whatever the token's kid says."""

    def __init__(self, secret: str) -> None:
        self._key = VerificationKey(key=secret.encode(), algorithm="HS256")

    async def key_for(self, kid: str | None) -> VerificationKey:
        return self._key
