"""Verification of Better Auth JWTs for FastAPI apps: JWKS or shared-secret, RFC 8725 rules.

from better_auth_jwt import AuthSettings, BetterAuthJWT, PathUser
"""

from better_auth_jwt.app import (
    BetterAuthJWT,
    build_key_resolver,
    build_revocation_feed,
    build_verifier,
)
from better_auth_jwt.dependencies import (
    AuthenticatedUser,
    BearerUser,
    CurrentUser,
    PathUser,
    bearer_token,
    get_current_user,
    require_path_user,
)
from better_auth_jwt.errors import KeysUnavailable, RefusalReason, RevocationsUnknown, TokenError
from better_auth_jwt.jwks import JwksCache, parse_jwks
from better_auth_jwt.keys import KeyResolver, SharedSecretKey, VerificationKey
from better_auth_jwt.responses import (
    AUTH_ERROR_RESPONSES,
    FORBIDDEN_RESPONSE,
    KEYS_UNAVAILABLE_RESPONSE,
    UNAUTHORIZED_RESPONSE,
    ErrorBody,
    TokenErrorBody,
    install_exception_handlers,
    keys_unavailable_handler,
    token_error_handler,
)
from better_auth_jwt.revocation import RevocationFeed, RevocationSet
from better_auth_jwt.settings import AuthSettings
from better_auth_jwt.verifier import (
    RevocationCheck,
    TokenVerifier,
    VerifiedToken,
    VerifiedTokenCache,
)

__all__ = [
    "AUTH_ERROR_RESPONSES",
    "FORBIDDEN_RESPONSE",
    "KEYS_UNAVAILABLE_RESPONSE",
    "UNAUTHORIZED_RESPONSE",
    "AuthSettings",
    "AuthenticatedUser",
    "BearerUser",
    "BetterAuthJWT",
    "CurrentUser",
    "ErrorBody",
    "JwksCache",
    "KeyResolver",
    "KeysUnavailable",
    "PathUser",
    "RefusalReason",
    "RevocationCheck",
    "RevocationFeed",
    "RevocationSet",
    "RevocationsUnknown",
    "SharedSecretKey",
    "TokenError",
    "TokenErrorBody",
    "TokenVerifier",
    "VerificationKey",
    "VerifiedToken",
    "VerifiedTokenCache",
    "bearer_token",
    "build_key_resolver",
    "build_revocation_feed",
    "build_verifier",
    "get_current_user",
    "install_exception_handlers",
    "keys_unavailable_handler",
    "parse_jwks",
    "require_path_user",
    "token_error_handler",
]
