"""Configuration, read once from the environment and `backend/.env` (DESIGN section 6).

The auth settings (AUTH_MODE, BETTER_AUTH_URL, AUTH_JWKS_URL, …) are the better-auth-jwt
package's own; this class adds what only this app needs: the database and CORS.
"""

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from better_auth_jwt import AuthSettings
from pydantic import field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

BACKEND_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = BACKEND_DIR / ".data" / "app.db"


class Settings(AuthSettings):
    model_config = SettingsConfigDict(
        env_file=BACKEND_DIR / ".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = f"sqlite:///{DEFAULT_SQLITE_PATH}"
    cors_origins: Annotated[list[str], NoDecode] = ["http://localhost:3000"]

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _parse_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @model_validator(mode="after")
    def _refuse_wildcard_origins(self) -> "Settings":
        if "*" in self.cors_origins:
            raise ValueError(
                "CORS_ORIGINS must list the frontend's origins explicitly, e.g. http://localhost:3000"
            )
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
