"""Wires verification into a FastAPI app: keys and verifier from settings, lifespan, handlers."""

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
from fastapi import FastAPI

from better_auth_jwt.jwks import JwksCache
from better_auth_jwt.keys import KeyResolver, SharedSecretKey
from better_auth_jwt.responses import install_exception_handlers
from better_auth_jwt.revocation import DeletedUsersHandler, RevocationFeed, RevocationSet
from better_auth_jwt.settings import AuthSettings
from better_auth_jwt.verifier import RevocationCheck, TokenVerifier

logger = logging.getLogger("better_auth_jwt.app")


def build_key_resolver(settings: AuthSettings) -> KeyResolver:
    """The issuer's JWKS (jwks mode) or the shared secret (shared-secret mode)."""
    if settings.auth_mode == "shared-secret":
        assert settings.jwt_secret is not None  # guaranteed by AuthSettings validation
        return SharedSecretKey(settings.jwt_secret.get_secret_value())
    return JwksCache(
        settings.jwks_url,
        allowed_algorithms=settings.algorithms,
        ttl_seconds=settings.jwks_cache_ttl_seconds,
        cooldown_seconds=settings.jwks_refetch_cooldown_seconds,
        timeout_seconds=settings.jwks_fetch_timeout_seconds,
    )


def build_revocation_feed(
    settings: AuthSettings,
    keys: KeyResolver,
    *,
    on_deleted_users: DeletedUsersHandler | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> RevocationFeed:
    """The poller of the frontend's feed of ended sessions; verified with the tokens' own keys."""
    # A session's tokens were issued before it ended and live at most the lifetime cap (plus
    # the leeway): after that its entry can go.
    retention = settings.auth_max_token_lifetime_seconds + settings.auth_leeway_seconds
    return RevocationFeed(
        settings.revocation_url,
        keys=keys,
        algorithms=settings.algorithms,
        issuer=settings.issuer,
        revoked=RevocationSet(retention),
        on_deleted_users=on_deleted_users,
        interval_seconds=settings.auth_revocation_poll_seconds,
        timeout_seconds=settings.jwks_fetch_timeout_seconds,
        transport=transport,
    )


def build_verifier(
    settings: AuthSettings, keys: KeyResolver, revocations: RevocationCheck | None = None
) -> TokenVerifier:
    return TokenVerifier(
        keys=keys,
        algorithms=settings.algorithms,
        issuer=settings.issuer,
        audience=settings.audience,
        require_kid=settings.auth_mode == "jwks",
        leeway_seconds=settings.auth_leeway_seconds,
        max_lifetime_seconds=settings.auth_max_token_lifetime_seconds,
        require_sid=settings.require_sid,
        cached_tokens=settings.auth_verified_token_cache_size,
        revocations=revocations,
    )


class BetterAuthJWT:
    """Better Auth token verification for one FastAPI app.

        auth = BetterAuthJWT(AuthSettings())
        app = FastAPI(lifespan=auth.lifespan)
        auth.install(app)

    then declare `user: CurrentUser` (any valid token) or `user: PathUser` (the token of the
    path's `{user_id}`) in a route. `keys` replaces the key source built from the settings.

    With AUTH_REVOCATION=on (the default) the lifespan also polls the frontend's feed of ended
    sessions: their tokens get 401 `revoked`, and every token gets 503 until the feed has answered
    once. `on_deleted_users` is called with the ids of deleted accounts (to purge their rows); it
    must be idempotent, and is called again if it raises.
    """

    def __init__(
        self,
        settings: AuthSettings | None = None,
        *,
        keys: KeyResolver | None = None,
        on_deleted_users: DeletedUsersHandler | None = None,
        revocation_transport: httpx.AsyncBaseTransport | None = None,
    ):
        self.settings = settings or AuthSettings()
        self.keys = keys or build_key_resolver(self.settings)
        self.revocations: RevocationFeed | None = None
        if self.settings.revocation_enabled:
            self.revocations = build_revocation_feed(
                self.settings,
                self.keys,
                on_deleted_users=on_deleted_users,
                transport=revocation_transport,
            )
        self.verifier = build_verifier(self.settings, self.keys, self.revocations)

    def install(self, app: FastAPI) -> None:
        """Makes the verifier available to the dependencies and turns refusals into 401/503."""
        app.state.token_verifier = self.verifier
        install_exception_handlers(app)

    @asynccontextmanager
    async def lifespan(self, app: FastAPI) -> AsyncIterator[None]:
        """Prefetches the JWKS (jwks mode) and the revocations at startup, keeps both fresh."""
        async with AsyncExitStack() as stack:
            if isinstance(self.keys, JwksCache):
                await stack.enter_async_context(self.keys)
            if self.revocations is not None:
                # After the keys: the feed's messages are signed with them.
                await stack.enter_async_context(self.revocations)
            else:
                logger.warning(
                    "revocation_off",
                    extra={
                        "event": "revocation_off",
                        "detail": "AUTH_REVOCATION=off: tokens of ended sessions are accepted"
                        " until they expire, and sid is not required; use it only with an issuer"
                        " that has no revocation feed",
                    },
                )
            yield
