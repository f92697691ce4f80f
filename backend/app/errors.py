"""Exception handlers: refusals become the statuses of DESIGN section 3, never a 500 or a leak."""

import logging
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from app.auth.tokens import KeysUnavailable, RefusalReason, TokenError

logger = logging.getLogger("app.security")

KEYS_RETRY_AFTER_SECONDS = 10
DATABASE_RETRY_AFTER_SECONDS = 2


class ErrorBody(BaseModel):
    detail: str = Field(description="What went wrong, for a person to read")


class TokenErrorBody(ErrorBody):
    reason: RefusalReason = Field(description="Class of the refusal, for a program to read")


def _header(description: str) -> dict[str, Any]:
    return {"description": description, "schema": {"type": "string"}}


# The refusals every authenticated route can answer, declared once for the OpenAPI schema
# (so generated clients know their shapes); 404 and 422 are declared where they apply.
AUTH_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status.HTTP_401_UNAUTHORIZED: {
        "model": TokenErrorBody,
        "description": "No bearer token, or a token that is not valid here",
        "headers": {"WWW-Authenticate": _header('Bearer error="invalid_token"')},
    },
    status.HTTP_403_FORBIDDEN: {
        "model": ErrorBody,
        "description": "The user_id in the path is not the token's subject",
    },
    status.HTTP_503_SERVICE_UNAVAILABLE: {
        "model": ErrorBody,
        "description": "Signing keys or the database are unavailable for now",
        "headers": {"Retry-After": _header("Seconds to wait before trying again")},
    },
}
NOT_FOUND_RESPONSE: dict[int | str, dict[str, Any]] = {
    status.HTTP_404_NOT_FOUND: {
        "model": ErrorBody,
        "description": "No such task for this user (missing and someone else's look the same)",
    },
}


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
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(TokenError, token_error_handler)
    app.add_exception_handler(KeysUnavailable, keys_unavailable_handler)
    # Lost or refused connections (a restarting Postgres, a locked SQLite file) are transient.
    app.add_exception_handler(OperationalError, database_unavailable_handler)
    app.add_exception_handler(InterfaceError, database_unavailable_handler)
