"""Configuration, read once from the environment and `backend/.env` (DESIGN section 6)."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

BACKEND_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = BACKEND_DIR / ".data" / "app.db"

# Asymmetric algorithms Better Auth's jwt plugin can sign with; HS* belongs to shared-secret mode.
ASYMMETRIC_ALGORITHMS = frozenset({"EdDSA", "ES256", "ES384", "ES512", "RS256", "PS256"})
MIN_SHARED_SECRET_BYTES = 32
MAX_LEEWAY_SECONDS = 60


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=BACKEND_DIR / ".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = f"sqlite:///{DEFAULT_SQLITE_PATH}"
    auth_mode: Literal["jwks", "shared-secret"] = "jwks"
    better_auth_url: str = "http://localhost:3000"
    auth_jwks_url: str | None = None
    auth_issuer: str | None = None
    auth_audience: str | None = None
    auth_algorithms: Annotated[list[str], NoDecode] = ["EdDSA"]
    jwt_secret: str | None = None
    better_auth_secret: str | None = None
    cors_origins: Annotated[list[str], NoDecode] = ["http://localhost:3000"]

    # Tuning knobs with safe defaults; not part of the documented contract.
    auth_leeway_seconds: int = Field(default=30, ge=0, le=MAX_LEEWAY_SECONDS)
    jwks_cache_ttl_seconds: float = Field(default=300, gt=0)
    jwks_refetch_cooldown_seconds: float = Field(default=10, gt=0, le=10)
    jwks_fetch_timeout_seconds: float = Field(default=5, gt=0)

    @field_validator("auth_algorithms", "cors_origins", mode="before")
    @classmethod
    def _parse_csv(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("better_auth_url", "auth_issuer", "auth_audience", mode="after")
    @classmethod
    def _strip_trailing_slash(cls, value: str | None) -> str | None:
        # Better Auth's iss/aud is the bare origin; a trailing slash would never match.
        return value.rstrip("/") if value else value

    @model_validator(mode="after")
    def _refuse_insecure_configuration(self) -> "Settings":
        if self.auth_mode == "jwks":
            unsupported = [a for a in self.auth_algorithms if a not in ASYMMETRIC_ALGORITHMS]
            if not self.auth_algorithms or unsupported:
                raise ValueError(
                    f"AUTH_ALGORITHMS={','.join(self.auth_algorithms)!r} is not allowed in jwks "
                    f"mode; choose from {', '.join(sorted(ASYMMETRIC_ALGORITHMS))} "
                    "(Better Auth signs with EdDSA unless configured otherwise)"
                )
        else:
            secret = (self.jwt_secret or "").encode()
            if len(secret) < MIN_SHARED_SECRET_BYTES:
                raise ValueError(
                    f"AUTH_MODE=shared-secret needs JWT_SECRET of at least {MIN_SHARED_SECRET_BYTES}"
                    " bytes; generate one with `openssl rand -hex 32` and set the same value on"
                    " the frontend"
                )
            if self.better_auth_secret and self.jwt_secret == self.better_auth_secret:
                raise ValueError(
                    "JWT_SECRET must differ from BETTER_AUTH_SECRET: the backend must not hold the"
                    " key that encrypts the frontend's sessions; generate a separate one with"
                    " `openssl rand -hex 32`"
                )
        if "*" in self.cors_origins:
            raise ValueError(
                "CORS_ORIGINS must list the frontend's origins explicitly, e.g. http://localhost:3000"
            )
        return self

    @property
    def jwks_url(self) -> str:
        return self.auth_jwks_url or f"{self.better_auth_url}/api/auth/jwks"

    @property
    def issuer(self) -> str:
        return self.auth_issuer or self.better_auth_url

    @property
    def audience(self) -> str:
        return self.auth_audience or self.better_auth_url

    @property
    def algorithms(self) -> list[str]:
        return ["HS256"] if self.auth_mode == "shared-secret" else list(self.auth_algorithms)


@lru_cache
def get_settings() -> Settings:
    return Settings()
