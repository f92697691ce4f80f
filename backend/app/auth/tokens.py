"""Verifies Better Auth access tokens by the rules of DESIGN section 3 (RFC 8725)."""

import hashlib
import json
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import jwt
from jwt.utils import base64url_decode, base64url_encode

MAX_TOKEN_LENGTH = 8 * 1024
DEFAULT_CACHED_TOKENS = 10_000
REQUIRED_CLAIMS = ("sub", "exp", "iat", "iss", "aud")
TIME_CLAIMS = ("exp", "iat", "nbf")
# Compact JWS: three base64url segments. Anything else is refused before any parsing.
_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_BASE64URL_SEGMENT = re.compile(rb"[A-Za-z0-9_-]*")


class _RegexSegmentsJWS(jwt.PyJWS):
    """PyJWS that checks a segment's base64url alphabet with one regex, not a Python loop per byte.

    That loop was a third of a first-sight verification. Only a segment that is plainly canonical
    base64url (alphabet, length, re-encodes to itself) takes the shortcut; anything else goes to
    PyJWT's own check, so the refusals stay PyJWT's. Signature and claims are untouched.
    """

    @staticmethod
    def _decode_base64url_segment(segment: bytes, name: str) -> bytes:
        if _BASE64URL_SEGMENT.fullmatch(segment) and len(segment) % 4 != 1:
            decoded = base64url_decode(segment)
            if base64url_encode(decoded) == segment:
                return decoded
        return jwt.PyJWS._decode_base64url_segment(segment, name)


_PYJWT = jwt.PyJWT()
_PYJWT._jws = _RegexSegmentsJWS(options=_PYJWT._get_sig_options())


# Every class of refusal a client can see in a 401's `reason` (also published in the OpenAPI schema).
RefusalReason = Literal[
    "missing_token",
    "invalid_scheme",
    "token_too_large",
    "malformed_token",
    "unsupported_algorithm",
    "crit_header",
    "missing_kid",
    "unknown_kid",
    "invalid_signature",
    "expired",
    "not_yet_valid",
    "invalid_issuer",
    "invalid_audience",
    "missing_claim",
    "invalid_claim",
]


class TokenError(Exception):
    """A token was refused; `reason` is the class of failure reported to the client."""

    def __init__(self, reason: RefusalReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class KeysUnavailable(Exception):
    """No verification keys could be obtained yet (the issuer is unreachable)."""


@dataclass(frozen=True)
class VerificationKey:
    """A key and the one algorithm it may be used with."""

    key: Any
    algorithm: str


class KeyResolver(Protocol):
    async def key_for(self, kid: str | None) -> VerificationKey: ...


@dataclass(frozen=True)
class VerifiedToken:
    subject: str
    claims: dict[str, Any]


@dataclass(frozen=True)
class _CachedToken:
    verified: VerifiedToken
    kid: str | None
    key: VerificationKey
    expires_at: float


class VerifiedTokenCache:
    """Tokens this verifier has accepted, until their `exp`: a client reuses one token for minutes.

    Keyed by the SHA-256 digest of the token, so no token is ever kept; bounded, the least recently
    used entry goes first. A hit still needs the signing key to be the one currently published.
    """

    def __init__(self, max_entries: int, clock: Callable[[], float] = time.time) -> None:
        self._max = max_entries
        self._clock = clock
        self._entries: OrderedDict[bytes, _CachedToken] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, digest: bytes) -> _CachedToken | None:
        entry = self._entries.get(digest)
        if entry is None:
            return None
        if self._clock() >= entry.expires_at:
            del self._entries[digest]
            return None
        self._entries.move_to_end(digest)
        return entry

    def put(self, digest: bytes, entry: _CachedToken) -> None:
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


class TokenVerifier:
    """Checks signature, algorithm, header and claims of one token.

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
        leeway_seconds: int,
        require_kid: bool,
        cached_tokens: int = DEFAULT_CACHED_TOKENS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._keys = keys
        self._algorithms = frozenset(algorithms)
        self._issuer = issuer
        self._audience = audience
        self._leeway = leeway_seconds
        self._require_kid = require_kid
        self._verified = VerifiedTokenCache(cached_tokens, clock)

    async def verify(self, token: str) -> VerifiedToken:
        if len(token) > MAX_TOKEN_LENGTH:
            raise TokenError("token_too_large", "Token is larger than 8 KiB")
        digest = hashlib.sha256(token.encode()).digest()
        cached = self._verified.get(digest)
        if cached is not None:
            # Accepted before and not expired; still void once its key is no longer published.
            try:
                current = await self._keys.key_for(cached.kid)
            except TokenError:
                self._verified.discard(digest)
                raise
            if current is cached.key:
                return cached.verified
            self._verified.discard(digest)
        if not _COMPACT_JWS.fullmatch(token):
            raise TokenError("malformed_token", "Token is malformed")
        header = self._read_header(token)
        algorithm = header["alg"]
        key = await self._keys.key_for(header.get("kid"))
        if key.algorithm != algorithm:
            raise TokenError("unsupported_algorithm", "Token algorithm does not match its key")
        claims = self._decode(token, key)
        for name in TIME_CLAIMS:
            # RFC 7519 NumericDate: a JSON number. PyJWT would read "1796155981" or true as one.
            value = claims.get(name, 0)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TokenError("invalid_claim", f"Token claim {name} must be a number")
        subject = claims["sub"]
        if not isinstance(subject, str) or not subject:
            raise TokenError("invalid_claim", "Token subject is invalid")
        try:
            expires_at = float(claims["exp"])
        except OverflowError:
            # A signed exp beyond any float (e.g. 10**400) is no date: refuse it, never a 500.
            raise TokenError("invalid_claim", "Token expiry is out of range") from None
        verified = VerifiedToken(subject=subject, claims=claims)
        self._verified.put(digest, _CachedToken(verified, header.get("kid"), key, expires_at))
        return verified

    def _read_header(self, token: str) -> dict[str, Any]:
        # Read by hand so that our rules (alg, crit, kid) run before any library interprets it.
        try:
            header = json.loads(base64url_decode(token.partition(".")[0]))
        except (ValueError, RecursionError):
            raise TokenError("malformed_token", "Token is malformed") from None
        if not isinstance(header, dict):
            raise TokenError("malformed_token", "Token is malformed")
        algorithm = header.get("alg")
        if not isinstance(algorithm, str) or algorithm not in self._algorithms:
            raise TokenError("unsupported_algorithm", "Token algorithm is not allowed")
        if "crit" in header or "b64" in header:
            raise TokenError("crit_header", "Token uses critical header extensions")
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise TokenError("malformed_token", "Token key id is malformed")
        if self._require_kid and not kid:
            raise TokenError("missing_kid", "Token has no key id")
        return header

    def _decode(self, token: str, key: VerificationKey) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = _PYJWT.decode(
                token,
                key.key,
                algorithms=[key.algorithm],
                issuer=self._issuer,
                audience=self._audience,
                leeway=self._leeway,
                options={"require": list(REQUIRED_CLAIMS), "strict_aud": False},
            )
        except jwt.PyJWTError as error:
            for error_type, reason, message in _DECODE_ERRORS:
                if isinstance(error, error_type):
                    raise TokenError(reason, message) from None
            raise  # pragma: no cover - the last entry matches every PyJWTError
        return claims


class SharedSecretKey:
    """Shared-secret mode: one HS256 key, whatever the token's kid says."""

    def __init__(self, secret: str) -> None:
        self._key = VerificationKey(key=secret.encode(), algorithm="HS256")

    async def key_for(self, kid: str | None) -> VerificationKey:
        return self._key
