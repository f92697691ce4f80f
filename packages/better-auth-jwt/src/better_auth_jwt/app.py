"""Wires verification into a FastAPI app: keys and verifier from settings, lifespan, handlers."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from better_auth_jwt.jwks import JwksCache
from better_auth_jwt.keys import KeyResolver, SharedSecretKey
from better_auth_jwt.responses import install_exception_handlers
from better_auth_jwt.settings import AuthSettings
from better_auth_jwt.verifier import TokenVerifier


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


def build_verifier(settings: AuthSettings, keys: KeyResolver) -> TokenVerifier:
    return TokenVerifier(
        keys=keys,
        algorithms=settings.algorithms,
        issuer=settings.issuer,
        audience=settings.audience,
        require_kid=settings.auth_mode == "jwks",
        leeway_seconds=settings.auth_leeway_seconds,
        max_lifetime_seconds=settings.auth_max_token_lifetime_seconds,
        require_sid=settings.auth_require_sid,
        cached_tokens=settings.auth_verified_token_cache_size,
    )


class BetterAuthJWT:
    """Better Auth token verification for one FastAPI app.

        auth = BetterAuthJWT(AuthSettings())
        app = FastAPI(lifespan=auth.lifespan)
        auth.install(app)

    then declare `user: CurrentUser` (any valid token) or `user: PathUser` (the token of the
    path's `{user_id}`) in a route. `keys` replaces the key source built from the settings.
    """

    def __init__(self, settings: AuthSettings | None = None, *, keys: KeyResolver | None = None):
        self.settings = settings or AuthSettings()
        self.keys = keys or build_key_resolver(self.settings)
        self.verifier = build_verifier(self.settings, self.keys)

    def install(self, app: FastAPI) -> None:
        """Makes the verifier available to the dependencies and turns refusals into 401/503."""
        app.state.token_verifier = self.verifier
        install_exception_handlers(app)

    @asynccontextmanager
    async def lifespan(self, app: FastAPI) -> AsyncIterator[None]:
        """Prefetches the JWKS at startup and keeps it fresh until shutdown (jwks mode)."""
        if isinstance(self.keys, JwksCache):
            async with self.keys:
                yield
        else:
            yield
