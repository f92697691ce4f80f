"""Configuration from the environment, refusing insecure values with a message saying how to fix them."""

import re
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from better_auth_jwt.verifier import (
    DEFAULT_CACHED_TOKENS,
    DEFAULT_LEEWAY_SECONDS,
    DEFAULT_MAX_LIFETIME_SECONDS,
)

# Asymmetric algorithms Better Auth's jwt plugin can sign with; HS256 belongs to shared-secret mode.
ASYMMETRIC_ALGORITHMS = frozenset({"EdDSA", "ES256", "ES384", "ES512", "RS256", "PS256"})
MIN_SHARED_SECRET_BYTES = 32
MAX_LEEWAY_SECONDS = 60
MAX_REFETCH_COOLDOWN_SECONDS = 10
_WHOLE_NUMBER = re.compile(r"\s*\+?[0-9]+\s*")


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class AuthSettings(BaseSettings):
    """Every setting of the package, read from environment variables of the same name (upper case).

    An app with settings of its own subclasses this class (its fields and validators included).
    """

    model_config = SettingsConfigDict(extra="ignore")

    auth_mode: Literal["jwks", "shared-secret"] = "jwks"
    better_auth_url: str = "http://localhost:3000"
    auth_jwks_url: str | None = None
    auth_issuer: str | None = None
    auth_audience: str | None = None
    auth_algorithms: Annotated[list[str], NoDecode] = ["EdDSA"]
    jwt_secret: SecretStr | None = None
    # Read only to refuse a JWT_SECRET equal to it: the backend must not hold the session key.
    better_auth_secret: SecretStr | None = None

    auth_leeway_seconds: int = Field(default=DEFAULT_LEEWAY_SECONDS, ge=0, le=MAX_LEEWAY_SECONDS)
    auth_max_token_lifetime_seconds: int = DEFAULT_MAX_LIFETIME_SECONDS
    auth_require_sid: bool = False
    # Revocation (DESIGN section 9): `on` polls the frontend's feed of ended sessions and requires
    # `sid`; `off` is only for an issuer that is a plain Better Auth without that feed.
    auth_revocation: Literal["on", "off"] = "on"
    auth_revocation_url: str | None = None
    auth_revocation_poll_seconds: float = Field(default=1.0, gt=0, le=2)
    auth_verified_token_cache_size: int = Field(default=DEFAULT_CACHED_TOKENS, ge=0)
    jwks_cache_ttl_seconds: float = Field(default=300, gt=0)
    jwks_refetch_cooldown_seconds: float = Field(
        default=MAX_REFETCH_COOLDOWN_SECONDS, gt=0, le=MAX_REFETCH_COOLDOWN_SECONDS
    )
    jwks_fetch_timeout_seconds: float = Field(default=5, gt=0)

    @field_validator("auth_algorithms", mode="before")
    @classmethod
    def _parse_csv(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("better_auth_url", "auth_issuer", "auth_audience", mode="after")
    @classmethod
    def _strip_trailing_slash(cls, value: str | None) -> str | None:
        # Better Auth's iss/aud is the bare origin; a trailing slash would never match.
        return value.rstrip("/") if value else value

    @field_validator("auth_max_token_lifetime_seconds", mode="before")
    @classmethod
    def _positive_whole_number(cls, value: object) -> object:
        whole = (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value)
        )
        if not whole or int(str(value)) <= 0:
            raise ValueError(
                f"AUTH_MAX_TOKEN_LIFETIME_SECONDS must be a positive whole number of seconds, not"
                f" {value!r}; leave it unset for {DEFAULT_MAX_LIFETIME_SECONDS} (Better Auth's"
                " tokens live 900 seconds by default)"
            )
        return int(str(value))

    @model_validator(mode="after")
    def _refuse_insecure_configuration(self) -> "AuthSettings":
        if self.auth_mode == "jwks":
            unsupported = [a for a in self.auth_algorithms if a not in ASYMMETRIC_ALGORITHMS]
            if not self.auth_algorithms or unsupported:
                raise ValueError(
                    f"AUTH_ALGORITHMS={','.join(self.auth_algorithms)!r} is not allowed in jwks "
                    f"mode; choose from {', '.join(sorted(ASYMMETRIC_ALGORITHMS))} "
                    "(Better Auth signs with EdDSA unless configured otherwise)"
                )
            return self
        secret = self.jwt_secret.get_secret_value() if self.jwt_secret else ""
        if len(secret.encode()) < MIN_SHARED_SECRET_BYTES:
            raise ValueError(
                f"AUTH_MODE=shared-secret needs JWT_SECRET of at least {MIN_SHARED_SECRET_BYTES}"
                " bytes; generate one with `openssl rand -hex 32` and set the same value on"
                " the frontend"
            )
        if self.better_auth_secret and secret == self.better_auth_secret.get_secret_value():
            raise ValueError(
                "JWT_SECRET must differ from BETTER_AUTH_SECRET: the backend must not hold the"
                " key that encrypts the frontend's sessions; generate a separate one with"
                " `openssl rand -hex 32`"
            )
        return self

    @property
    def jwks_url(self) -> str:
        return self.auth_jwks_url or f"{self.better_auth_url}/api/auth/jwks"

    @property
    def revocation_url(self) -> str:
        return self.auth_revocation_url or f"{self.better_auth_url}/api/auth/revocations"

    @property
    def revocation_enabled(self) -> bool:
        return self.auth_revocation == "on"

    @property
    def require_sid(self) -> bool:
        """Every token names its session when revocation is on (it is what gets revoked)."""
        return self.auth_require_sid or self.revocation_enabled

    @property
    def issuer(self) -> str:
        return self.auth_issuer or self.better_auth_url

    @property
    def audience(self) -> str:
        return self.auth_audience or self.better_auth_url

    @property
    def algorithms(self) -> list[str]:
        return ["HS256"] if self.auth_mode == "shared-secret" else list(self.auth_algorithms)
