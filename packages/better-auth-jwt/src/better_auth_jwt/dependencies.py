"""FastAPI dependencies: the verified user, and the guard that keeps users inside their own path."""

import logging
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, status
from fastapi.openapi.models import HTTPBearer as HTTPBearerModel
from fastapi.security.base import SecurityBase

from better_auth_jwt.errors import TokenError
from better_auth_jwt.verifier import TokenVerifier

logger = logging.getLogger("better_auth_jwt.dependencies")

SCHEME_NAME = "BearerToken"
SCHEME_DESCRIPTION = "A short-lived JWT from Better Auth (`GET /api/auth/token` on the frontend)."


@dataclass(frozen=True)
class AuthenticatedUser:
    """The user a verified token names; email and name when the token carries them."""

    id: str
    email: str | None
    name: str | None
    session_id: str | None = None


def bearer_token(request: Request) -> str:
    """The token of `Authorization: Bearer …`; a missing header or another scheme is a 401.

    Only the Authorization header counts: never a query string, never a cookie.
    """
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


def token_verifier(request: Request) -> TokenVerifier:
    """The verifier `BetterAuthJWT.install(app)` put on the app."""
    verifier = getattr(request.app.state, "token_verifier", None)
    if not isinstance(verifier, TokenVerifier):
        raise RuntimeError("No token verifier on this app: call BetterAuthJWT(...).install(app)")
    return verifier


class BearerUser(SecurityBase):
    """The user of a verified `Authorization: Bearer …` token.

    A security scheme, so that OpenAPI (and /docs' Authorize button) shows it; it reads the header
    and verifies the token in one dependency.
    """

    def __init__(self, *, scheme_name: str = SCHEME_NAME, description: str = SCHEME_DESCRIPTION):
        self.model = HTTPBearerModel(bearerFormat="JWT", description=description)
        self.scheme_name = scheme_name

    async def __call__(self, request: Request) -> AuthenticatedUser:
        verified = await token_verifier(request).verify(bearer_token(request))
        email, name = verified.claims.get("email"), verified.claims.get("name")
        return AuthenticatedUser(
            id=verified.subject,
            email=email if isinstance(email, str) else None,
            name=name if isinstance(name, str) else None,
            session_id=verified.session_id,
        )


# Async on purpose: FastAPI runs an async dependency on the event loop and sends a sync one
# through the thread pool; neither of these blocks (a JWKS refetch is async too).
get_current_user = BearerUser()
CurrentUser = Annotated[AuthenticatedUser, Depends(get_current_user)]


async def require_path_user(
    user_id: Annotated[str, Path(description="Must equal the token's `sub`.")],
    user: CurrentUser,
    request: Request,
) -> AuthenticatedUser:
    """The current user, provided the path's `{user_id}` is theirs (403 otherwise)."""
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
