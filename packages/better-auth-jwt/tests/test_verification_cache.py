"""The cache of verified tokens: what it remembers, for how long, and what voids an entry."""

import asyncio
import hashlib
import inspect
import time

import pytest
from test_support.tokens import ISSUER, USER_ID, JwksStub, SigningKey, TokenFactory

from better_auth_jwt import (
    JwksCache,
    SharedSecretKey,
    TokenError,
    TokenVerifier,
    VerifiedTokenCache,
    get_current_user,
    require_path_user,
)
from better_auth_jwt.verifier import token_digest

SECRET = "s" * 40


class FakeClock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def make_verifier(keys, *, hs256: bool = False, **options) -> TokenVerifier:
    return TokenVerifier(
        keys=keys,
        algorithms=["HS256"] if hs256 else ["EdDSA"],
        issuer=ISSUER,
        audience=ISSUER,
        leeway_seconds=30,
        require_kid=not hs256,
        **options,
    )


@pytest.fixture
async def jwks_keys(jwks: JwksStub):
    cache = JwksCache(jwks.url, allowed_algorithms=["EdDSA"], transport=jwks.transport)
    await cache.refresh()
    yield cache
    await cache.close()


async def test_a_token_sent_again_is_accepted_again(jwks_keys, tokens: TokenFactory) -> None:
    verifier = make_verifier(jwks_keys)
    token = tokens.mint()
    first = await verifier.verify(token)
    again = await verifier.verify(token)
    assert again == first
    assert again.subject == USER_ID
    assert len(verifier.remembered) == 1


async def test_the_cache_never_holds_a_token(jwks_keys, tokens: TokenFactory) -> None:
    verifier = make_verifier(jwks_keys)
    token = tokens.mint()
    await verifier.verify(token)
    assert token_digest(token) == hashlib.sha256(token.encode()).digest()
    assert token_digest(token) in verifier.remembered
    entry = verifier.remembered.get(token_digest(token))
    assert entry is not None
    for part in token.split("."):
        assert part not in repr(entry)


async def test_refused_tokens_are_not_remembered(jwks_keys, tokens: TokenFactory) -> None:
    verifier = make_verifier(jwks_keys)
    head, payload, _ = tokens.mint().split(".")
    forged = f"{head}.{payload}.{tokens.mint().split('.')[2][::-1]}"
    for _ in range(2):
        with pytest.raises(TokenError) as refused:
            await verifier.verify(forged)
        assert refused.value.reason in {"invalid_signature", "malformed_token"}
    assert len(verifier.remembered) == 0


async def test_a_tampered_copy_of_a_cached_token_is_refused(
    jwks_keys, tokens: TokenFactory
) -> None:
    verifier = make_verifier(jwks_keys)
    token = tokens.mint()
    await verifier.verify(token)
    head, payload, signature = token.split(".")
    other_payload = tokens.mint(sub="user_mallory_000000000000000000003").split(".")[1]
    with pytest.raises(TokenError) as refused:
        await verifier.verify(f"{head}.{other_payload}.{signature}")
    assert refused.value.reason == "invalid_signature"


async def test_an_expired_token_is_refused_although_it_was_cached(
    jwks_keys, tokens: TokenFactory
) -> None:
    verifier = TokenVerifier(
        keys=jwks_keys,
        algorithms=["EdDSA"],
        issuer=ISSUER,
        audience=ISSUER,
        leeway_seconds=0,
        require_kid=True,
    )
    token = tokens.mint(exp=int(time.time()) + 1)
    await verifier.verify(token)
    assert len(verifier.remembered) == 1
    await asyncio.sleep(max(0.0, int(time.time()) + 2 - time.time()))
    with pytest.raises(TokenError) as refused:
        await verifier.verify(token)
    assert refused.value.reason == "expired"
    assert len(verifier.remembered) == 0


async def test_a_token_inside_the_leeway_is_accepted_but_not_remembered(
    jwks_keys, tokens: TokenFactory
) -> None:
    verifier = make_verifier(jwks_keys)  # 30 s leeway
    now = int(time.time())
    token = tokens.mint(iat=now - 900, exp=now - 5)
    assert (await verifier.verify(token)).subject == USER_ID
    assert len(verifier.remembered) == 0


async def test_an_expiry_beyond_any_date_is_refused_not_a_500(
    jwks_keys, tokens: TokenFactory
) -> None:
    # Found by the security suite: float(exp) overflowed for a signed exp of 10**400 (a 500).
    verifier = make_verifier(jwks_keys)
    with pytest.raises(TokenError) as refused:
        await verifier.verify(tokens.mint(exp=10**400))
    assert refused.value.reason == "invalid_claim"
    assert len(verifier.remembered) == 0


async def test_a_key_no_longer_published_voids_its_cached_tokens(
    jwks: JwksStub, jwks_keys, tokens: TokenFactory
) -> None:
    verifier = make_verifier(jwks_keys)
    token = tokens.mint()
    await verifier.verify(token)
    jwks.keys = [SigningKey()]  # the issuer rotated and dropped the old key
    await jwks_keys.refresh()
    with pytest.raises(TokenError) as refused:
        await verifier.verify(token)
    assert refused.value.reason == "unknown_kid"
    assert len(verifier.remembered) == 0


async def test_a_refetched_key_set_with_the_same_key_still_accepts(
    jwks_keys, tokens: TokenFactory
) -> None:
    verifier = make_verifier(jwks_keys)
    token = tokens.mint()
    await verifier.verify(token)
    await jwks_keys.refresh()  # new key objects, same key
    assert (await verifier.verify(token)).subject == USER_ID
    assert len(verifier.remembered) == 1


async def test_shared_secret_tokens_are_cached_too(tokens: TokenFactory) -> None:
    verifier = make_verifier(SharedSecretKey(SECRET), hs256=True)
    token = tokens.mint_hs256(SECRET)
    assert (await verifier.verify(token)).subject == USER_ID
    assert (await verifier.verify(token)).subject == USER_ID
    assert len(verifier.remembered) == 1


async def test_size_zero_turns_the_cache_off(jwks_keys, tokens: TokenFactory) -> None:
    verifier = make_verifier(jwks_keys, cached_tokens=0)
    token = tokens.mint()
    await verifier.verify(token)
    assert (await verifier.verify(token)).subject == USER_ID
    assert len(verifier.remembered) == 0


async def test_the_cache_is_bounded_and_drops_the_least_recently_used(
    jwks_keys, tokens: TokenFactory
) -> None:
    verifier = make_verifier(jwks_keys, cached_tokens=2)
    first, second, third = (tokens.mint(sub=f"user_{n}") for n in range(3))
    await verifier.verify(first)
    await verifier.verify(second)
    await verifier.verify(first)  # first is now the most recently used
    await verifier.verify(third)
    assert len(verifier.remembered) == 2
    assert token_digest(first) in verifier.remembered
    assert token_digest(second) not in verifier.remembered
    assert token_digest(third) in verifier.remembered


def test_cache_entries_expire_by_the_clock(jwks_keys, tokens: TokenFactory) -> None:
    clock = FakeClock()
    cache = VerifiedTokenCache(10, clock)
    verifier = make_verifier(jwks_keys, clock=clock)
    token = tokens.mint()
    asyncio.run(verifier.verify(token))
    digest = token_digest(token)
    entry = verifier.remembered.get(digest)
    assert entry is not None
    cache.put(digest, entry)
    assert cache.get(digest) is entry
    clock.now = entry.expires_at
    assert cache.get(digest) is None
    assert len(cache) == 0
    cache.put(digest, entry)  # already expired: not stored
    assert len(cache) == 0


def test_auth_dependencies_run_on_the_event_loop() -> None:
    # A sync dependency is sent through the thread pool on every request; these do no I/O.
    for dependency in (get_current_user.__call__, require_path_user):
        assert inspect.iscoroutinefunction(dependency), dependency.__name__
