"""Error responses of the task routes: what OpenAPI declares, and the database-outage handler."""

import logging
from typing import Any

import better_auth_jwt
from better_auth_jwt import ErrorBody
from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

logger = logging.getLogger("app.security")

DATABASE_RETRY_AFTER_SECONDS = 2

# The refusals every task route can answer (the package's, with a 503 that also covers the
# database), declared once for the OpenAPI schema; 404 and 422 are declared where they apply.
AUTH_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    **better_auth_jwt.AUTH_ERROR_RESPONSES,
    status.HTTP_503_SERVICE_UNAVAILABLE: {
        **better_auth_jwt.KEYS_UNAVAILABLE_RESPONSE,
        "description": "Signing keys or the database are unavailable for now",
    },
}
NOT_FOUND_RESPONSE: dict[int | str, dict[str, Any]] = {
    status.HTTP_404_NOT_FOUND: {
        "model": ErrorBody,
        "description": "No such task for this user (missing and someone else's look the same)",
    },
}
TAG_NOT_FOUND_RESPONSE: dict[int | str, dict[str, Any]] = {
    status.HTTP_404_NOT_FOUND: {
        "model": ErrorBody,
        "description": "No such tag for this user (missing and someone else's look the same)",
    },
}


async def database_unavailable_handler(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DBAPIError)
    logger.warning(
        "database_unavailable",
        extra={"event": "database_unavailable", "error": type(error.orig).__name__},
    )
    return JSONResponse(
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        content={"detail": "The database is unavailable; try again shortly"},
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )


def install_error_handlers(app: FastAPI) -> None:
    # Lost or refused connections (a restarting Postgres, a locked SQLite file) are transient.
    app.add_exception_handler(OperationalError, database_unavailable_handler)
    app.add_exception_handler(InterfaceError, database_unavailable_handler)
