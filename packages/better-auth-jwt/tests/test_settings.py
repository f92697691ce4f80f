"""AuthSettings refuses configurations that are wrong or insecure, saying what to fix."""

import pytest
from pydantic import ValidationError

from better_auth_jwt import AuthSettings, BetterAuthJWT, JwksCache, SharedSecretKey

SECRET = "a" * 32


def settings(**values: object) -> AuthSettings:
    return AuthSettings(**values)  # type: ignore[arg-type]


def test_defaults_follow_the_design() -> None:
    s = settings()
    assert s.auth_mode == "jwks"
    assert s.jwks_url == "http://localhost:3000/api/auth/jwks"
    assert s.issuer == s.audience == "http://localhost:3000"
    assert s.algorithms == ["EdDSA"]
    assert s.auth_max_token_lifetime_seconds == 3600
    assert s.auth_require_sid is False


def test_values_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BETTER_AUTH_URL", "https://app.example.com/")
    monkeypatch.setenv("AUTH_ALGORITHMS", "EdDSA, ES256")
    monkeypatch.setenv("AUTH_MAX_TOKEN_LIFETIME_SECONDS", "900")
    monkeypatch.setenv("AUTH_REQUIRE_SID", "true")
    s = settings()
    assert s.issuer == "https://app.example.com"  # trailing slash dropped: iss is a bare origin
    assert s.jwks_url == "https://app.example.com/api/auth/jwks"
    assert s.algorithms == ["EdDSA", "ES256"]
    assert s.auth_max_token_lifetime_seconds == 900
    assert s.auth_require_sid is True


def test_explicit_issuer_audience_and_jwks_url_win() -> None:
    s = settings(auth_issuer="https://a", auth_audience="https://b", auth_jwks_url="https://c/jwks")
    assert (s.issuer, s.audience, s.jwks_url) == ("https://a", "https://b", "https://c/jwks")


def test_unknown_auth_mode_is_refused() -> None:
    with pytest.raises(ValidationError, match="auth_mode"):
        settings(auth_mode="hs256")


def test_shared_secret_mode_needs_a_long_secret() -> None:
    with pytest.raises(ValidationError, match="at least 32 bytes.*openssl rand -hex 32"):
        settings(auth_mode="shared-secret", jwt_secret="short")
    with pytest.raises(ValidationError, match="at least 32 bytes"):
        settings(auth_mode="shared-secret")
    assert settings(auth_mode="shared-secret", jwt_secret=SECRET).algorithms == ["HS256"]


def test_shared_secret_must_differ_from_better_auth_secret() -> None:
    with pytest.raises(ValidationError, match="must differ from BETTER_AUTH_SECRET"):
        settings(auth_mode="shared-secret", jwt_secret=SECRET, better_auth_secret=SECRET)


def test_secrets_never_show_in_a_repr() -> None:
    s = settings(auth_mode="shared-secret", jwt_secret=SECRET, better_auth_secret="b" * 32)
    assert SECRET not in repr(s) and "b" * 32 not in repr(s)


@pytest.mark.parametrize("algorithms", ["none", "HS256", "EdDSA,none", ""])
def test_jwks_mode_allows_only_asymmetric_algorithms(algorithms: str) -> None:
    with pytest.raises(ValidationError, match="AUTH_ALGORITHMS"):
        settings(auth_algorithms=algorithms)


def test_leeway_cannot_exceed_a_minute() -> None:
    with pytest.raises(ValidationError):
        settings(auth_leeway_seconds=120)


def test_refetch_cooldown_cannot_exceed_ten_seconds() -> None:
    with pytest.raises(ValidationError):
        settings(jwks_refetch_cooldown_seconds=11)


@pytest.mark.parametrize(
    "cap", ["0", "-5", "1.5", "3600.0", "abc", "", "1e3", " ", 0, -1, 2.5, True]
)
def test_the_lifetime_cap_must_be_a_positive_whole_number(cap: object) -> None:
    with pytest.raises(ValidationError, match="AUTH_MAX_TOKEN_LIFETIME_SECONDS must be a positive"):
        settings(auth_max_token_lifetime_seconds=cap)


@pytest.mark.parametrize(("cap", "seconds"), [("900", 900), (" 7200 ", 7200), (60, 60)])
def test_a_whole_number_cap_is_read(cap: object, seconds: int) -> None:
    assert settings(auth_max_token_lifetime_seconds=cap).auth_max_token_lifetime_seconds == seconds


def test_the_lifetime_cap_from_the_environment_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_MAX_TOKEN_LIFETIME_SECONDS", "one hour")
    with pytest.raises(ValidationError, match="positive whole number of seconds, not 'one hour'"):
        settings()


def test_the_key_source_follows_the_mode() -> None:
    assert isinstance(BetterAuthJWT(settings()).keys, JwksCache)
    shared = BetterAuthJWT(settings(auth_mode="shared-secret", jwt_secret=SECRET))
    assert isinstance(shared.keys, SharedSecretKey)
