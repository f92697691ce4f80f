"""Revocation (DESIGN section 9): the sessions whose tokens are refused, learnt in the background.

The frontend's Better Auth plugin (`frontend/lib/server/revocation-feed.ts`) records every ended session
and deleted user and serves them at `GET /api/auth/revocations?since=<ms>&nonce=<random>` as one
JWT signed like the access tokens, with an audience of its own. `RevocationFeed` polls it about
once a second and keeps a `RevocationSet` in memory, so a request only looks a session id up in a
dict. Until the first complete answer arrives, `check` raises `RevocationsUnknown` (a 503); when the
feed is unreachable later, what is known stays in force and the poller catches up from its cursor.
"""

import asyncio
import contextlib
import heapq
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx
import jwt

from better_auth_jwt.errors import KeysUnavailable, RevocationsUnknown, TokenError
from better_auth_jwt.keys import KeyResolver

logger = logging.getLogger("better_auth_jwt.revocation")

MAX_FEED_BYTES = 4 * 1024 * 1024
# How far a feed message's `iat` may be from this clock. The nonce already binds an answer to
# its poll; this refuses an answer that was held back for long.
MAX_MESSAGE_AGE_SECONDS = 30
FEED_PATH = "/api/auth/revocations"

DeletedUsersHandler = Callable[[list[str]], Awaitable[None]]


def feed_audience(issuer: str) -> str:
    """The audience of feed messages (never an access token's, which is the bare origin)."""
    return f"{issuer}{FEED_PATH}"


class RevocationSet:
    """Ended sessions, each kept until every token it can have issued has expired.

    A token of a session is issued before the session ends and lives at most the lifetime cap,
    so an entry is dropped at `revoked_at + retention` (the cap plus the leeway): memory stays
    bounded by the sessions ended within that window.
    """

    def __init__(self, retention_seconds: float, clock: Callable[[], float] = time.time) -> None:
        self._retention = retention_seconds
        self._clock = clock
        self._until: dict[str, float] = {}
        self._expiries: list[tuple[float, str]] = []

    def __contains__(self, sid: object) -> bool:
        return sid in self._until

    def __len__(self) -> int:
        return len(self._until)

    def add(self, sid: str, revoked_at: float) -> None:
        until = revoked_at + self._retention
        if until <= self._clock() or self._until.get(sid, float("-inf")) >= until:
            return
        self._until[sid] = until
        heapq.heappush(self._expiries, (until, sid))

    def prune(self) -> int:
        """Drops the entries whose tokens have all expired; returns how many."""
        now, dropped = self._clock(), 0
        while self._expiries and self._expiries[0][0] <= now:
            until, sid = heapq.heappop(self._expiries)
            if self._until.get(sid) == until:
                del self._until[sid]
                dropped += 1
        return dropped


class FeedMessageError(ValueError):
    """A feed answer that is not a fresh, authentic answer to this poll."""


def _entries(claims: dict[str, Any], name: str) -> list[tuple[str, float]]:
    value = claims.get(name)
    if not isinstance(value, list):
        raise FeedMessageError(f"feed message has no {name} list")
    entries: list[tuple[str, float]] = []
    for entry in value:
        if (
            not isinstance(entry, list)
            or len(entry) != 2
            or not isinstance(entry[0], str)
            or not entry[0]
            or isinstance(entry[1], bool)
            or not isinstance(entry[1], int | float)
        ):
            raise FeedMessageError(f"feed message has a malformed {name} entry")
        entries.append((entry[0], float(entry[1])))
    return entries


class RevocationFeed:
    """Keeps a `RevocationSet` current from the frontend's feed, polling in the background."""

    def __init__(
        self,
        url: str,
        *,
        keys: KeyResolver,
        algorithms: Sequence[str],
        issuer: str,
        revoked: RevocationSet,
        on_deleted_users: DeletedUsersHandler | None = None,
        interval_seconds: float = 1.0,
        timeout_seconds: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.revoked = revoked
        self._url = url
        self._keys = keys
        self._algorithms = frozenset(algorithms)
        self._issuer = issuer
        self._audience = feed_audience(issuer)
        self._on_deleted_users = on_deleted_users
        self._interval = interval_seconds
        self._clock = clock
        self._client = httpx.AsyncClient(
            timeout=timeout_seconds, transport=transport, follow_redirects=False
        )
        self._cursor = 0
        self._known = False
        self._failing_since: float | None = None
        self._next_log_at = float("-inf")
        self._poller: asyncio.Task[None] | None = None

    @property
    def known(self) -> bool:
        """Whether a complete view of the revocations has been received since start."""
        return self._known

    def check(self, sid: str | None) -> None:
        """Raises unless a token of session `sid` may be served. No I/O: a dict lookup."""
        if not self._known:
            raise RevocationsUnknown()
        if sid in self.revoked:
            raise TokenError("revoked", "Token belongs to a session that has ended")

    async def __aenter__(self) -> "RevocationFeed":
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def start(self) -> None:
        """One catch-up attempt now (a failure is logged, not raised), then polls in the background."""
        await self.poll()
        self._poller = asyncio.create_task(self._poll_periodically())

    async def close(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
        await self._client.aclose()

    async def poll(self) -> bool:
        """Reads the feed from the cursor until it is complete; False if that failed."""
        try:
            while True:
                complete = await self._poll_page()
                if complete:
                    break
        except (httpx.HTTPError, FeedMessageError, TokenError, KeysUnavailable, OSError) as error:
            self._log_failure("revocation_feed_unreachable", error)
            return False
        except Exception as error:
            # The deleted-users handler is the application's code (a database write): whatever it
            # raises, the poller lives on and the next poll repeats the page.
            self._log_failure("revocation_poll_failed", error)
            return False
        if self._failing_since is not None:
            logger.warning(
                "revocation_feed_recovered",
                extra={
                    "event": "revocation_feed_recovered",
                    "down_seconds": round(self._clock() - self._failing_since, 1),
                },
            )
            self._failing_since = None
        if not self._known:
            self._known = True
            logger.info(
                "revocations_known",
                extra={"event": "revocations_known", "revoked_sessions": len(self.revoked)},
            )
        self.revoked.prune()
        return True

    async def _poll_periodically(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            await self.poll()

    async def _poll_page(self) -> bool:
        nonce = secrets.token_urlsafe(24)
        since = self._cursor
        response = await self._client.get(
            self._url,
            params={"since": since, "nonce": nonce},
            headers={"Accept": "application/json"},
        )
        if response.status_code != 200:
            raise FeedMessageError(f"revocation feed answered HTTP {response.status_code}")
        if len(response.content) > MAX_FEED_BYTES:
            raise FeedMessageError("revocation feed answer is too large")
        try:
            token = response.json()["token"]
        except (ValueError, KeyError, TypeError):
            raise FeedMessageError("revocation feed answer has no token") from None
        if not isinstance(token, str):
            raise FeedMessageError("revocation feed answer has no token")
        claims = await self._verified(token)
        if claims.get("nonce") != nonce or claims.get("since") != since:
            raise FeedMessageError("revocation feed message does not answer this poll (replayed?)")
        sessions = _entries(claims, "sessions")
        users = _entries(claims, "users")
        cursor, complete = claims.get("cursor"), claims.get("complete")
        if isinstance(cursor, bool) or not isinstance(cursor, int) or cursor < since:
            raise FeedMessageError("revocation feed message has a bad cursor")
        if not isinstance(complete, bool):
            raise FeedMessageError("revocation feed message does not say if it is complete")

        for sid, revoked_at in sessions:
            self.revoked.add(sid, revoked_at)
        if users and self._on_deleted_users is not None:
            # Purged before the cursor moves on: if the purge fails, the next poll repeats it.
            await self._on_deleted_users([user_id for user_id, _ in users])
        self._cursor = cursor
        return complete

    async def _verified(self, token: str) -> dict[str, Any]:
        """Signature by the issuer's own key, the feed's audience and a fresh `iat`."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise FeedMessageError("revocation feed message is malformed") from None
        if header.get("alg") not in self._algorithms or "crit" in header:
            raise FeedMessageError("revocation feed message uses a refused algorithm")
        kid = header.get("kid")
        key = await self._keys.key_for(kid if isinstance(kid, str) else None)
        if key.algorithm != header["alg"]:
            raise FeedMessageError("revocation feed message's algorithm does not match its key")
        try:
            # Times are checked below, against this poller's clock.
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[key.algorithm],
                issuer=self._issuer,
                audience=self._audience,
                options={
                    "require": ["iss", "aud", "iat", "exp"],
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.PyJWTError as error:
            raise FeedMessageError(f"revocation feed message refused: {error}") from None
        now, iat, exp = self._clock(), claims["iat"], claims["exp"]
        for value in (iat, exp):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise FeedMessageError("revocation feed message has a malformed time")
        if abs(now - iat) > MAX_MESSAGE_AGE_SECONDS or exp <= now:
            raise FeedMessageError("revocation feed message is not fresh")
        return claims

    def _log_failure(self, event: str, error: Exception) -> None:
        now = self._clock()
        if self._failing_since is None:
            self._failing_since = now
            self._next_log_at = now
        # At the first failure, then once a minute while it lasts (not once a poll).
        if now < self._next_log_at:
            return
        self._next_log_at = now + 60
        logger.warning(
            event,
            extra={
                "event": event,
                "error": type(error).__name__,
                "detail": str(error)[:200],
                "revocations_known": self._known,
                "revoked_sessions": len(self.revoked),
            },
        )
