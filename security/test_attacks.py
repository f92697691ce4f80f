"""Every rule of DESIGN section 3, one named attack each, against the running backend of each auth
mode, with tokens from the real Better Auth issuer (or its real key, for claims it never signs)."""

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from test_support.tokens import DROP, b64url, b64url_json

from conftest import Stack
from harness import FIGURES, REASONS_SEEN, bearer, remember


@dataclass
class Attack:
    name: str
    build: Callable[[Stack], dict[str, Any]]  # keyword arguments of httpx.Client.request
    status: int = 401
    reason: str | None = None  # the reason class the 401 body must name
    modes: tuple[str, ...] = ("jwks", "shared-secret")
    token_of: Callable[[Stack], str] | None = None  # the token the body must never echo
    extra: dict[str, Any] = field(default_factory=dict)


def tasks_of(stack: Stack, user: str | None = None) -> str:
    return f"/api/{user or stack.alice.user_id}/tasks"


def with_token(token: Callable[[Stack], str], path: Callable[[Stack], str] = tasks_of) -> Any:
    def build(stack: Stack) -> dict[str, Any]:
        return {"method": "GET", "url": path(stack), "headers": bearer(token(stack))}

    return build


def with_header(value: Callable[[Stack], str]) -> Any:
    def build(stack: Stack) -> dict[str, Any]:
        return {"method": "GET", "url": tasks_of(stack), "headers": {"Authorization": value(stack)}}

    return build


def segments(token: str) -> list[str]:
    return token.split(".")


def reassemble(header: dict[str, Any], payload_segment: str, signature: str) -> str:
    return remember(f"{b64url(json.dumps(header).encode())}.{payload_segment}.{signature}")


def alg_none(stack: Stack, alg: str = "none", keep_signature: bool = False) -> str:
    header, payload, signature = segments(stack.alice_token)
    forged_header = {**b64url_json(header), "alg": alg}
    return reassemble(forged_header, payload, signature if keep_signature else "")


def hand_signed(
    header: dict[str, Any], claims: dict[str, Any], sign: Callable[[bytes], bytes]
) -> str:
    """A token signed by hand, for shapes PyJWT refuses to produce (e.g. HMAC keyed with a PEM)."""
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
    return remember(f"{signing_input}.{b64url(sign(signing_input.encode()))}")


def hs256_keyed_with(key: Callable[[Stack], bytes]) -> Callable[[Stack], str]:
    def token(stack: Stack) -> str:
        header = {"alg": "HS256", "kid": stack.kid} if stack.kid else {"alg": "HS256"}
        secret = key(stack)
        return hand_signed(
            header, stack.claims(), lambda data: hmac.new(secret, data, hashlib.sha256).digest()
        )

    return token


def public_pem(stack: Stack) -> bytes:
    public_key = stack.signing_key.public_key()
    pem: bytes = public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem


def public_x(stack: Stack) -> bytes:
    jwk = next(k for k in stack.issuer.jwks()["keys"] if k["kid"] == stack.kid)
    return str(jwk["x"]).encode()


def tamper_payload(**changes: Any) -> Callable[[Stack], str]:
    def token(stack: Stack) -> str:
        header, payload, signature = segments(stack.alice_token)
        claims = {
            **b64url_json(payload),
            **{k: v(stack) if callable(v) else v for k, v in changes.items()},
        }
        return remember(f"{header}.{b64url(json.dumps(claims).encode())}.{signature}")

    return token


def flip_signature(stack: Stack) -> str:
    header, payload, signature = segments(stack.alice_token)
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[0] ^= 0x01
    return remember(f"{header}.{payload}.{b64url(bytes(raw))}")


def signed(headers: dict[str, Any] | None = None, kid: Any = "default", **claims: Any) -> Any:
    def token(stack: Stack) -> str:
        values = {k: v() if callable(v) else v for k, v in claims.items()}
        return stack.sign(stack.claims(**values), headers=headers, kid=kid)

    return token


def now_plus(seconds: int) -> Callable[[], int]:
    return lambda: int(time.time()) + seconds


def alice_token(stack: Stack) -> str:
    return stack.alice_token


JWKS = ("jwks",)
SHARED = ("shared-secret",)

ATTACKS = [
    # Algorithms: allow-listed only, never none; each key bound to one algorithm.
    Attack("alg_none", with_token(alg_none), reason="malformed_token"),
    Attack(
        "alg_None_capitalised",
        with_token(lambda s: alg_none(s, "None", keep_signature=True)),
        reason="unsupported_algorithm",
    ),
    Attack(
        "alg_none_keeping_signature",
        with_token(lambda s: alg_none(s, keep_signature=True)),
        reason="unsupported_algorithm",
    ),
    Attack(
        "hs256_keyed_with_public_key_pem",
        with_token(hs256_keyed_with(public_pem)),
        reason="unsupported_algorithm",
        modes=JWKS,
    ),
    Attack(
        "hs256_keyed_with_public_key_jwk_x",
        with_token(hs256_keyed_with(public_x)),
        reason="unsupported_algorithm",
        modes=JWKS,
    ),
    Attack(
        "hs256_keyed_with_better_auth_secret",
        with_token(hs256_keyed_with(lambda s: s.issuer.env["BETTER_AUTH_SECRET"].encode())),
        modes=JWKS,
        reason="unsupported_algorithm",
    ),
    Attack(
        "hs256_keyed_with_better_auth_secret",
        with_token(hs256_keyed_with(lambda s: s.issuer.env["BETTER_AUTH_SECRET"].encode())),
        modes=SHARED,
        reason="invalid_signature",
    ),
    Attack(
        "hs384_keyed_with_shared_secret",
        with_token(lambda s: remember(jwt.encode(s.claims(), s.signing_key, algorithm="HS384"))),
        modes=SHARED,
        reason="unsupported_algorithm",
    ),
    Attack(
        "token_of_the_other_mode",
        with_token(lambda s: s.extra["foreign_token"]),
        reason="unsupported_algorithm",
    ),
    # Signature.
    Attack(
        "tampered_payload_sub",
        with_token(
            tamper_payload(sub=lambda s: s.bob.user_id), lambda s: tasks_of(s, s.bob.user_id)
        ),
        reason="invalid_signature",
    ),
    Attack(
        "tampered_payload_exp",
        with_token(tamper_payload(exp=lambda s: int(time.time()) + 10**6)),
        reason="invalid_signature",
    ),
    Attack("tampered_signature", with_token(flip_signature), reason="invalid_signature"),
    Attack(
        "signature_stripped",
        with_token(lambda s: remember(s.alice_token.rsplit(".", 1)[0] + ".")),
        reason="malformed_token",
    ),
    # Lifetime: exp required and enforced, iat/nbf further ahead than the leeway refused.
    Attack(
        "expired_real_token", with_token(lambda s: s.wait_for_expired_token()), reason="expired"
    ),
    Attack(
        "expired_resigned",
        with_token(signed(iat=now_plus(-3600), exp=now_plus(-120))),
        reason="expired",
    ),
    Attack("exp_beyond_any_date", with_token(signed(exp=10**400)), reason="invalid_claim"),
    Attack(
        "iat_ahead",
        with_token(signed(iat=now_plus(300), exp=now_plus(1200))),
        reason="not_yet_valid",
    ),
    Attack("nbf_ahead", with_token(signed(nbf=now_plus(300))), reason="not_yet_valid"),
    # Issuer and audience.
    Attack("wrong_iss", with_token(signed(iss="http://localhost:3999")), reason="invalid_issuer"),
    Attack("wrong_aud", with_token(signed(aud="http://localhost:3999")), reason="invalid_audience"),
    Attack(
        "aud_list_without_us",
        with_token(signed(aud=["http://localhost:3999", "tasks"])),
        reason="invalid_audience",
    ),
    Attack(
        "foreign_key_with_the_real_kid",
        with_token(
            lambda s: remember(
                jwt.encode(
                    s.claims(),
                    Ed25519PrivateKey.generate(),
                    algorithm="EdDSA",
                    headers={"kid": s.kid},
                )
            )
        ),
        reason="invalid_signature",
        modes=JWKS,
    ),
    # Required claims.
    *[
        Attack(f"missing_{claim}", with_token(signed(**{claim: DROP})), reason="missing_claim")
        for claim in ("sub", "exp", "iat", "iss", "aud")
    ],
    Attack("sub_empty", with_token(signed(sub="")), reason="invalid_claim"),
    Attack("sub_not_a_string", with_token(signed(sub=12345)), reason="invalid_claim"),
    Attack("exp_not_a_number", with_token(signed(exp="tomorrow")), reason="malformed_token"),
    # Header rules.
    Attack(
        "crit_header", with_token(signed(headers={"crit": ["exp"], "exp": 1})), reason="crit_header"
    ),
    Attack("b64_false_header", with_token(signed(headers={"b64": False})), reason=None),
    Attack("missing_kid", with_token(signed(kid=None)), reason="missing_kid", modes=JWKS),
    Attack("unknown_kid", with_token(signed(kid="x" * 32)), reason="unknown_kid", modes=JWKS),
    Attack(
        "kid_not_a_string",
        with_token(
            lambda s: hand_signed({"alg": "EdDSA", "kid": 123}, s.claims(), s.signing_key.sign)
        ),
        reason="malformed_token",
        modes=JWKS,
    ),
    # Size: refused without parsing.
    Attack("oversized_token", with_token(signed(padding="A" * 9000)), reason="token_too_large"),
    Attack(
        "oversized_garbage", with_header(lambda s: "Bearer " + "A" * 9000), reason="token_too_large"
    ),
    # Where the token is read from: the Authorization header only, scheme Bearer.
    Attack(
        "token_in_query_string",
        lambda s: {"method": "GET", "url": tasks_of(s), "params": {"token": s.alice_token}},
        reason="missing_token",
        token_of=alice_token,
    ),
    Attack(
        "token_in_access_token_query",
        lambda s: {"method": "GET", "url": tasks_of(s), "params": {"access_token": s.alice_token}},
        reason="missing_token",
        token_of=alice_token,
    ),
    Attack(
        "token_in_cookie",
        lambda s: {
            "method": "GET",
            "url": tasks_of(s),
            "headers": {"Cookie": f"token={s.alice_token}"},
        },
        reason="missing_token",
        token_of=alice_token,
    ),
    Attack(
        "scheme_basic",
        with_header(lambda s: f"Basic {s.alice_token}"),
        reason="invalid_scheme",
        token_of=alice_token,
    ),
    Attack(
        "scheme_token",
        with_header(lambda s: f"Token {s.alice_token}"),
        reason="invalid_scheme",
        token_of=alice_token,
    ),
    Attack(
        "no_scheme",
        with_header(lambda s: s.alice_token),
        reason="invalid_scheme",
        token_of=alice_token,
    ),
    Attack("bearer_without_token", with_header(lambda s: "Bearer"), reason=None),
    Attack(
        "no_authorization_header",
        lambda s: {"method": "GET", "url": tasks_of(s)},
        reason="missing_token",
    ),
    Attack("garbage_token", with_header(lambda s: "Bearer not-a-jwt"), reason="malformed_token"),
    Attack(
        "two_segment_token",
        with_header(lambda s: "Bearer " + ".".join(s.alice_token.split(".")[:2])),
        reason="malformed_token",
    ),
    Attack(
        "header_not_json_object",
        with_token(
            lambda s: remember(
                f"{b64url(b'[1,2]')}.{segments(s.alice_token)[1]}.{segments(s.alice_token)[2]}"
            )
        ),
        reason="malformed_token",
    ),
    # Authorization: a valid token, but someone else's path or task.
    Attack(
        "path_user_mismatch",
        with_token(alice_token, lambda s: tasks_of(s, s.bob.user_id)),
        status=403,
    ),
    Attack(
        "foreign_task_read",
        lambda s: {
            "method": "GET",
            "url": f"{tasks_of(s, s.bob.user_id)}/{s.extra['alice_task']}",
            "headers": bearer(s.bob_token),
        },
        status=404,
    ),
    Attack(
        "foreign_task_update",
        lambda s: {
            "method": "PUT",
            "url": f"{tasks_of(s, s.bob.user_id)}/{s.extra['alice_task']}",
            "headers": bearer(s.bob_token),
            "json": {"title": "mine now"},
        },
        status=404,
    ),
    Attack(
        "foreign_task_toggle",
        lambda s: {
            "method": "PATCH",
            "url": f"{tasks_of(s, s.bob.user_id)}/{s.extra['alice_task']}/complete",
            "headers": bearer(s.bob_token),
        },
        status=404,
    ),
    Attack(
        "foreign_task_delete",
        lambda s: {
            "method": "DELETE",
            "url": f"{tasks_of(s, s.bob.user_id)}/{s.extra['alice_task']}",
            "headers": bearer(s.bob_token),
        },
        status=404,
    ),
    Attack(
        "missing_task_read",
        lambda s: {
            "method": "GET",
            "url": f"{tasks_of(s)}/{2**62}",
            "headers": bearer(s.alice_token),
        },
        status=404,
    ),
]

CASES = [
    pytest.param(mode, attack, id=f"{mode}-{attack.name}")
    for mode in ("jwks", "shared-secret")
    for attack in ATTACKS
    if mode in attack.modes
]


@pytest.fixture(scope="module")
def prepared(stacks: dict[str, Stack]) -> dict[str, Stack]:
    """Alice owns one task in each mode; positive controls prove the attacks are refused for
    what they change, not because the stack is broken."""
    for stack in stacks.values():
        with stack.backend.client() as client:
            created = client.post(
                tasks_of(stack),
                json={"title": "Alice's secret plans"},
                headers=bearer(stack.alice_token),
            )
            assert created.status_code == 201, created.text
            stack.extra["alice_task"] = created.json()["id"]
            stack.extra["alice_task_body"] = created.json()
            assert (
                client.get(
                    tasks_of(stack), headers={"Authorization": f"bearer {stack.alice_token}"}
                ).status_code
                == 200
            )
            assert (
                client.get(tasks_of(stack), headers=bearer(stack.sign(stack.claims()))).status_code
                == 200
            )
    return stacks


@pytest.mark.parametrize(("mode", "attack"), CASES)
def test_attack_is_refused(mode: str, attack: Attack, prepared: dict[str, Stack]) -> None:
    stack = prepared[mode]
    FIGURES["attack_cases"] += 1
    request = attack.build(stack)
    FIGURES["query_string_tokens"] += 1 if "params" in request else 0
    with stack.backend.client() as client:
        response = client.request(**request)
        assert response.status_code == attack.status, response.text
        if attack.status == 401:
            assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
            body = response.json()
            if attack.reason is not None:
                assert body["reason"] == attack.reason, body
            REASONS_SEEN.add(body["reason"])
            assert set(body) == {"detail", "reason"}
        sent = request.get("headers", {}).get("Authorization", "").removeprefix("Bearer ")
        for token in [sent, attack.token_of(stack) if attack.token_of else ""]:
            if len(token) >= 16:  # anything shorter is not a token ("Bearer", "not-a-jwt")
                assert token not in response.text, "the answer echoes the token"
        if attack.name.startswith("foreign_task"):
            unchanged = client.get(
                f"{tasks_of(stack)}/{stack.extra['alice_task']}", headers=bearer(stack.alice_token)
            )
            assert unchanged.json() == stack.extra["alice_task_body"], (
                "a refused request changed the task"
            )
    FIGURES["attacks_refused"] += 1


def test_the_genuine_token_still_works_after_the_attacks(prepared: dict[str, Stack]) -> None:
    for stack in prepared.values():
        with stack.backend.client() as client:
            listed = client.get(tasks_of(stack), headers=bearer(stack.alice_token))
            assert listed.status_code == 200
            assert [t["id"] for t in listed.json()["items"]] == [stack.extra["alice_task"]]


def test_a_flood_of_forged_kids_costs_at_most_one_jwks_fetch(prepared: dict[str, Stack]) -> None:
    stack = prepared["jwks"]
    before = len(stack.backend.events("jwks_refreshed")) + len(
        stack.backend.events("jwks_refresh_failed")
    )
    forged = [stack.sign(stack.claims(), kid=secrets.token_urlsafe(24)) for _ in range(40)]
    with httpx.Client(base_url=stack.backend.url, timeout=60) as client:
        statuses = {
            client.get(tasks_of(stack), headers=bearer(token)).status_code for token in forged
        }
    assert statuses == {401}
    after = len(stack.backend.events("jwks_refreshed")) + len(
        stack.backend.events("jwks_refresh_failed")
    )
    # One refetch per 10 s cooldown window at most (the earlier unknown_kid case may own the window).
    assert after - before <= 1
