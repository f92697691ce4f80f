"""Builds the FastAPI app from settings; `app.main` holds the instance uvicorn serves."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import Engine

from app.api import health, tasks
from app.auth.jwks import JwksCache
from app.auth.tokens import KeyResolver, SharedSecretKey, TokenVerifier
from app.db import create_db_engine
from app.errors import install_error_handlers
from app.logging import configure_logging
from app.settings import Settings, get_settings

DESCRIPTION = """
Each user's tasks, behind tokens issued by Better Auth and verified here on every request.
Press **Authorize** and paste a token from `GET /api/auth/token` on the frontend.
"""


def build_key_resolver(settings: Settings) -> KeyResolver:
    if settings.auth_mode == "shared-secret":
        assert settings.jwt_secret is not None  # guaranteed by Settings validation
        return SharedSecretKey(settings.jwt_secret)
    return JwksCache(
        settings.jwks_url,
        allowed_algorithms=settings.algorithms,
        ttl_seconds=settings.jwks_cache_ttl_seconds,
        cooldown_seconds=settings.jwks_refetch_cooldown_seconds,
        timeout_seconds=settings.jwks_fetch_timeout_seconds,
    )


def create_app(
    settings: Settings | None = None,
    *,
    keys: KeyResolver | None = None,
    engine: Engine | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    configure_logging()
    resolver = keys or build_key_resolver(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if isinstance(resolver, JwksCache):
            await resolver.start()
        try:
            yield
        finally:
            if isinstance(resolver, JwksCache):
                await resolver.close()

    app = FastAPI(
        title="Tasks API",
        description=DESCRIPTION,
        version="1.0.0",
        lifespan=lifespan,
        generate_unique_id_function=lambda route: route.name,
        # No OpenTelemetry here; left on, FastAPI looks for configured providers on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.engine = engine or create_db_engine(settings.database_url)
    app.state.verifier = TokenVerifier(
        keys=resolver,
        algorithms=settings.algorithms,
        issuer=settings.issuer,
        audience=settings.audience,
        leeway_seconds=settings.auth_leeway_seconds,
        require_kid=settings.auth_mode == "jwks",
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type"],
        expose_headers=["WWW-Authenticate", "Retry-After"],
        max_age=600,
    )
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(tasks.router)
    return app
