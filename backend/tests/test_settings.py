"""The backend refuses to start on configurations that are wrong or insecure, saying what to fix."""

import pytest
from pydantic import ValidationError

from app.settings import Settings

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


def test_values_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BETTER_AUTH_URL", "https://app.example.com/")
    monkeypatch.setenv("AUTH_ALGORITHMS", "EdDSA, ES256")
    monkeypatch.setenv("CORS_ORIGINS", "https://app.example.com,https://www.example.com")
    s = settings()
    assert s.issuer == "https://app.example.com"  # trailing slash dropped: iss is a bare origin
    assert s.jwks_url == "https://app.example.com/api/auth/jwks"
    assert s.algorithms == ["EdDSA", "ES256"]
    assert s.cors_origins == ["https://app.example.com", "https://www.example.com"]


def test_explicit_issuer_audience_and_jwks_url_win() -> None:
    s = settings(auth_issuer="https://a", auth_audience="https://b", auth_jwks_url="https://c/jwks")
    assert (s.issuer, s.audience, s.jwks_url) == ("https://a", "https://b", "https://c/jwks")


def test_unknown_auth_mode_is_refused() -> None:
    with pytest.raises(ValidationError, match="auth_mode"):
        settings(auth_mode="hs256")


def test_shared_secret_mode_needs_a_long_secret() -> None:
    with pytest.raises(ValidationError, match="at least 32 bytes"):
        settings(auth_mode="shared-secret", jwt_secret="short")
    with pytest.raises(ValidationError, match="at least 32 bytes"):
        settings(auth_mode="shared-secret")
    assert settings(auth_mode="shared-secret", jwt_secret=SECRET).algorithms == ["HS256"]


def test_shared_secret_must_differ_from_better_auth_secret() -> None:
    with pytest.raises(ValidationError, match="must differ from BETTER_AUTH_SECRET"):
        settings(auth_mode="shared-secret", jwt_secret=SECRET, better_auth_secret=SECRET)


@pytest.mark.parametrize("algorithms", ["none", "HS256", "EdDSA,none", ""])
def test_jwks_mode_allows_only_asymmetric_algorithms(algorithms: str) -> None:
    with pytest.raises(ValidationError, match="AUTH_ALGORITHMS"):
        settings(auth_algorithms=algorithms)


def test_wildcard_cors_is_refused() -> None:
    with pytest.raises(ValidationError, match="CORS_ORIGINS"):
        settings(cors_origins="*")


def test_leeway_cannot_exceed_a_minute() -> None:
    with pytest.raises(ValidationError):
        settings(auth_leeway_seconds=120)
