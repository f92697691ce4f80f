"""FastAPI dependencies: the verified user, and the guard that keeps users inside their own path."""

import logging
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, status
from fastapi.security import HTTPBearer

from app.auth.tokens import TokenError, TokenVerifier

logger = logging.getLogger("app.security")


@dataclass(frozen=True)
class AuthenticatedUser:
    id: str
    email: str | None
    name: str | None


class BearerUser(HTTPBearer):
    """The user of a verified `Authorization: Bearer …` token (never a query string or cookie).

    One dependency reads the header and verifies the token: an HTTPBearer, so that OpenAPI shows
    the scheme, and a single one, because FastAPI spends about 8 µs per request on each
    dependency it resolves (docs/BENCHMARKS.md).
    """

    async def __call__(self, request: Request) -> AuthenticatedUser:  # type: ignore[override]
        verifier: TokenVerifier = request.app.state.verifier  # built once by create_app
        verified = await verifier.verify(bearer_token(request))
        claims = verified.claims
        email, name = claims.get("email"), claims.get("name")
        return AuthenticatedUser(
            id=verified.subject,
            email=email if isinstance(email, str) else None,
            name=name if isinstance(name, str) else None,
        )


def bearer_token(request: Request) -> str:
    """The token of `Authorization: Bearer …`; a missing header or another scheme is a 401."""
    header = request.headers.get("Authorization")
    if not header:
        raise TokenError("missing_token", "Authorization header with a Bearer token is required")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise TokenError("invalid_scheme", "Authorization scheme must be Bearer")
    token = token.strip()
    if not token:
        raise TokenError("missing_token", "Bearer token is empty")
    return token


# Both dependencies are async: FastAPI calls those on the event loop, and sends each sync one
# through the thread pool (a hop per request). Neither blocks: a JWKS refetch is async too.
get_current_user = BearerUser(
    bearerFormat="JWT",
    scheme_name="BearerToken",
    description="A short-lived JWT from Better Auth (`GET /api/auth/token` on the frontend).",
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
