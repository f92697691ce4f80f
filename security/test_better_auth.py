"""The Better Auth side, each over HTTP against a real issuer built from the app's own config:
rate limits on sign-in and sign-up, the origin (CSRF) check, secure cookies in production mode, and
the password length bounds."""

import secrets
from collections.abc import Iterator

import httpx
import pytest
from test_support.issuer import HTTP_TIMEOUT, PASSWORD

from harness import IssuerProcess

RATE_LIMIT = 3


@pytest.fixture(scope="module")
def limited() -> Iterator[IssuerProcess]:
    issuer = IssuerProcess(AUTH_RATE_LIMIT_MAX=str(RATE_LIMIT)).start()
    try:
        yield issuer
    finally:
        issuer.cleanup()


@pytest.fixture(scope="module")
def production() -> Iterator[IssuerProcess]:
    """As deployed: NODE_ENV=production and an https origin (served here over plain HTTP)."""
    issuer = IssuerProcess(scheme="https", NODE_ENV="production").start()
    try:
        yield issuer
    finally:
        issuer.cleanup()


def client_for(issuer: IssuerProcess, origin: str | None = None) -> httpx.Client:
    headers = {"Origin": origin or issuer.origin}
    return httpx.Client(base_url=issuer.url, headers=headers, timeout=HTTP_TIMEOUT)


def new_email() -> str:
    return f"{secrets.token_hex(6)}@example.com"


def sign_up_body(password: str = PASSWORD, email: str | None = None) -> dict[str, str]:
    return {"name": "Security Test", "email": email or new_email(), "password": password}


def test_sign_in_is_rate_limited(limited: IssuerProcess) -> None:
    with client_for(limited) as client:
        statuses = [
            client.post(
                "/api/auth/sign-in/email", json={"email": new_email(), "password": "wrong password"}
            ).status_code
            for _ in range(RATE_LIMIT + 2)
        ]
    assert statuses[:RATE_LIMIT] == [401] * RATE_LIMIT
    assert statuses[RATE_LIMIT:] == [429, 429]


def test_sign_up_is_rate_limited(limited: IssuerProcess) -> None:
    with client_for(limited) as client:
        responses = [
            client.post("/api/auth/sign-up/email", json=sign_up_body())
            for _ in range(RATE_LIMIT + 1)
        ]
    assert [r.status_code for r in responses] == [200] * RATE_LIMIT + [429]
    assert responses[-1].headers.get("X-Retry-After")


@pytest.mark.parametrize(
    "origin",
    ["http://evil.example", "null", "https://localhost.evil.example"],
    ids=["foreign", "null", "lookalike"],
)
def test_a_post_from_a_foreign_origin_is_refused(production: IssuerProcess, origin: str) -> None:
    email = new_email()
    with client_for(production, origin) as client:
        signed_up = client.post("/api/auth/sign-up/email", json=sign_up_body(email=email))
        assert signed_up.status_code == 403, signed_up.text
        assert "set-cookie" not in signed_up.headers
        signed_in = client.post(
            "/api/auth/sign-in/email", json={"email": email, "password": PASSWORD}
        )
        assert signed_in.status_code == 403
    with client_for(production) as client:  # nothing was created by the refused request
        assert (
            client.post(
                "/api/auth/sign-in/email", json={"email": email, "password": PASSWORD}
            ).status_code
            == 401
        )


def test_a_cookie_authenticated_post_from_a_foreign_origin_is_refused(
    production: IssuerProcess,
) -> None:
    with client_for(production) as client:
        signed_up = client.post("/api/auth/sign-up/email", json=sign_up_body())
        assert signed_up.status_code == 200
        cookie = "; ".join(c.split(";", 1)[0] for c in signed_up.headers.get_list("set-cookie"))
    with client_for(production, "http://evil.example") as client:
        signed_out = client.post("/api/auth/sign-out", headers={"Cookie": cookie})
        assert signed_out.status_code == 403


def test_production_cookies_are_secure_httponly_samesite(production: IssuerProcess) -> None:
    with client_for(production) as client:
        response = client.post("/api/auth/sign-up/email", json=sign_up_body())
    assert response.status_code == 200, response.text
    cookies = response.headers.get_list("set-cookie")
    session = [c for c in cookies if "session_token" in c]
    assert session, cookies
    for cookie in session:
        attributes = {part.strip().split("=", 1)[0].lower() for part in cookie.split(";")[1:]}
        assert {"secure", "httponly", "samesite"} <= attributes, cookie
        assert "samesite=none" not in cookie.lower()
        assert cookie.startswith("__Secure-"), cookie


@pytest.mark.parametrize(
    ("length", "status"),
    [(7, 400), (8, 200), (128, 200), (129, 400)],
    ids=["7-refused", "8-accepted", "128-accepted", "129-refused"],
)
def test_password_length_bounds(production: IssuerProcess, length: int, status: int) -> None:
    password = ("pw-" + secrets.token_hex(80))[:length]
    email = new_email()
    with client_for(production) as client:
        response = client.post("/api/auth/sign-up/email", json=sign_up_body(password, email))
        assert response.status_code == status, response.text
        signed_in = client.post(
            "/api/auth/sign-in/email", json={"email": email, "password": password}
        )
        # Accepted: the account works. Refused: no account was created.
        assert (
            signed_in.status_code == 200 if status == 200 else signed_in.status_code in (400, 401)
        )
