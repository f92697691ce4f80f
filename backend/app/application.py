"""Builds the FastAPI app from settings; `app.main` holds the instance uvicorn serves."""

import httpx
from better_auth_jwt import BetterAuthJWT, KeyResolver
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import Engine

from app.accounts import deleted_users_purger
from app.api import health, tags, tasks
from app.db import create_db_engine
from app.errors import install_error_handlers
from app.logging import configure_logging
from app.settings import Settings, get_settings

DESCRIPTION = """
Each user's tasks, behind tokens issued by Better Auth and verified here on every request.
Press **Authorize** and paste a token from `GET /api/auth/token` on the frontend.
"""


def create_app(
    settings: Settings | None = None,
    *,
    keys: KeyResolver | None = None,
    engine: Engine | None = None,
    revocation_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    configure_logging()
    engine = engine or create_db_engine(settings.database_url)
    # The frontend's feed of ended sessions; a deleted account's rows are purged when it shows up.
    auth = BetterAuthJWT(
        settings,
        keys=keys,
        on_deleted_users=deleted_users_purger(engine),
        revocation_transport=revocation_transport,
    )

    app = FastAPI(
        title="Tasks API",
        description=DESCRIPTION,
        version="1.0.0",
        lifespan=auth.lifespan,  # the issuer's keys (jwks mode) and the revocations, kept fresh
        generate_unique_id_function=lambda route: route.name,
        # No OpenTelemetry here; left on, FastAPI looks for configured providers on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.engine = engine
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type"],
        expose_headers=["WWW-Authenticate", "Retry-After"],
        max_age=600,
    )
    auth.install(app)  # the verifier for CurrentUser/PathUser; refusals as 401, no keys as 503
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(tasks.router)
    app.include_router(tags.router)
    return app
