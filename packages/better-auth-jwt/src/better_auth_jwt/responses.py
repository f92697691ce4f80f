"""What refusals look like on the wire: 401 and 503 handlers, and their OpenAPI declarations."""

import logging
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from better_auth_jwt.errors import KeysUnavailable, RefusalReason, RevocationsUnknown, TokenError

logger = logging.getLogger("better_auth_jwt.responses")

KEYS_RETRY_AFTER_SECONDS = 10
# The revocation feed is polled about every second: the first answer is that far away.
REVOCATIONS_RETRY_AFTER_SECONDS = 2


class ErrorBody(BaseModel):
    detail: str = Field(description="What went wrong, for a person to read")


class TokenErrorBody(ErrorBody):
    reason: RefusalReason = Field(description="Class of the refusal, for a program to read")


def _header(description: str) -> dict[str, Any]:
    return {"description": description, "schema": {"type": "string"}}


UNAUTHORIZED_RESPONSE: dict[str, Any] = {
    "model": TokenErrorBody,
    "description": "No bearer token, or a token that is not valid here",
    "headers": {"WWW-Authenticate": _header('Bearer error="invalid_token"')},
}
FORBIDDEN_RESPONSE: dict[str, Any] = {
    "model": ErrorBody,
    "description": "The user_id in the path is not the token's subject",
}
KEYS_UNAVAILABLE_RESPONSE: dict[str, Any] = {
    "model": ErrorBody,
    "description": "Signing keys or the current revocations are not known yet",
    "headers": {"Retry-After": _header("Seconds to wait before trying again")},
}
# The refusals every authenticated route can answer, for a route's or router's `responses=`
# (so generated clients know their shapes). Without a path guard, 403 does not apply.
AUTH_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status.HTTP_401_UNAUTHORIZED: UNAUTHORIZED_RESPONSE,
    status.HTTP_403_FORBIDDEN: FORBIDDEN_RESPONSE,
    status.HTTP_503_SERVICE_UNAVAILABLE: KEYS_UNAVAILABLE_RESPONSE,
}


async def token_error_handler(request: Request, error: Exception) -> JSONResponse:
    """401 with `WWW-Authenticate: Bearer error="invalid_token"` and `{detail, reason}`."""
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
    """503 with `Retry-After`: the issuer's keys could not be fetched yet."""
    return JSONResponse(
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        content={"detail": "Token signing keys are unavailable; try again shortly"},
        headers={"Retry-After": str(KEYS_RETRY_AFTER_SECONDS)},
    )


async def revocations_unknown_handler(request: Request, error: Exception) -> JSONResponse:
    """503 with `Retry-After`: no token is served before the current revocations are known."""
    return JSONResponse(
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        content={
            "detail": "Starting up: the list of ended sessions is not known yet; try again shortly"
        },
        headers={"Retry-After": str(REVOCATIONS_RETRY_AFTER_SECONDS)},
    )


def install_exception_handlers(app: FastAPI) -> None:
    app.add_exception_handler(TokenError, token_error_handler)
    app.add_exception_handler(KeysUnavailable, keys_unavailable_handler)
    app.add_exception_handler(RevocationsUnknown, revocations_unknown_handler)
