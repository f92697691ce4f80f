"""Verification cost per token: our TokenVerifier (and the whole dependency) vs the raw signature check.

Runs in-process on a fixed core. The floor is the `cryptography` package's own check on the same
key and the same bytes: Ed25519PublicKey.verify for EdDSA, HMAC-SHA256 + compare_digest for HS256.

`alternatives()` (run this file: `cd backend && uv run python ../bench/py/verify_cost.py`, add
`--with joserfc` to `uv run` to include it) sets a first sight beside other ways of checking the
same EdDSA token: PyJWT's `jwt.decode` alone, PyJWT's `PyJWS().decode_complete` (signature only),
and joserfc's `jwt.decode` + `JWTClaimsRegistry.validate`, the choice docs/BENCHMARKS.md explains.
"""

import asyncio
import base64
import hashlib
import hmac
import importlib.util
import secrets
import statistics
import sys
import time
import warnings
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import jwt
from better_auth_jwt import (
    AuthSettings,
    JwksCache,
    SharedSecretKey,
    TokenVerifier,
    get_current_user,
)
from starlette.requests import Request
from test_support.tokens import DROP, JwksStub, SigningKey, TokenFactory

ISSUER = "http://localhost:3000"
USER_ID = "bench-user-0000000000000000000001"


def _b64url_decode(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def _tokens(key: SigningKey) -> TokenFactory:
    return TokenFactory(key, issuer=ISSUER)


# Shaped like Better Auth's tokens with `definePayload` keeping id, email and name; no `sid`
# (these verifiers leave revocation off).
_PROFILE: dict[str, Any] = {"email": "bench@example.com", "name": "Bench User", "sid": DROP}


def _interleaved(
    operations: dict[str, Callable[[int], float]], number: int, repeat: int
) -> dict[str, list[float]]:
    """Nanoseconds per operation, one value per round; rounds alternate the operations so that
    load from other processes falls on all of them alike."""
    for run in operations.values():
        run(max(number // 10, 10))  # warm-up
    timings: dict[str, list[float]] = {name: [] for name in operations}
    for _ in range(repeat):
        for name, run in operations.items():
            timings[name].append(run(number) / number)
    return timings


def _spread_pct(values: list[float]) -> float:
    """Interquartile range as a percentage of the median: how noisy the rounds were."""
    if len(values) < 4:
        return 0.0
    q1, _, q3 = statistics.quantiles(values, n=4)
    return 100 * (q3 - q1) / statistics.median(values)


def _sync_loop(operation: Callable[[], object]) -> Callable[[int], float]:
    def run(number: int) -> float:
        start = time.perf_counter_ns()
        for _ in range(number):
            operation()
        return time.perf_counter_ns() - start

    return run


def _async_loop(
    loop: asyncio.AbstractEventLoop, operation: Callable[[], Awaitable[object]]
) -> Callable[[int], float]:
    async def many(number: int) -> float:
        start = time.perf_counter_ns()
        for _ in range(number):
            await operation()
        return time.perf_counter_ns() - start

    return lambda number: loop.run_until_complete(many(number))


def _request_with(token: str, verifier: TokenVerifier) -> Request:
    """A request as the app hands it to its dependencies: the token, and the app's verifier."""
    app = SimpleNamespace(state=SimpleNamespace(token_verifier=verifier))
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": "/",
            "headers": [(b"authorization", f"Bearer {token}".encode())],
            "app": app,
        }
    )


def measure(number: int, repeat: int) -> dict[str, Any]:
    loop = asyncio.new_event_loop()
    results: dict[str, Any] = {"number": number, "repeat": repeat}

    # EdDSA: a real JwksCache fed by an in-process JWKS endpoint, exactly as the app builds it.
    key = SigningKey()
    public_key = key.private_key.public_key()
    jwks = JwksStub(key)
    cache = JwksCache(jwks.url, allowed_algorithms=["EdDSA"], transport=jwks.transport)
    loop.run_until_complete(cache.refresh())
    secret = secrets.token_hex(32)

    def verifier(algorithm: str, cached_tokens: int) -> TokenVerifier:
        # cached_tokens=0: every call verifies in full, as for a token seen for the first time.
        return TokenVerifier(
            keys=cache if algorithm == "EdDSA" else SharedSecretKey(secret),
            algorithms=[algorithm],
            issuer=ISSUER,
            audience=ISSUER,
            leeway_seconds=30,
            require_kid=algorithm == "EdDSA",
            cached_tokens=cached_tokens,
        )

    tokens = {
        "EdDSA": _tokens(key).mint(USER_ID, **_PROFILE),
        "HS256": _tokens(key).mint_hs256(secret, USER_ID, **_PROFILE),
    }

    def raw_check(algorithm: str) -> Callable[[], object]:
        head, payload, signature = tokens[algorithm].split(".")
        message = f"{head}.{payload}".encode()
        sig = _b64url_decode(signature)
        if algorithm == "EdDSA":
            return lambda: public_key.verify(sig, message)
        key = secret.encode()
        return lambda: hmac.compare_digest(hmac.new(key, message, hashlib.sha256).digest(), sig)

    for algorithm, token in tokens.items():
        shipped = verifier(algorithm, AuthSettings().auth_verified_token_cache_size)
        uncached = verifier(algorithm, 0)

        async def full_dependency(token: str = token, verifier: TokenVerifier = shipped) -> object:
            request = _request_with(token, verifier)
            return await get_current_user(request)

        async def verify_cold(token: str = token, verifier: TokenVerifier = uncached) -> object:
            return await verifier.verify(token)

        async def verify_warm(token: str = token, verifier: TokenVerifier = shipped) -> object:
            return await verifier.verify(token)

        operations = {
            "raw": _sync_loop(raw_check(algorithm)),
            "verify_first": _async_loop(loop, verify_cold),
            "verify_repeat": _async_loop(loop, verify_warm),
            "dependency": _async_loop(loop, full_dependency),
        }
        timings = _interleaved(operations, number, repeat)
        entry: dict[str, float] = {
            f"{name}_us": statistics.median(t) / 1000 for name, t in timings.items()
        }
        # Ratios per round (the operations of one round ran back to back), then the median.
        for name in ("verify_first", "verify_repeat", "dependency"):
            entry[f"{name}_vs_raw"] = statistics.median(
                ours / raw for ours, raw in zip(timings[name], timings["raw"], strict=True)
            )
        entry["noise_raw_pct"] = _spread_pct(timings["raw"])
        results[algorithm] = entry
    loop.run_until_complete(cache.close())
    loop.close()
    return results


def _ratios(timings: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    return {
        name: {
            "us": statistics.median(t) / 1000,
            "vs_raw": statistics.median(a / b for a, b in zip(t, timings["raw"], strict=True)),
        }
        for name, t in timings.items()
    }


def alternatives(number: int, repeat: int) -> dict[str, dict[str, float]]:
    """A token seen for the first time, checked by each candidate, against the raw check."""
    loop = asyncio.new_event_loop()
    key = SigningKey()
    public_key = key.private_key.public_key()
    jwks = JwksStub(key)
    cache = JwksCache(jwks.url, allowed_algorithms=["EdDSA"], transport=jwks.transport)
    loop.run_until_complete(cache.refresh())
    ours = TokenVerifier(
        keys=cache,
        algorithms=["EdDSA"],
        issuer=ISSUER,
        audience=ISSUER,
        require_kid=True,
        cached_tokens=0,
    )
    token = _tokens(key).mint(USER_ID, **_PROFILE)
    head, payload, signature = token.split(".")
    message, sig = f"{head}.{payload}".encode(), _b64url_decode(signature)
    pyjwk = jwt.PyJWK(key.public_jwk, "EdDSA")
    pyjws = jwt.PyJWS()

    def pyjwt_decode() -> object:
        return jwt.decode(
            token,
            pyjwk,
            algorithms=["EdDSA"],
            issuer=ISSUER,
            audience=ISSUER,
            leeway=30,
            options={"require": ["sub", "exp", "iat", "iss", "aud"]},
        )

    async def ours_first_sight() -> object:
        return await ours.verify(token)

    operations = {
        "raw": _sync_loop(lambda: public_key.verify(sig, message)),
        "ours_first_sight": _async_loop(loop, ours_first_sight),
        "pyjwt_decode": _sync_loop(pyjwt_decode),
        "pyjws_decode_complete_signature_only": _sync_loop(
            lambda: pyjws.decode_complete(token, pyjwk, algorithms=["EdDSA"])
        ),
    }
    if importlib.util.find_spec("joserfc") is not None:
        from joserfc import jwt as joserfc_jwt  # type: ignore[import-not-found]
        from joserfc.jwk import OKPKey  # type: ignore[import-not-found]

        okp = OKPKey.import_key(key.public_jwk)
        essential = {"essential": True}
        registry = joserfc_jwt.JWTClaimsRegistry(
            leeway=30,
            iss={"essential": True, "value": ISSUER},
            aud={"essential": True, "value": ISSUER},
            sub=essential,
            exp=essential,
            iat=essential,
        )

        def joserfc_decode() -> object:
            decoded = joserfc_jwt.decode(token, okp, algorithms=["EdDSA"])
            registry.validate(decoded.claims)
            return decoded

        operations["joserfc_decode_and_validate"] = _sync_loop(joserfc_decode)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # joserfc: "EdDSA is deprecated via RFC 9864"
        timings = _interleaved(operations, number, repeat)
    loop.run_until_complete(cache.close())
    loop.close()
    return _ratios(timings)


if __name__ == "__main__":
    figures = alternatives(number=2000, repeat=15)
    for name, figure in figures.items():
        sys.stdout.write(f"{name:40s} {figure['us']:8.1f} us  {figure['vs_raw']:5.2f} x raw\n")
