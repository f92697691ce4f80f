"""FastAPI dependencies: the verified user, and the guard that keeps users inside their own path."""

import logging
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, status
from fastapi.security import HTTPBearer

from app.auth.tokens import TokenError, TokenVerifier

logger = logging.getLogger("app.security")


class BearerToken(HTTPBearer):
    """Reads the token from `Authorization: Bearer …` only (never a query string or cookie)."""

    async def __call__(self, request: Request) -> str:  # type: ignore[override]
        header = request.headers.get("Authorization")
        if not header:
            raise TokenError(
                "missing_token", "Authorization header with a Bearer token is required"
            )
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer":
            raise TokenError("invalid_scheme", "Authorization scheme must be Bearer")
        token = token.strip()
        if not token:
            raise TokenError("missing_token", "Bearer token is empty")
        return token


bearer_token = BearerToken(
    bearerFormat="JWT",
    description="A short-lived JWT from Better Auth (`GET /api/auth/token` on the frontend).",
)


@dataclass(frozen=True)
class AuthenticatedUser:
    id: str
    email: str | None
    name: str | None


# The dependencies below do no I/O: async, so that FastAPI calls them on the event loop instead of
# sending each one through the thread pool (a thread hop per dependency per request).
async def get_current_user(
    token: Annotated[str, Depends(bearer_token)], request: Request
) -> AuthenticatedUser:
    verifier: TokenVerifier = request.app.state.verifier  # built once by create_app
    verified = await verifier.verify(token)
    claims = verified.claims
    email, name = claims.get("email"), claims.get("name")
    return AuthenticatedUser(
        id=verified.subject,
        email=email if isinstance(email, str) else None,
        name=name if isinstance(name, str) else None,
    )


CurrentUser = Annotated[AuthenticatedUser, Depends(get_current_user)]


async def require_path_user(
    user_id: Annotated[str, Path(description="Must equal the token's `sub`.")],
    user: CurrentUser,
    request: Request,
) -> AuthenticatedUser:
    if user_id != user.id:
        logger.warning(
            "path_user_mismatch",
            extra={
                "event": "path_user_mismatch",
                "method": request.method,
                "path_template": "/api/{user_id}/…",
            },
        )
        raise HTTPException(
            status_code=status.HTTP_403_FORBIDDEN,
            detail="This token belongs to another user; use your own user id in the path",
        )
    return user


PathUser = Annotated[AuthenticatedUser, Depends(require_path_user)]
