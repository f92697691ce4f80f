"""A stand-in for the frontend's revocation feed (frontend/lib/server/revocation-feed.ts).

`FeedStub` answers `GET /api/auth/revocations?since=&nonce=` as the plugin does: one JWT signed
with a locally generated Ed25519 key (the issuer's, as far as the poller knows), echoing the poll's
`since` and `nonce`, paged from the cursor. Tests add ended sessions and deleted users, take it
down, or tamper with a message before it is signed.
"""

import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from test_support.tokens import ISSUER

FEED_KID = "feed-test-key"


class FeedStub:
    """The frontend's feed: ended sessions and deleted users, served from a cursor."""

    def __init__(
        self,
        clock: Callable[[], float] = time.time,
        key: Ed25519PrivateKey | None = None,
        issuer: str = ISSUER,
        *,
        kid: str = FEED_KID,
        secret: str | None = None,
    ) -> None:
        """Signs with `key` (EdDSA, header `kid`), or with `secret` (HS256, shared-secret mode)."""
        self.clock = clock
        self.issuer = issuer
        self.kid = kid
        self.secret = secret
        self.key = key or Ed25519PrivateKey.generate()
        self.sessions: list[tuple[str, float]] = []
        self.users: list[tuple[str, float]] = []
        self.up = True
        self.page_size = 1000
        self.polls: list[dict[str, str]] = []
        self.answers: list[httpx.Response] = []
        # A test may change a message before it is signed (forgery, replay, staleness).
        self.tamper: Callable[[dict[str, Any]], dict[str, Any]] = lambda claims: claims
        self.sign_with: Ed25519PrivateKey | None = None

    def handler(self, request: httpx.Request, issuer: str | None = None) -> httpx.Response:
        if not self.up:
            raise httpx.ConnectError("connection refused", request=request)
        params = dict(request.url.params)
        self.polls.append(params)
        since = int(params["since"])
        rows = sorted(
            [("s", sid, at) for sid, at in self.sessions]
            + [("u", uid, at) for uid, at in self.users],
            key=lambda row: row[2],
        )
        rows = [row for row in rows if row[2] * 1000 >= since]
        page, complete = rows[: self.page_size], len(rows) <= self.page_size
        now = self.clock()
        claims = {
            "iss": issuer or self.issuer,
            "aud": f"{issuer or self.issuer}/api/auth/revocations",
            "sub": "revocations",
            "iat": int(now),
            "exp": int(now) + 60,
            "nonce": params["nonce"],
            "since": since,
            "cursor": max(since, int(now * 1000) - 5000) if complete else int(page[-1][2] * 1000),
            "complete": complete,
            "sessions": [[sid, at] for kind, sid, at in page if kind == "s"],
            "users": [[uid, at] for kind, uid, at in page if kind == "u"],
        }
        if self.secret is not None and self.sign_with is None:
            token = jwt.encode(self.tamper(claims), self.secret, algorithm="HS256")
        else:
            token = jwt.encode(
                self.tamper(claims),
                self.sign_with or self.key,
                algorithm="EdDSA",
                headers={"kid": self.kid},
            )
        response = httpx.Response(200, json={"token": token})
        self.answers.append(response)
        return response

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)

    def transport_for(self, issuer: str) -> httpx.MockTransport:
        """The same feed, as the frontend at `issuer` would sign it."""
        return httpx.MockTransport(lambda request: self.handler(request, issuer))

    def revoke(self, sid: str) -> None:
        self.sessions.append((sid, self.clock()))

    def delete_user(self, user_id: str) -> None:
        self.users.append((user_id, self.clock()))
