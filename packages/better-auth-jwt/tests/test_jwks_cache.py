"""JwksCache on its own: single-flight, cooldown, TTL, failures, recovery, key binding."""

import asyncio
import logging

import httpx
import pytest
from test_support.tokens import JwksStub, SigningKey

from better_auth_jwt import JwksCache, KeysUnavailable, TokenError, parse_jwks


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_cache(stub: JwksStub, clock: FakeClock, **options) -> JwksCache:
    return JwksCache(
        stub.url, allowed_algorithms=["EdDSA"], transport=stub.transport, clock=clock, **options
    )


@pytest.fixture
def key() -> SigningKey:
    return SigningKey()


async def test_prefetch_then_serve_from_cache(key: SigningKey) -> None:
    stub, clock = JwksStub(key), FakeClock()
    cache = make_cache(stub, clock)
    await cache.start()
    for _ in range(20):
        assert (await cache.key_for(key.kid)).algorithm == "EdDSA"
    assert stub.hits == 1
    await cache.close()


async def test_concurrent_unknown_kids_share_one_fetch(key: SigningKey) -> None:
    stub, clock = JwksStub(key), FakeClock()
    cache = make_cache(stub, clock)
    await cache.refresh()
    clock.now += 60
    results = await asyncio.gather(
        *(cache.key_for(f"forged-{i}") for i in range(200)), return_exceptions=True
    )
    assert all(isinstance(r, TokenError) and r.reason == "unknown_kid" for r in results)
    assert stub.hits == 2
    # Within the cooldown window nothing more is fetched; after it, one more.
    clock.now += 5
    with pytest.raises(TokenError):
        await cache.key_for("forged-again")
    assert stub.hits == 2
    clock.now += 10
    with pytest.raises(TokenError):
        await cache.key_for("forged-later")
    assert stub.hits == 3
    await cache.close()


async def test_keys_are_refreshed_in_the_background_every_ttl(key: SigningKey) -> None:
    stub = JwksStub(key)
    cache = JwksCache(
        stub.url,
        allowed_algorithms=["EdDSA"],
        transport=stub.transport,
        ttl_seconds=0.05,
        cooldown_seconds=0.05,
    )
    await cache.start()
    rotated = SigningKey()
    stub.keys = [rotated]  # the old key is withdrawn: a refresh must drop it
    for _ in range(100):
        if stub.hits >= 3:
            break
        await asyncio.sleep(0.02)
    assert stub.hits >= 3
    assert (await cache.key_for(rotated.kid)).algorithm == "EdDSA"
    with pytest.raises(TokenError):
        await cache.key_for(key.kid)
    await cache.close()


async def test_failed_refresh_keeps_last_good_keys(key: SigningKey) -> None:
    stub, clock = JwksStub(key), FakeClock()
    cache = make_cache(stub, clock, ttl_seconds=300)
    await cache.refresh()
    stub.up = False
    clock.now += 1000
    for _ in range(3):
        assert await cache.key_for(key.kid)
        await asyncio.sleep(0)
    assert cache.has_keys
    await cache.close()


async def test_cold_start_with_issuer_down_then_recovery(key: SigningKey) -> None:
    stub, clock = JwksStub(key), FakeClock()
    stub.up = False
    cache = make_cache(stub, clock, cooldown_seconds=10)
    await cache.refresh()
    with pytest.raises(KeysUnavailable):
        await cache.key_for(key.kid)
    hits = stub.hits
    for _ in range(10):  # a burst within the cooldown does not hammer the issuer
        with pytest.raises(KeysUnavailable):
            await cache.key_for(key.kid)
    assert stub.hits == hits
    stub.up = True
    clock.now += 10
    assert (await cache.key_for(key.kid)).algorithm == "EdDSA"
    await cache.close()


async def test_background_refresher_recovers_without_requests(key: SigningKey) -> None:
    stub = JwksStub(key)
    stub.up = False
    cache = JwksCache(
        stub.url, allowed_algorithms=["EdDSA"], transport=stub.transport, cooldown_seconds=0.05
    )
    await cache.start()
    assert not cache.has_keys
    stub.up = True
    for _ in range(100):
        if cache.has_keys:
            break
        await asyncio.sleep(0.02)
    assert cache.has_keys
    await cache.close()


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(500),
        httpx.Response(404, json={"keys": []}),
        httpx.Response(200, text="<html>not json</html>"),
        httpx.Response(200, json=["not", "a", "set"]),
        httpx.Response(200, json={"keys": []}),
        httpx.Response(200, json={"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": "x"}]}),
        httpx.Response(200, content=b'{"keys": [' + b'{"kty": "OKP"},' * 40000 + b"{}]}"),
        httpx.Response(302, headers={"Location": "http://evil.example/jwks"}),
    ],
)
async def test_bad_jwks_responses_are_not_trusted(response: httpx.Response) -> None:
    cache = JwksCache(
        "http://issuer.test/jwks",
        allowed_algorithms=["EdDSA"],
        transport=httpx.MockTransport(lambda request: response),
    )
    await cache.refresh()
    assert not cache.has_keys
    with pytest.raises(KeysUnavailable):
        await cache.key_for("any")
    await cache.close()


def test_parse_binds_each_key_to_one_algorithm(key: SigningKey) -> None:
    without_alg = {k: v for k, v in key.public_jwk.items() if k != "alg"} | {"kid": "no-alg"}
    encryption = key.public_jwk | {"kid": "enc", "use": "enc"}
    es256_declared = key.public_jwk | {"kid": "lying", "alg": "ES256"}
    no_kid = {k: v for k, v in key.public_jwk.items() if k != "kid"}
    document = {"keys": [key.public_jwk, without_alg, encryption, es256_declared, no_kid, "junk"]}
    keys = parse_jwks(document, frozenset({"EdDSA"}))
    assert set(keys) == {key.kid, "no-alg"}
    assert {k.algorithm for k in keys.values()} == {"EdDSA"}


def test_parse_skips_keys_of_algorithms_not_allowed(key: SigningKey) -> None:
    assert parse_jwks({"keys": [key.public_jwk]}, frozenset({"ES256"})) == {}
    rsa = {"kty": "RSA", "kid": "r", "n": "AQAB", "e": "AQAB"}
    assert parse_jwks({"keys": [rsa]}, frozenset({"RS256"})) == {}  # unusable key material


class TestStartingBeforeTheIssuer:
    """The backend often starts before the frontend: a retry, not an alarm (issue 12 section 4)."""

    async def test_waiting_for_an_issuer_that_is_starting_is_info_not_a_warning(
        self, key: SigningKey, caplog: pytest.LogCaptureFixture
    ) -> None:
        stub, clock = JwksStub(key), FakeClock()
        stub.up = False
        cache = make_cache(stub, clock)
        with caplog.at_level(logging.INFO, logger="better_auth_jwt"):
            await cache.refresh()
            clock.now += 59
            await cache.refresh()
        assert [r.getMessage() for r in caplog.records] == ["jwks_waiting_for_issuer"] * 2
        assert all(r.levelno == logging.INFO for r in caplog.records)
        await cache.close()

    async def test_an_issuer_still_down_after_a_minute_is_a_warning(
        self, key: SigningKey, caplog: pytest.LogCaptureFixture
    ) -> None:
        stub, clock = JwksStub(key), FakeClock()
        stub.up = False
        cache = make_cache(stub, clock)
        await cache.refresh()
        clock.now += 60
        with caplog.at_level(logging.INFO, logger="better_auth_jwt"):
            await cache.refresh()
        (record,) = caplog.records
        assert (record.getMessage(), record.levelno) == ("jwks_refresh_failed", logging.WARNING)
        assert record.__dict__["keys_cached"] is False
        await cache.close()

    async def test_a_failure_after_keys_were_obtained_is_a_warning_at_once(
        self, key: SigningKey, caplog: pytest.LogCaptureFixture
    ) -> None:
        stub, clock = JwksStub(key), FakeClock()
        cache = make_cache(stub, clock)
        await cache.refresh()
        stub.up = False
        clock.now += 1
        with caplog.at_level(logging.INFO, logger="better_auth_jwt"):
            await cache.refresh()
        (record,) = caplog.records
        assert (record.getMessage(), record.levelno) == ("jwks_refresh_failed", logging.WARNING)
        assert record.__dict__["keys_cached"] is True
        await cache.close()

    async def test_the_keys_arrive_soon_after_the_issuer_without_any_request(
        self, key: SigningKey
    ) -> None:
        stub = JwksStub(key)
        stub.up = False
        cache = JwksCache(stub.url, allowed_algorithms=["EdDSA"], transport=stub.transport)
        await cache.start()  # the default cooldown (10 s): the first retries come sooner
        stub.up = True
        for _ in range(60):
            if cache.has_keys:
                break
            await asyncio.sleep(0.05)
        assert cache.has_keys, "no retry within 3 s of the issuer coming up"
        await cache.close()

    async def test_an_issuer_down_for_long_is_asked_at_most_once_per_cooldown(
        self, key: SigningKey
    ) -> None:
        stub = JwksStub(key)
        stub.up = False
        cache = JwksCache(
            stub.url, allowed_algorithms=["EdDSA"], transport=stub.transport, cooldown_seconds=0.1
        )
        await cache.start()
        await asyncio.sleep(1.0)
        # Backing off 0.1 s at most (the cooldown), and never faster than that once it is reached.
        assert 4 <= stub.hits <= 11
        await cache.close()
