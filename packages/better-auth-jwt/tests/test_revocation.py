"""The revocation set and the feed poller (DESIGN section 9), against a feed the test controls.

The feed stub answers like the frontend's plugin (frontend/lib/server/revocation-feed.ts): one JWT
signed with a locally generated Ed25519 key, echoing the poll's `since` and `nonce`.
"""

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from test_support.revocation_feed import FeedStub
from test_support.tokens import ISSUER

from better_auth_jwt import RevocationsUnknown, TokenError, VerificationKey
from better_auth_jwt.revocation import RevocationFeed, RevocationSet

FEED_URL = f"{ISSUER}/api/auth/revocations"
RETENTION = 3660.0


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class OneKey:
    """The issuer's key, as a KeyResolver gives it."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self.key = VerificationKey(private.public_key(), "EdDSA")

    async def key_for(self, kid: str | None) -> VerificationKey:
        return self.key


class Purges:
    """The application's handler of deleted users; `failure` is what it raises, if anything."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.failure: Exception | None = None

    async def __call__(self, user_ids: list[str]) -> None:
        if self.failure is not None:
            raise self.failure
        self.calls.append(user_ids)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def stub(clock: Clock) -> FeedStub:
    return FeedStub(clock)


def make_feed(
    stub: FeedStub, clock: Callable[[], float], purges: Purges | None = None, **kwargs: Any
) -> RevocationFeed:
    return RevocationFeed(
        FEED_URL,
        keys=OneKey(stub.key),
        algorithms=["EdDSA"],
        issuer=ISSUER,
        revoked=RevocationSet(RETENTION, clock),
        on_deleted_users=purges,
        transport=stub.transport,
        clock=clock,
        **kwargs,
    )


def make_background_feed(
    stub: FeedStub, purges: Purges | None = None, *, interval_seconds: float
) -> RevocationFeed:
    """A feed whose poller runs by itself: on the real clock, the stub's too."""
    stub.clock = time.time
    return make_feed(stub, time.time, purges, interval_seconds=interval_seconds)


# -- the set -------------------------------------------------------------------------------------


def test_an_entry_lives_until_every_token_of_its_session_has_expired(clock: Clock) -> None:
    revoked = RevocationSet(RETENTION, clock)
    revoked.add("s1", clock.now)
    assert "s1" in revoked
    clock.now += RETENTION - 1
    assert revoked.prune() == 0
    assert "s1" in revoked
    clock.now += 1
    assert revoked.prune() == 1
    assert "s1" not in revoked
    assert len(revoked) == 0


def test_memory_is_bounded_by_the_sessions_ended_within_the_retention(clock: Clock) -> None:
    revoked = RevocationSet(RETENTION, clock)
    for second in range(10_000):
        clock.now += 1
        revoked.add(f"s{second}", clock.now)
        revoked.prune()
    # One a second for 10,000 s, each kept 3,660 s: never more than the last 3,660.
    assert len(revoked) == RETENTION
    assert "s0" not in revoked
    assert "s9999" in revoked


def test_an_entry_already_past_its_retention_is_not_added(clock: Clock) -> None:
    revoked = RevocationSet(RETENTION, clock)
    revoked.add("old", clock.now - RETENTION - 1)
    assert "old" not in revoked
    assert len(revoked) == 0


def test_adding_the_same_session_twice_keeps_one_entry_and_the_later_expiry(clock: Clock) -> None:
    revoked = RevocationSet(RETENTION, clock)
    revoked.add("s1", clock.now - 100)
    revoked.add("s1", clock.now)
    revoked.add("s1", clock.now - 50)
    assert len(revoked) == 1
    clock.now += RETENTION - 50
    revoked.prune()
    assert "s1" in revoked


# -- the poller ----------------------------------------------------------------------------------


async def test_nothing_is_served_before_the_current_revocations_are_known(
    stub: FeedStub, clock: Clock
) -> None:
    stub.up = False
    feed = make_feed(stub, clock)
    assert not await feed.poll()
    with pytest.raises(RevocationsUnknown):
        feed.check("any-session")
    stub.up = True
    assert await feed.poll()
    feed.check("any-session")
    await feed.close()


async def test_a_revoked_session_is_refused_and_others_are_served(
    stub: FeedStub, clock: Clock
) -> None:
    stub.sessions.append(("ended", clock.now - 10))
    feed = make_feed(stub, clock)
    assert await feed.poll()
    with pytest.raises(TokenError) as refused:
        feed.check("ended")
    assert refused.value.reason == "revoked"
    feed.check("live")
    await feed.close()


async def test_the_full_set_on_start_then_only_what_is_new_from_the_cursor(
    stub: FeedStub, clock: Clock
) -> None:
    stub.page_size = 2
    stub.sessions += [("a", clock.now - 30), ("b", clock.now - 20), ("c", clock.now - 10)]
    feed = make_feed(stub, clock)
    assert await feed.poll()
    assert [p["since"] for p in stub.polls] == ["0", str(int((clock.now - 20) * 1000))]
    assert {"a", "b", "c"} <= {sid for sid, _ in stub.sessions if sid in feed.revoked}

    clock.now += 1
    stub.sessions.append(("d", clock.now))
    assert await feed.poll()
    assert "d" in feed.revoked
    # The next poll starts a few seconds back from the previous answer's time, not from 0.
    assert int(stub.polls[-1]["since"]) == int((clock.now - 1) * 1000) - 5000
    await feed.close()


async def test_an_outage_keeps_what_is_known_and_catches_up_afterwards(
    stub: FeedStub, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    stub.sessions.append(("before", clock.now))
    feed = make_feed(stub, clock)
    assert await feed.poll()

    stub.up = False
    clock.now += 1
    stub.sessions.append(("during", clock.now))
    for _ in range(5):
        clock.now += 1
        assert not await feed.poll()
    assert "revocation_feed_unreachable" in caplog.text
    assert caplog.text.count("revocation_feed_unreachable") == 1  # logged once, not every second
    feed.check("still-served")  # no 503: what was known stays in force
    assert "before" in feed.revoked

    stub.up = True
    assert await feed.poll()
    assert "during" in feed.revoked
    assert "revocation_feed_recovered" in caplog.text
    await feed.close()


async def test_a_restart_knows_nothing_until_the_feed_has_answered_again(
    stub: FeedStub, clock: Clock
) -> None:
    stub.sessions.append(("ended", clock.now))
    first = make_feed(stub, clock)
    assert await first.poll()
    await first.close()

    stub.up = False
    restarted = make_feed(stub, clock)
    assert not await restarted.poll()
    with pytest.raises(RevocationsUnknown):
        restarted.check("ended")
    stub.up = True
    assert await restarted.poll()
    with pytest.raises(TokenError):
        restarted.check("ended")
    await restarted.close()


async def test_entries_older_than_the_retention_are_dropped_after_a_poll(
    stub: FeedStub, clock: Clock
) -> None:
    stub.sessions.append(("s1", clock.now))
    feed = make_feed(stub, clock)
    assert await feed.poll()
    assert len(feed.revoked) == 1
    clock.now += RETENTION + 1
    stub.sessions.clear()  # the frontend prunes its table too
    assert await feed.poll()
    assert len(feed.revoked) == 0
    await feed.close()


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda c: {**c, "aud": ISSUER}, id="an access token's audience"),
        pytest.param(lambda c: {**c, "iss": "http://evil.example"}, id="another issuer"),
        pytest.param(lambda c: {**c, "iat": c["iat"] - 120}, id="an old message"),
        pytest.param(lambda c: {**c, "exp": c["iat"] - 1, "iat": c["iat"] - 61}, id="expired"),
        pytest.param(lambda c: {**c, "sessions": [["x", "soon"]]}, id="a malformed entry"),
        pytest.param(lambda c: {**c, "cursor": -1}, id="a cursor that goes back"),
        pytest.param(lambda c: {k: v for k, v in c.items() if k != "complete"}, id="no complete"),
    ],
)
async def test_a_message_that_is_not_a_fresh_answer_from_the_issuer_changes_nothing(
    stub: FeedStub, clock: Clock, tamper: Callable[[dict[str, Any]], dict[str, Any]]
) -> None:
    purges = Purges()
    stub.sessions.append(("victim", clock.now))
    stub.users.append(("deleted-user", clock.now))
    stub.tamper = tamper
    feed = make_feed(stub, clock, purges)
    assert not await feed.poll()
    assert "victim" not in feed.revoked
    assert purges.calls == []
    with pytest.raises(RevocationsUnknown):
        feed.check("victim")
    await feed.close()


async def test_a_message_signed_by_another_key_changes_nothing(
    stub: FeedStub, clock: Clock
) -> None:
    purges = Purges()
    stub.users.append(("victim-user", clock.now))
    stub.sign_with = Ed25519PrivateKey.generate()
    feed = make_feed(stub, clock, purges)
    assert not await feed.poll()
    assert purges.calls == []
    await feed.close()


async def test_a_replayed_answer_to_an_earlier_poll_is_refused(
    stub: FeedStub, clock: Clock
) -> None:
    feed = make_feed(stub, clock)
    assert await feed.poll()
    old_answer = stub.answers[-1]
    # A fresh poll answered with the earlier (authentic, still unexpired) message: e.g. to hide a
    # revocation made since.
    stub.sessions.append(("new", clock.now))
    replaying = RevocationFeed(
        FEED_URL,
        keys=OneKey(stub.key),
        algorithms=["EdDSA"],
        issuer=ISSUER,
        revoked=feed.revoked,
        transport=httpx.MockTransport(lambda request: old_answer),
        clock=clock,
    )
    assert not await replaying.poll()
    assert not replaying.known
    await feed.close()
    await replaying.close()


class DatabaseError(Exception):
    """Like a driver's error: not an OSError, and nothing the package knows of."""


@pytest.mark.parametrize("failure", [OSError("database is down"), DatabaseError("deadlock")])
async def test_deleted_users_are_purged_and_a_failed_purge_is_repeated(
    stub: FeedStub, clock: Clock, failure: Exception, caplog: pytest.LogCaptureFixture
) -> None:
    purges = Purges()
    stub.users.append(("gone", clock.now))
    purges.failure = failure
    feed = make_feed(stub, clock, purges)
    assert not await feed.poll()  # the cursor stays put: the next poll tries again
    assert not feed.known
    assert [getattr(r, "error", None) for r in caplog.records] == [type(failure).__name__]
    purges.failure = None
    assert await feed.poll()
    assert purges.calls == [["gone"]]
    await feed.close()


async def test_the_background_poller_outlives_a_failing_purge(stub: FeedStub) -> None:
    purges = Purges()
    feed = make_background_feed(stub, purges, interval_seconds=0.02)
    async with feed:
        purges.failure = DatabaseError("the database went away")
        stub.users.append(("gone", time.time()))
        await asyncio.sleep(0.1)  # several polls fail
        purges.failure = None
        stub.sessions.append(("ended later", time.time()))
        for _ in range(100):
            if "ended later" in feed.revoked and purges.calls:
                break
            await asyncio.sleep(0.02)
        assert purges.calls == [["gone"]]
        assert "ended later" in feed.revoked


async def test_the_poller_runs_in_the_background(stub: FeedStub) -> None:
    feed = make_background_feed(stub, interval_seconds=0.05)
    async with feed:
        assert feed.known
        stub.sessions.append(("later", time.time()))
        for _ in range(100):
            if "later" in feed.revoked:
                break
            await asyncio.sleep(0.02)
        assert "later" in feed.revoked
