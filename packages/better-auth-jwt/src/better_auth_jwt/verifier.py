"""Verifies Better Auth access tokens by the rules of RFC 8725, one named check at a time."""

import base64
import binascii
import hashlib
import json
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import jwt

from better_auth_jwt.errors import RefusalReason, TokenError
from better_auth_jwt.keys import KeyResolver, VerificationKey

MAX_TOKEN_LENGTH = 8 * 1024
DEFAULT_CACHED_TOKENS = 10_000
DEFAULT_LEEWAY_SECONDS = 30
DEFAULT_MAX_LIFETIME_SECONDS = 3600
REQUIRED_CLAIMS = ("sub", "exp", "iat", "iss", "aud")
TIME_CLAIMS = ("exp", "iat", "nbf")
# Compact JWS: three base64url segments. Anything else is refused before any parsing.
_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


class RevocationCheck(Protocol):
    """Refuses tokens of ended sessions (DESIGN section 9): `TokenError("revoked")`, or
    `RevocationsUnknown` (a 503) while the current revocations are not known. No I/O."""

    def check(self, sid: str | None) -> None: ...


@dataclass(frozen=True)
class VerifiedToken:
    """What a verified token says: its subject (the user id) and all of its claims."""

    subject: str
    claims: dict[str, Any]

    @property
    def session_id(self) -> str | None:
        """The Better Auth session the token was issued for (`sid`), when it names one."""
        sid = self.claims.get("sid")
        return sid if isinstance(sid, str) else None


@dataclass(frozen=True)
class RememberedToken:
    """A token this verifier accepted: what it said, the key that signed it, when it expires."""

    verified: VerifiedToken
    kid: str | None
    key: VerificationKey
    expires_at: float


class VerifiedTokenCache:
    """Tokens a verifier has accepted, until their `exp`: a client reuses one token for minutes.

    Keyed by the SHA-256 digest of the token, so no token is ever kept; bounded, the least recently
    used entry goes first. A hit still needs the signing key to be the one currently published.
    """

    def __init__(self, max_entries: int, clock: Callable[[], float] = time.time) -> None:
        self._max = max_entries
        self._clock = clock
        self._entries: OrderedDict[bytes, RememberedToken] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, digest: bytes) -> bool:
        return digest in self._entries

    def get(self, digest: bytes) -> RememberedToken | None:
        entry = self._entries.get(digest)
        if entry is None:
            return None
        if self._clock() >= entry.expires_at:
            del self._entries[digest]
            return None
        self._entries.move_to_end(digest)
        return entry

    def put(self, digest: bytes, entry: RememberedToken) -> None:
        if self._max <= 0 or self._clock() >= entry.expires_at:
            return
        self._entries[digest] = entry
        self._entries.move_to_end(digest)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def discard(self, digest: bytes) -> None:
        self._entries.pop(digest, None)


_DECODE_ERRORS: tuple[tuple[type[jwt.PyJWTError], RefusalReason, str], ...] = (
    (jwt.ExpiredSignatureError, "expired", "Token has expired"),
    (jwt.ImmatureSignatureError, "not_yet_valid", "Token is not valid yet (iat or nbf ahead)"),
    (jwt.InvalidIssuerError, "invalid_issuer", "Token issuer is not trusted"),
    (jwt.InvalidAudienceError, "invalid_audience", "Token audience does not match"),
    (jwt.MissingRequiredClaimError, "missing_claim", "Token lacks a required claim"),
    (jwt.InvalidSignatureError, "invalid_signature", "Token signature is invalid"),
    (jwt.DecodeError, "malformed_token", "Token is malformed"),
    (jwt.PyJWTError, "invalid_claim", "Token has an invalid claim"),
)


def token_digest(token: str) -> bytes:
    """The key a verified token is remembered by (the token itself is never kept)."""
    return hashlib.sha256(token.encode()).digest()


class TokenVerifier:
    """Checks size, shape, header, signature and claims of one token, in that order.

    A token it has accepted is remembered (by digest, until its `exp`, `cached_tokens` at most),
    so the token a client sends with every request is checked in full only the first time.
    """

    def __init__(
        self,
        *,
        keys: KeyResolver,
        algorithms: list[str],
        issuer: str,
        audience: str,
        require_kid: bool,
        leeway_seconds: int = DEFAULT_LEEWAY_SECONDS,
        max_lifetime_seconds: int = DEFAULT_MAX_LIFETIME_SECONDS,
        require_sid: bool = False,
        cached_tokens: int = DEFAULT_CACHED_TOKENS,
        revocations: RevocationCheck | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._keys = keys
        self._algorithms = frozenset(algorithms)
        self._issuer = issuer
        self._audience = audience
        self._require_kid = require_kid
        self._leeway = leeway_seconds
        self._max_lifetime = max_lifetime_seconds
        self._require_sid = require_sid
        self._revocations = revocations
        self._required_claims = [*REQUIRED_CLAIMS, *(["sid"] if require_sid else [])]
        self.remembered = VerifiedTokenCache(cached_tokens, clock)

    async def verify(self, token: str) -> VerifiedToken:
        """The verified token, or `TokenError` (a 401) / `KeysUnavailable` (a 503)."""
        _check_size(token)
        digest = token_digest(token)
        verified = await self._remembered(digest)
        if verified is None:
            _check_compact_shape(token)
            header = _unverified_header(token)
            self._check_allowed_algorithm(header)
            _check_no_critical_extensions(header)
            kid = self._usable_kid(header)
            key = await self._keys.key_for(kid)
            _check_key_algorithm(key, header)
            claims = self._decoded(token, key)
            _check_time_claims_are_numbers(claims)
            _check_subject(claims)
            self._check_lifetime(claims)
            self._check_session_id(claims)
            verified = VerifiedToken(subject=claims["sub"], claims=claims)
            self._remember(digest, verified, kid, key)
        # Checks that can change while a token is valid go here, after the cache, so that they
        # apply to remembered tokens too: a session ended since (DESIGN section 9).
        if self._revocations is not None:
            self._revocations.check(verified.session_id)
        return verified

    async def _remembered(self, digest: bytes) -> VerifiedToken | None:
        """A token accepted before, if it has not expired and its key is still the published one."""
        entry = self.remembered.get(digest)
        if entry is None:
            return None
        try:
            current = await self._keys.key_for(entry.kid)
        except TokenError:
            self.remembered.discard(digest)
            raise
        if current is not entry.key:
            self.remembered.discard(digest)
            return None
        return entry.verified

    def _remember(
        self, digest: bytes, verified: VerifiedToken, kid: str | None, key: VerificationKey
    ) -> None:
        # _check_lifetime has made sure that exp is a finite number.
        expires_at = float(verified.claims["exp"])
        self.remembered.put(digest, RememberedToken(verified, kid, key, expires_at))

    def _check_allowed_algorithm(self, header: dict[str, Any]) -> None:
        algorithm = header.get("alg")
        if not isinstance(algorithm, str) or algorithm not in self._algorithms:
            raise TokenError("unsupported_algorithm", "Token algorithm is not allowed")

    def _usable_kid(self, header: dict[str, Any]) -> str | None:
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise TokenError("malformed_token", "Token key id is malformed")
        if self._require_kid and not kid:
            raise TokenError("missing_kid", "Token has no key id")
        return kid

    def _decoded(self, token: str, key: VerificationKey) -> dict[str, Any]:
        """Signature, exp/iat/nbf, iss and aud checked by PyJWT, with this key's one algorithm."""
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[key.algorithm],
                issuer=self._issuer,
                audience=self._audience,
                leeway=self._leeway,
                options={"require": self._required_claims, "strict_aud": False},
            )
        except jwt.PyJWTError as error:
            for error_type, reason, message in _DECODE_ERRORS:
                if isinstance(error, error_type):
                    raise TokenError(reason, message) from None
            raise  # pragma: no cover - the last entry matches every PyJWTError
        return claims

    def _check_lifetime(self, claims: dict[str, Any]) -> None:
        """`exp` strictly after `iat`, and at most the lifetime cap after it (DESIGN section 8)."""
        try:
            lifetime = float(claims["exp"]) - float(claims["iat"])
        except OverflowError:
            # A signed exp beyond any float (e.g. 10**400) is no date: refuse it, never a 500.
            raise TokenError("invalid_claim", "Token expiry is out of range") from None
        if lifetime <= 0:
            raise TokenError("invalid_claim", "Token expires before it was issued")
        if lifetime > self._max_lifetime:
            raise TokenError(
                "invalid_claim",
                f"Token lifetime exceeds the allowed {self._max_lifetime} seconds",
            )

    def _check_session_id(self, claims: dict[str, Any]) -> None:
        if not self._require_sid:
            return
        sid = claims["sid"]  # present: PyJWT required it
        if not isinstance(sid, str) or not sid.strip():
            raise TokenError("invalid_claim", "Token session id (sid) is invalid")


def _check_size(token: str) -> None:
    if len(token) > MAX_TOKEN_LENGTH:
        raise TokenError("token_too_large", "Token is larger than 8 KiB")


def _check_compact_shape(token: str) -> None:
    if not _COMPACT_JWS.fullmatch(token):
        raise TokenError("malformed_token", "Token is malformed")


def _unverified_header(token: str) -> dict[str, Any]:
    """The JOSE header, read by hand so that alg, crit and kid are judged before any library."""
    segment = token.partition(".")[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, binascii.Error, RecursionError):
        raise TokenError("malformed_token", "Token is malformed") from None
    if not isinstance(header, dict):
        raise TokenError("malformed_token", "Token is malformed")
    return header


def _check_no_critical_extensions(header: dict[str, Any]) -> None:
    if "crit" in header or "b64" in header:
        raise TokenError("crit_header", "Token uses critical header extensions")


def _check_key_algorithm(key: VerificationKey, header: dict[str, Any]) -> None:
    if key.algorithm != header["alg"]:
        raise TokenError("unsupported_algorithm", "Token algorithm does not match its key")


def _check_time_claims_are_numbers(claims: dict[str, Any]) -> None:
    # RFC 7519 NumericDate: a JSON number. PyJWT would read "1796155981" or true as one.
    for name in TIME_CLAIMS:
        value = claims.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TokenError("invalid_claim", f"Token claim {name} must be a number")


def _check_subject(claims: dict[str, Any]) -> None:
    subject = claims["sub"]
    if not isinstance(subject, str) or not subject.strip():
        raise TokenError("invalid_claim", "Token subject must be a non-blank string")
