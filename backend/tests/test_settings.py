"""The backend's settings: every variable of DESIGN section 6, and a refusal to start on bad ones.

The auth rules themselves (secret length, algorithms, lifetime cap, …) are the better-auth-jwt
package's and tested there; here, that the backend reads them under the documented names.
"""

import os
import subprocess
import sys

import pytest
from pydantic import ValidationError

from app.settings import BACKEND_DIR, Settings

SECRET = "a" * 32


def settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


def test_defaults_follow_the_design() -> None:
    s = settings()
    assert s.auth_mode == "jwks"
    assert s.jwks_url == "http://localhost:3000/api/auth/jwks"
    assert s.issuer == s.audience == "http://localhost:3000"
    assert s.algorithms == ["EdDSA"]
    assert s.cors_origins == ["http://localhost:3000"]
    assert s.database_url.startswith("sqlite:///") and s.database_url.endswith("/.data/app.db")


def test_every_documented_variable_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    environment = {
        "DATABASE_URL": "postgresql://u@db/tasks",
        "AUTH_MODE": "shared-secret",
        "BETTER_AUTH_URL": "https://app.example.com/",
        "AUTH_JWKS_URL": "https://keys.example.com/jwks",
        "AUTH_ISSUER": "https://issuer.example.com",
        "AUTH_AUDIENCE": "https://audience.example.com",
        "AUTH_ALGORITHMS": "EdDSA, ES256",
        "JWT_SECRET": SECRET,
        "BETTER_AUTH_SECRET": "b" * 32,
        "CORS_ORIGINS": "https://app.example.com,https://www.example.com",
        "AUTH_MAX_TOKEN_LIFETIME_SECONDS": "900",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    s = settings()
    assert s.database_url == "postgresql://u@db/tasks"
    assert s.auth_mode == "shared-secret"
    assert s.better_auth_url == "https://app.example.com"  # trailing slash dropped
    assert s.jwks_url == "https://keys.example.com/jwks"
    assert (s.issuer, s.audience) == ("https://issuer.example.com", "https://audience.example.com")
    assert s.auth_algorithms == ["EdDSA", "ES256"]
    assert s.jwt_secret is not None and s.jwt_secret.get_secret_value() == SECRET
    assert s.cors_origins == ["https://app.example.com", "https://www.example.com"]
    assert s.auth_max_token_lifetime_seconds == 900


def test_the_package_rules_apply_to_the_backend() -> None:
    with pytest.raises(ValidationError, match="must differ from BETTER_AUTH_SECRET"):
        settings(auth_mode="shared-secret", jwt_secret=SECRET, better_auth_secret=SECRET)


def test_wildcard_cors_is_refused() -> None:
    with pytest.raises(ValidationError, match="CORS_ORIGINS"):
        settings(cors_origins="*")


def test_a_bad_lifetime_cap_stops_the_backend_at_start() -> None:
    # The values refused are tested with the package; here, that refusing one stops the start.
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AUTH_", "JWT_"))}
    environment |= {"DATABASE_URL": "sqlite://", "AUTH_MAX_TOKEN_LIFETIME_SECONDS": "1.5"}
    started = subprocess.run(
        [sys.executable, "-c", "import app.main"],
        cwd=BACKEND_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode != 0
    assert "AUTH_MAX_TOKEN_LIFETIME_SECONDS must be a positive whole number" in started.stderr
