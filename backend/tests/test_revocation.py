"""DESIGN section 9 in the backend: sid required, ended sessions refused, 503 until the revocations
are known, AUTH_REVOCATION=off, and the purge of deleted accounts (SQLite and Postgres)."""

import logging
import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from test_support.revocation_feed import FeedStub
from test_support.tokens import DROP, OTHER_USER_ID, USER_ID, TokenFactory

from app.accounts import purge_users
from tests.conftest import AppFactory, bearer
from tests.utils.tasks import create_task, insert_tasks, stored_tags

TASKS = f"/api/{USER_ID}/tasks"


def eventually(check: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.02)


def count_tasks(engine: Engine, user_id: str) -> int:
    with engine.connect() as connection:
        query = text("SELECT count(*) FROM tasks WHERE user_id = :user")
        return int(connection.execute(query, {"user": user_id}).scalar_one())


def test_a_token_without_sid_is_refused(auth_client: TestClient, tokens: TokenFactory) -> None:
    for sid in (DROP, "", "   ", 42):
        response = auth_client.get(TASKS, headers=bearer(tokens.mint(sid=sid)))
        assert response.status_code == 401, sid
        assert response.json()["reason"] in {"missing_claim", "invalid_claim"}


def test_a_token_of_an_ended_session_is_refused_also_when_remembered(
    auth_client: TestClient, tokens: TokenFactory, feed: FeedStub
) -> None:
    token, other = tokens.mint(sid="ended"), tokens.mint(sid="live")
    assert auth_client.get(TASKS, headers=bearer(token)).status_code == 200  # now remembered
    feed.revoke("ended")
    refused = eventually(lambda: auth_client.get(TASKS, headers=bearer(token)).status_code == 401)
    assert refused
    response = auth_client.get(TASKS, headers=bearer(token))
    assert response.json()["reason"] == "revoked"
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert auth_client.get(TASKS, headers=bearer(other)).status_code == 200


def test_nothing_is_served_until_the_revocations_are_known(
    make_client: AppFactory, sqlite_engine: Engine, tokens: TokenFactory, feed: FeedStub
) -> None:
    feed.up = False
    client = make_client(sqlite_engine)
    response = client.get(TASKS, headers=bearer(tokens.mint()))
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert client.get("/health").status_code == 200
    feed.up = True
    assert eventually(lambda: client.get(TASKS, headers=bearer(tokens.mint())).status_code == 200)


def test_an_outage_of_the_feed_keeps_serving_what_is_known(
    auth_client: TestClient, tokens: TokenFactory, feed: FeedStub
) -> None:
    feed.revoke("ended")
    assert eventually(
        lambda: auth_client.get(TASKS, headers=bearer(tokens.mint(sid="ended"))).status_code == 401
    )
    feed.up = False
    time.sleep(0.2)  # a few failed polls
    assert auth_client.get(TASKS, headers=bearer(tokens.mint(sid="live"))).status_code == 200
    assert auth_client.get(TASKS, headers=bearer(tokens.mint(sid="ended"))).status_code == 401


def test_revocation_off_needs_no_feed_and_no_sid(
    make_client: AppFactory,
    sqlite_engine: Engine,
    tokens: TokenFactory,
    feed: FeedStub,
    caplog: pytest.LogCaptureFixture,
) -> None:
    feed.up = False
    caplog.set_level(logging.WARNING, logger="better_auth_jwt")
    client = make_client(sqlite_engine, auth_revocation="off")
    assert client.get(TASKS, headers=bearer(tokens.mint(sid=DROP))).status_code == 200
    assert "revocation_off" in caplog.text
    assert feed.polls == []


def test_a_deleted_account_is_purged_and_others_are_kept(
    make_client: AppFactory, engine: Engine, feed: FeedStub, tokens: TokenFactory
) -> None:
    client = make_client(engine)
    for user in (USER_ID, OTHER_USER_ID):
        headers = bearer(tokens.mint(user))
        create_task(client, headers, user, title="tagged", tags=["home", "urgent"])
        create_task(client, headers, user, title="plain")
    feed.delete_user(USER_ID)
    assert eventually(lambda: count_tasks(engine, USER_ID) == 0)
    assert count_tasks(engine, OTHER_USER_ID) == 2
    # Tags go too (and with them, by cascade, their links to tasks).
    assert {user for user, _ in stored_tags(engine)} == {OTHER_USER_ID}
    with engine.connect() as connection:
        links = connection.execute(text("SELECT count(*) FROM task_tags")).scalar_one()
    assert links == 2


def test_a_purge_missed_while_down_happens_on_start(
    make_client: AppFactory, engine: Engine, feed: FeedStub
) -> None:
    insert_tasks(engine, USER_ID, 2)
    feed.delete_user(USER_ID)  # while no backend runs
    make_client(engine)
    # The first poll (from the beginning) ran in the lifespan, before any request is served.
    assert count_tasks(engine, USER_ID) == 0


def test_purging_is_idempotent(engine: Engine) -> None:
    insert_tasks(engine, USER_ID, 2)
    insert_tasks(engine, OTHER_USER_ID, 1)
    assert purge_users(engine, [USER_ID]) == 2
    assert purge_users(engine, [USER_ID]) == 0
    assert purge_users(engine, [USER_ID, "never-existed"]) == 0
    assert count_tasks(engine, OTHER_USER_ID) == 1


def test_purging_many_users_goes_in_batches(engine: Engine) -> None:
    insert_tasks(engine, USER_ID, 1)
    many = [f"gone-{n}" for n in range(1200)] + [USER_ID]
    assert purge_users(engine, many) == 1
