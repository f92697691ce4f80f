"""Exception handlers: refusals become the statuses of DESIGN section 3, never a 500 or a leak."""

import logging

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from app.auth.tokens import KeysUnavailable, TokenError

logger = logging.getLogger("app.security")

KEYS_RETRY_AFTER_SECONDS = 10


async def token_error_handler(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, TokenError)
    logger.info(
        "token_refused",
        extra={"event": "token_refused", "reason": error.reason, "method": request.method},
    )
    return JSONResponse(
        status_code=status.HTTP_401_UNAUTHORIZED,
        content={"detail": error.message, "reason": error.reason},
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


async def keys_unavailable_handler(request: Request, error: Exception) -> JSONResponse:
    return JSONResponse(
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        content={"detail": "Token signing keys are unavailable; try again shortly"},
        headers={"Retry-After": str(KEYS_RETRY_AFTER_SECONDS)},
    )


async def database_unavailable_handler(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DBAPIError)
    logger.warning(
        "database_unavailable",
        extra={"event": "database_unavailable", "error": type(error.orig).__name__},
    )
    return JSONResponse(
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        content={"detail": "The database is unavailable; try again shortly"},
        headers={"Retry-After": "2"},
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(TokenError, token_error_handler)
    app.add_exception_handler(KeysUnavailable, keys_unavailable_handler)
    # Lost or refused connections (a restarting Postgres, a locked SQLite file) are transient.
    app.add_exception_handler(OperationalError, database_unavailable_handler)
    app.add_exception_handler(InterfaceError, database_unavailable_handler)
