"""Property-based tests (Hypothesis) of Authorization-header and claim parsing, in-process.

Whatever the header, the token's JSON header or its claims (signed with the real key), the backend
answers 401 (with a known reason class) or success, 403 only for a valid token of another user,
and never a 500. SECURITY_FUZZ_EXAMPLES (default 150) sets the examples per property and mode."""

import hashlib
import hmac
import json
import os
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from better_auth_jwt import JwksCache, SharedSecretKey
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_support.migrations import migrate
from test_support.tokens import ISSUER, USER_ID, JwksStub, SigningKey, b64url

from app.application import create_app
from app.settings import Settings
from harness import FIGURES

EXAMPLES = int(os.environ.get("SECURITY_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
REASONS = {
    "missing_token",
    "invalid_scheme",
    "token_too_large",
    "malformed_token",
    "unsupported_algorithm",
    "crit_header",
    "missing_kid",
    "unknown_kid",
    "expired",
    "not_yet_valid",
    "invalid_issuer",
    "invalid_audience",
    "missing_claim",
    "invalid_signature",
    "invalid_claim",
}
PATH = f"/api/{USER_ID}/tasks"
SHARED_SECRET = secrets.token_hex(32)


@dataclass
class Target:
    mode: str
    client: TestClient
    alg: str
    kid: str | None
    sign: Callable[[bytes], bytes]

    def token(self, header: dict[str, Any], claims: dict[str, Any]) -> str:
        signing_input = (
            f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
        )
        return f"{signing_input}.{b64url(self.sign(signing_input.encode()))}"

    def genuine_header(self) -> dict[str, Any]:
        return {"alg": self.alg, "kid": self.kid} if self.kid else {"alg": self.alg, "typ": "JWT"}


def genuine_claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {"iat": now, "sub": USER_ID, "exp": now + 900, "iss": ISSUER, "aud": ISSUER}
    claims.update(overrides)
    return claims


@pytest.fixture(scope="module", params=["jwks", "shared-secret"])
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    with tempfile.TemporaryDirectory(prefix="security-fuzz-") as directory:
        url = f"sqlite:///{Path(directory) / 'app.db'}"
        migrate(url)
        if request.param == "jwks":
            key = SigningKey()
            stub = JwksStub(key)
            settings_ = Settings(_env_file=None, better_auth_url=ISSUER, database_url=url)
            keys: Any = JwksCache(stub.url, allowed_algorithms=["EdDSA"], transport=stub.transport)
            alg, kid = "EdDSA", key.kid
            sign: Callable[[bytes], bytes] = key.private_key.sign
        else:
            settings_ = Settings(
                _env_file=None,
                better_auth_url=ISSUER,
                database_url=url,
                auth_mode="shared-secret",
                jwt_secret=SHARED_SECRET,
            )
            keys = SharedSecretKey(SHARED_SECRET)
            alg, kid = "HS256", None

            def sign_hs256(data: bytes) -> bytes:
                return hmac.new(SHARED_SECRET.encode(), data, hashlib.sha256).digest()

            sign = sign_hs256

        app = create_app(settings_, keys=keys)
        with TestClient(app, raise_server_exceptions=False) as client:
            yield Target(request.param, client, alg, kid, sign)
        app.state.engine.dispose()


def check_refusal_or_success(response: Any) -> None:
    assert response.status_code != 500, response.text
    assert response.status_code in (200, 401, 403), response.text
    if response.status_code == 401:
        assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
        assert response.json()["reason"] in REASONS, response.text


# --- 1. the Authorization header itself ----------------------------------------------------------

header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=300)
base64url_text = st.text(
    st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
    max_size=120,
)
jws_shaped = st.lists(base64url_text, min_size=1, max_size=5).map(".".join)
schemes = st.sampled_from(["Bearer", "bearer", "BEARER", "Basic", "Token", "JWT", "", "Bearer\t"])


@st.composite
def authorization_values(draw: st.DrawFn, genuine: str) -> str:
    kind = draw(st.sampled_from(["text", "scheme+text", "scheme+jws", "mutated", "spliced"]))
    if kind == "text":
        value = draw(header_text)
    elif kind == "scheme+text":
        value = f"{draw(schemes)} {draw(header_text)}"
    elif kind == "scheme+jws":
        value = f"{draw(schemes)} {draw(jws_shaped)}"
    elif kind == "mutated":
        position = draw(st.integers(0, len(genuine) - 1))
        replacement = draw(
            st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=3)
        )
        value = f"Bearer {genuine[:position]}{replacement}{genuine[position + 1 :]}"
    else:
        parts = genuine.split(".")
        order = draw(st.permutations(range(3)))
        keep = draw(st.integers(1, 3))
        value = "Bearer " + ".".join(parts[i] for i in order[:keep])
    return value.strip()


def decoded_segments(token: str) -> list[bytes] | None:
    import base64

    try:
        return [base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)) for s in token.split(".")]
    except ValueError:
        return None


@FUZZ
@given(data=st.data())
def test_any_authorization_header_gets_401_or_success(target: Target, data: st.DataObject) -> None:
    genuine = target.token(target.genuine_header(), genuine_claims())
    value = data.draw(authorization_values(genuine))
    response = target.client.get(PATH, headers={"Authorization": value} if value else {})
    FIGURES["hypothesis_examples"] += 1
    check_refusal_or_success(response)
    if response.status_code == 200:
        # Only the genuine token is accepted (a base64url spelling of the very same bytes aside).
        sent = value.split(None, 1)[-1].strip()
        assert decoded_segments(sent) == decoded_segments(genuine), value


# --- 2. arbitrary JSON headers, signed with the real key ----------------------------------------

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def jose_headers(draw: st.DrawFn, target: Target) -> dict[str, Any]:
    header: dict[str, Any] = draw(st.dictionaries(st.text(max_size=12), json_values, max_size=5))
    for name, genuine in (("alg", target.alg), ("kid", target.kid)):
        choice = draw(st.sampled_from(["genuine", "absent", "arbitrary", "keep"]))
        if choice == "genuine" and genuine is not None:
            header[name] = genuine
        elif choice == "absent":
            header.pop(name, None)
        elif choice == "arbitrary":
            header[name] = draw(
                json_values | st.sampled_from(["none", "HS256", "EdDSA", "RS256", "ES256"])
            )
    for name in ("crit", "b64", "typ", "jku", "x5u", "jwk"):
        if draw(st.booleans()) and draw(st.booleans()):
            header[name] = draw(json_values)
    return header


@FUZZ
@given(data=st.data())
def test_any_signed_jose_header_gets_401_or_success(target: Target, data: st.DataObject) -> None:
    header = data.draw(jose_headers(target))
    response = target.client.get(
        PATH, headers={"Authorization": f"Bearer {target.token(header, genuine_claims())}"}
    )
    FIGURES["hypothesis_examples"] += 1
    check_refusal_or_success(response)
    if response.status_code == 200:
        assert header.get("alg") == target.alg and "crit" not in header and "b64" not in header
        if target.mode == "jwks":
            assert header.get("kid") == target.kid


# --- 3. arbitrary claims, signed with the real key ----------------------------------------------


@dataclass(frozen=True)
class FromNow:
    """A time claim drawn relative to the moment of the request (keeps generation repeatable)."""

    seconds: int


def resolve(claims: dict[str, Any]) -> dict[str, Any]:
    now = int(time.time())
    return {k: now + v.seconds if isinstance(v, FromNow) else v for k, v in claims.items()}


@st.composite
def claim_sets(draw: st.DrawFn) -> dict[str, Any]:
    # Times near now, and numbers no clock reaches (each once a 500 somewhere in some library).
    extreme = st.sampled_from([10**400, -(10**400), 2**63, 2**64, 1e308, -1e308, 0, "99999999999"])
    offsets = st.integers(-(10**6), 10**6).map(FromNow) | extreme
    genuine = {"iat": FromNow(0), "sub": USER_ID, "exp": FromNow(900), "iss": ISSUER, "aud": ISSUER}
    genuine["nbf"] = FromNow(-1)
    plausible = {
        "sub": st.sampled_from([USER_ID, "someone-else", ""]),
        "iat": offsets,
        "exp": offsets,
        "nbf": offsets,
        "iss": st.sampled_from([ISSUER, ISSUER + "/", "http://evil.example"]),
        "aud": st.sampled_from([ISSUER, [ISSUER], ["x", ISSUER], "tasks", []]),
    }
    claims: dict[str, Any] = {}
    for name, value in genuine.items():
        choice = draw(st.sampled_from(["genuine", "genuine", "absent", "plausible", "arbitrary"]))
        if choice == "genuine":
            claims[name] = value
        elif choice == "plausible":
            claims[name] = draw(plausible[name])
        elif choice == "arbitrary":
            claims[name] = draw(json_values)
    claims.update(draw(st.dictionaries(st.text(max_size=10), json_values, max_size=4)))
    return claims


@FUZZ
@given(drawn=claim_sets())
def test_any_signed_claims_get_401_or_success(target: Target, drawn: dict[str, Any]) -> None:
    claims = resolve(drawn)
    token = target.token(target.genuine_header(), claims)
    response = target.client.get(PATH, headers={"Authorization": f"Bearer {token}"})
    FIGURES["hypothesis_examples"] += 1
    check_refusal_or_success(response)
    if response.status_code in (200, 403):
        now = time.time()
        assert {"sub", "exp", "iat", "iss", "aud"} <= set(claims)
        assert claims["iss"] == ISSUER
        assert claims["exp"] > now - 60 and claims["iat"] < now + 60
        assert isinstance(claims["sub"], str) and claims["sub"]
        assert (claims["sub"] == USER_ID) == (response.status_code == 200)
