"""The issuer's public keys (JWKS): fetched asynchronously, filtered, cached, refetched single-flight."""

import asyncio
import contextlib
import json
import logging
import time
from collections import Counter
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

import httpx
import jwt

from better_auth_jwt.errors import KeysUnavailable, TokenError
from better_auth_jwt.keys import VerificationKey

logger = logging.getLogger("better_auth_jwt.jwks")

MAX_JWKS_BYTES = 256 * 1024
MIN_RSA_BITS = 2048
PRIVATE_KEY_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "k"})
# A key published without "alg" is bound to the one algorithm its type allows (RFC 8725 3.1).
_ALGORITHM_BY_CURVE = {"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}
_CURVE_BY_EC_ALGORITHM = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}


def _bound_algorithm(jwk: dict[str, Any]) -> str | None:
    if "alg" in jwk:
        return jwk["alg"] if isinstance(jwk["alg"], str) else None
    if jwk.get("kty") == "RSA":
        return "RS256"
    return _ALGORITHM_BY_CURVE.get(str(jwk.get("crv")))


def _why_unusable(jwk: dict[str, Any], allowed_algorithms: frozenset[str]) -> str | None:
    """Why a published key must not verify anything, or None if it may (DESIGN section 8)."""
    if PRIVATE_KEY_MEMBERS & jwk.keys():
        return "private_material"
    if "use" in jwk and jwk["use"] != "sig":
        return "not_for_signatures"
    if "key_ops" in jwk and not (isinstance(jwk["key_ops"], list) and "verify" in jwk["key_ops"]):
        return "not_for_verification"
    algorithm = _bound_algorithm(jwk)
    if algorithm is None or algorithm not in allowed_algorithms:
        return "algorithm_not_allowed"
    if jwk.get("kty") == "EC" and jwk.get("crv") != _CURVE_BY_EC_ALGORITHM.get(algorithm):
        return "curve_does_not_match_algorithm"
    return None


def _loaded(jwk: dict[str, Any], algorithm: str) -> VerificationKey | None:
    """The key, or None when its material cannot be loaded or is too weak."""
    try:
        key = jwt.PyJWK(jwk, algorithm)
    except jwt.PyJWTError:  # PyJWT reports any malformed key material as InvalidKeyError
        return None
    if jwk.get("kty") == "RSA" and key.key.key_size < MIN_RSA_BITS:
        return None
    return VerificationKey(key, algorithm)


def parse_jwks(document: Any, allowed_algorithms: frozenset[str]) -> dict[str, VerificationKey]:
    """The usable verification keys of a JWKS document, by kid; every other key is skipped."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("JWKS document has no keys list")
    published = [
        k for k in document["keys"] if isinstance(k, dict) and isinstance(k.get("kid"), str)
    ]
    # A kid published twice names no key: which of the two was meant cannot be known.
    duplicated = {kid for kid, count in Counter(k["kid"] for k in published).items() if count > 1}
    if duplicated:
        logger.warning(
            "jwks_duplicate_kid",
            extra={"event": "jwks_duplicate_kid", "kids": sorted(duplicated)[:10]},
        )
    keys: dict[str, VerificationKey] = {}
    for jwk in published:
        kid = jwk["kid"]
        if kid in duplicated:
            continue
        problem = _why_unusable(jwk, allowed_algorithms)
        if problem == "private_material":
            # The issuer leaked a private key: worth a person's attention, never its use.
            logger.warning(
                "jwks_private_key_published",
                extra={"event": "jwks_private_key_published", "kid": kid[:64]},
            )
        if problem is not None:
            continue
        key = _loaded(jwk, str(_bound_algorithm(jwk)))
        if key is not None:
            keys[kid] = key
    return keys


class JwksCache:
    """Public keys of the issuer, kept fresh without ever letting requests hammer it.

    - `start()` prefetches, then a background task refreshes every TTL (while no keys are cached:
      soon, backing off to the cooldown); `close()` stops it.
    - An unknown kid triggers at most one fetch per cooldown window; requests that arrive while a
      fetch is in flight wait for it and re-check (single flight, one lock).
    - A failed refresh keeps the last good keys; with no keys at all `key_for` raises
      `KeysUnavailable` (a 503) until a fetch succeeds.
    - A fetch failing while the issuer has never answered and within `startup_grace_seconds` of the
      first attempt is logged at INFO (`jwks_waiting_for_issuer`): the issuer is still starting.
    """

    def __init__(
        self,
        url: str,
        *,
        allowed_algorithms: list[str],
        ttl_seconds: float = 300,
        cooldown_seconds: float = 10,
        timeout_seconds: float = 5,
        startup_grace_seconds: float = 60,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = url
        self._allowed = frozenset(allowed_algorithms)
        self._ttl = ttl_seconds
        self._cooldown = cooldown_seconds
        self._startup_grace = startup_grace_seconds
        self._clock = clock
        self._client = httpx.AsyncClient(
            timeout=timeout_seconds, transport=transport, follow_redirects=False
        )
        self._lock = asyncio.Lock()
        self._keys: dict[str, VerificationKey] | None = None
        self._fetched_at = float("-inf")
        self._requested_fetch_at = float("-inf")
        self._first_attempt_at: float | None = None
        self._attempts = 0
        self._failures_in_a_row = 0
        self._refresher: asyncio.Task[None] | None = None

    @property
    def has_keys(self) -> bool:
        return self._keys is not None

    async def start(self) -> None:
        """Prefetch (a failure is logged, not raised) and keep the keys fresh in the background."""
        await self.refresh()
        self._refresher = asyncio.create_task(self._keep_fresh())

    async def close(self) -> None:
        if self._refresher is not None:
            self._refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refresher
        await self._client.aclose()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def key_for(self, kid: str | None) -> VerificationKey:
        key = self._known(kid)
        if key is None and (self._may_fetch() or self._lock.locked()):
            # Perhaps a rotation: refetch, or wait for the fetch already in flight.
            async with self._lock:
                if self._known(kid) is None and self._may_fetch():
                    self._requested_fetch_at = self._clock()
                    await self._fetch()
            key = self._known(kid)
        if key is not None:
            return key
        if self._keys is None:
            raise KeysUnavailable()
        raise TokenError("unknown_kid", "Token was signed by an unknown key")

    async def refresh(self) -> None:
        """Fetch now, or share the fetch that is in flight."""
        attempts = self._attempts
        async with self._lock:
            if self._attempts == attempts:  # nobody fetched while this waited for the lock
                await self._fetch()

    def _known(self, kid: str | None) -> VerificationKey | None:
        if self._keys is None or kid is None:
            return None
        return self._keys.get(kid)

    def _is_fresh(self) -> bool:
        return self._keys is not None and self._since(self._fetched_at) < self._ttl

    def _may_fetch(self) -> bool:
        """A request may trigger a fetch once per cooldown window, however many requests ask."""
        return self._since(self._requested_fetch_at) >= self._cooldown

    def _is_starting(self) -> bool:
        """No keys yet, and the first attempt was moments ago: the issuer may still be starting."""
        return (
            self._keys is None
            and self._first_attempt_at is not None
            and self._since(self._first_attempt_at) < self._startup_grace
        )

    def _since(self, moment: float) -> float:
        return self._clock() - moment

    def _seconds_until_refresh(self) -> float:
        if self._keys is None:
            # 1, 2, 4, … seconds, never more than the cooldown: an issuer that is starting is
            # found soon, one that is down is asked at most once per cooldown window.
            return float(min(self._cooldown, 2 ** max(self._failures_in_a_row - 1, 0)))
        return max(self._ttl - self._since(self._fetched_at), self._cooldown)

    async def _keep_fresh(self) -> None:
        while True:
            await asyncio.sleep(self._seconds_until_refresh())
            if not self._is_fresh():
                await self.refresh()

    async def _fetch(self) -> None:
        """One fetch; called with the lock held."""
        self._attempts += 1
        if self._first_attempt_at is None:
            self._first_attempt_at = self._clock()
        try:
            keys = await self._download()
        except (httpx.HTTPError, ValueError, RecursionError) as error:
            self._failures_in_a_row += 1
            self._log_failure(error)
        else:
            self._keys = keys
            self._fetched_at = self._clock()
            self._failures_in_a_row = 0
            logger.info("jwks_refreshed", extra={"event": "jwks_refreshed", "keys": len(keys)})

    def _log_failure(self, error: Exception) -> None:
        details = {"error": type(error).__name__, "detail": str(error)[:200]}
        if self._is_starting():
            logger.info(
                "jwks_waiting_for_issuer",
                extra={
                    "event": "jwks_waiting_for_issuer",
                    **details,
                    "retry_in_seconds": self._seconds_until_refresh(),
                },
            )
        else:
            logger.warning(
                "jwks_refresh_failed",
                extra={
                    "event": "jwks_refresh_failed",
                    **details,
                    "keys_cached": self._keys is not None,
                },
            )

    async def _download(self) -> dict[str, VerificationKey]:
        async with self._client.stream(
            "GET", self._url, headers={"Accept": "application/json"}
        ) as response:
            if response.status_code != 200:
                raise ValueError(f"JWKS endpoint answered HTTP {response.status_code}")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_JWKS_BYTES:
                    raise ValueError("JWKS document is too large")
        keys = parse_jwks(json.loads(body), self._allowed)
        if not keys:
            raise ValueError("JWKS document has no usable signing keys")
        return keys
