"""Caches the issuer's public keys (JWKS): async fetches, TTL, single-flight refetch with a cooldown."""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt

from app.auth.tokens import KeysUnavailable, TokenError, VerificationKey

logger = logging.getLogger("app.security")

MAX_JWKS_BYTES = 256 * 1024
# A key published without "alg" is bound to the one algorithm its type allows (RFC 8725 3.1).
_ALGORITHM_BY_CURVE = {"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}


def _bound_algorithm(jwk: dict[str, Any]) -> str | None:
    if isinstance(jwk.get("alg"), str):
        return str(jwk["alg"])
    if jwk.get("kty") == "RSA":
        return "RS256"
    return _ALGORITHM_BY_CURVE.get(str(jwk.get("crv")))


def parse_jwks(document: Any, allowed_algorithms: frozenset[str]) -> dict[str, VerificationKey]:
    """Usable signing keys by kid; keys of other algorithms, uses or shapes are skipped."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("JWKS document has no keys list")
    keys: dict[str, VerificationKey] = {}
    for jwk in document["keys"]:
        if not isinstance(jwk, dict) or not isinstance(jwk.get("kid"), str):
            continue
        if jwk.get("use", "sig") != "sig":
            continue
        algorithm = _bound_algorithm(jwk)
        if algorithm not in allowed_algorithms:
            continue
        try:
            keys[jwk["kid"]] = VerificationKey(jwt.PyJWK(jwk, algorithm), algorithm)
        except jwt.PyJWTError:
            continue
    return keys


class JwksCache:
    """Public keys of the issuer, kept fresh without ever letting requests hammer it.

    - fetched with httpx.AsyncClient, prefetched by `start()`, refreshed in the background every TTL;
    - an unknown kid triggers at most one fetch per cooldown window, shared by every waiting request;
    - a failed refresh keeps the last good keys; with no keys at all, `KeysUnavailable` (503)
      and a retry at least every cooldown, so the service recovers by itself.
    """

    def __init__(
        self,
        url: str,
        *,
        allowed_algorithms: list[str],
        ttl_seconds: float = 300,
        cooldown_seconds: float = 10,
        timeout_seconds: float = 5,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = url
        self._allowed = frozenset(allowed_algorithms)
        self._ttl = ttl_seconds
        self._cooldown = cooldown_seconds
        self._clock = clock
        self._client = httpx.AsyncClient(
            timeout=timeout_seconds, transport=transport, follow_redirects=False
        )
        self._keys: dict[str, VerificationKey] | None = None
        self._fetched_at = float("-inf")
        self._attempted_at = float("-inf")
        self._kid_refetch_at = float("-inf")
        self._inflight: asyncio.Future[None] | None = None
        self._refresher: asyncio.Task[None] | None = None

    @property
    def has_keys(self) -> bool:
        return self._keys is not None

    async def start(self) -> None:
        """Prefetch (a failure is logged, not raised) and keep the keys fresh in the background."""
        await self.refresh()
        self._refresher = asyncio.create_task(self._refresh_periodically())

    async def close(self) -> None:
        if self._refresher is not None:
            self._refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refresher
        await self._client.aclose()

    async def key_for(self, kid: str | None) -> VerificationKey:
        if self._keys is None:
            if self._inflight is not None or self._since(self._attempted_at) >= self._cooldown:
                await self.refresh()
            if self._keys is None:
                raise KeysUnavailable()
        elif self._since(self._fetched_at) >= self._ttl and self._inflight is None:
            # Stale: serve the current keys now and refresh behind this request.
            self._inflight = asyncio.ensure_future(self._fetch())
        key = self._keys.get(kid) if kid is not None else None
        if key is None and kid is not None:
            # Perhaps a rotation: refetch, but at most once per cooldown window however many
            # forged kids arrive; requests arriving meanwhile share the fetch in flight.
            if self._inflight is None and self._since(self._kid_refetch_at) >= self._cooldown:
                self._kid_refetch_at = self._clock()
                self._inflight = asyncio.ensure_future(self._fetch())
            if self._inflight is not None:
                await asyncio.shield(self._inflight)
            key = self._keys.get(kid)
        if key is None:
            raise TokenError("unknown_kid", "Token was signed by an unknown key")
        return key

    async def refresh(self) -> None:
        """Fetch now, or join the fetch already in flight."""
        if self._inflight is None:
            self._inflight = asyncio.ensure_future(self._fetch())
        await asyncio.shield(self._inflight)

    def _since(self, moment: float) -> float:
        return self._clock() - moment

    async def _refresh_periodically(self) -> None:
        while True:
            await asyncio.sleep(self._ttl if self._keys is not None else self._cooldown)
            await self.refresh()

    async def _fetch(self) -> None:
        self._attempted_at = self._clock()
        try:
            keys = await self._download()
        except (httpx.HTTPError, ValueError) as error:
            logger.warning(
                "jwks_refresh_failed",
                extra={
                    "event": "jwks_refresh_failed",
                    "error": type(error).__name__,
                    "detail": str(error)[:200],
                    "keys_cached": self._keys is not None,
                },
            )
        else:
            self._keys = keys
            self._fetched_at = self._clock()
            logger.info("jwks_refreshed", extra={"event": "jwks_refreshed", "keys": len(keys)})
        finally:
            self._inflight = None

    async def _download(self) -> dict[str, VerificationKey]:
        response = await self._client.get(self._url, headers={"Accept": "application/json"})
        if response.status_code != 200:
            raise ValueError(f"JWKS endpoint answered HTTP {response.status_code}")
        if len(response.content) > MAX_JWKS_BYTES:
            raise ValueError("JWKS document is too large")
        keys = parse_jwks(response.json(), self._allowed)
        if not keys:
            raise ValueError("JWKS document has no usable signing keys")
        return keys
