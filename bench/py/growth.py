"""How list latency grows: a user with 10 → 100,000 tasks, and 1 → 10,000 other users in the table.

Rows are bulk-inserted with SQL straight into a migrated database; each point is the median latency
of `GET /api/{user_id}/tasks` (limit 50, default sort: newest first, plus `total`) through the app as
shipped; for the user's own tasks also filtered by a tag (every tenth task carries each of ten tags)
and by a due-date range of 30 days from the first task's due date (one task is due each day, so the
range matches the first 30 tasks: 10 at the first point, 30 from the second on), in-process, with
one valid token (shared-secret mode: no issuer needed; after its first verification the token is
served from the verifier's cache, so the handler and the database dominate). Beside them, the count
behind `total` on its own (the SQL statement, no HTTP), which is what a very large user pays for.
"""

import secrets
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, text
from test_support.tokens import DROP, SigningKey, TokenFactory

from app.application import create_app
from app.db import create_db_engine
from app.models import Tag, Task
from app.settings import Settings

USER_ID = "bench-growth-user-00000000000001"
ISSUER = "http://localhost:3000"
BATCH = 5_000
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
TAGS = 10
LIST = f"/api/{USER_ID}/tasks?limit=50"
BY_TAG = f"{LIST}&tag=tag-3"
DUE_FROM = _EPOCH.date()
BY_DUE_RANGE = f"{LIST}&due_from={DUE_FROM}&due_to={DUE_FROM + timedelta(days=29)}"


def _rows(user_id: str, start: int, count: int) -> Iterator[dict[str, Any]]:
    for n in range(start, start + count):
        created = _EPOCH + timedelta(seconds=n)
        yield {
            "user_id": user_id,
            "title": f"Task {n}",
            "description": None,
            "completed": n % 3 == 0,
            "priority": ("low", "medium", "high")[n % 3],
            "due_date": _EPOCH.date() + timedelta(days=n),
            "created_at": created,
            "updated_at": created,
        }


def _insert(engine: Engine, rows: Iterator[dict[str, Any]]) -> None:
    batch: list[dict[str, Any]] = []
    with engine.begin() as connection:
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                connection.execute(insert(Task.__table__), batch)  # type: ignore[attr-defined]
                batch = []
        if batch:
            connection.execute(insert(Task.__table__), batch)  # type: ignore[attr-defined]


def _tag_tasks(engine: Engine, user_id: str) -> None:
    """Gives the user's untagged tasks one of ten tags each (task id modulo ten)."""
    with engine.begin() as connection:
        has_tags = connection.execute(
            text("SELECT count(*) FROM tags WHERE user_id = :u"), {"u": user_id}
        ).scalar_one()
        if not has_tags:
            connection.execute(
                insert(Tag.__table__),  # type: ignore[attr-defined]
                [{"user_id": user_id, "name": f"tag-{n}", "key": f"tag-{n}"} for n in range(TAGS)],
            )
        connection.execute(
            text(
                "INSERT INTO task_tags (task_id, tag_id, position)"
                " SELECT t.id, g.id, 0 FROM tasks t JOIN tags g"
                " ON g.user_id = t.user_id AND g.key = 'tag-' || CAST(t.id % :n AS VARCHAR)"
                " WHERE t.user_id = :u"
                " AND NOT EXISTS (SELECT 1 FROM task_tags l WHERE l.task_id = t.id)"
            ),
            {"u": user_id, "n": TAGS},
        )


def _token(secret: str) -> str:
    # Only the registered claims (no profile, no `sid`: revocation is off), valid for the whole run.
    tokens = TokenFactory(SigningKey(), issuer=ISSUER)
    no_profile = {"id": DROP, "email": DROP, "name": DROP, "sid": DROP}
    return tokens.mint_hs256(secret, USER_ID, exp=int(time.time()) + 3600, **no_profile)


def _analyze(engine: Engine) -> None:
    """Fresh planner statistics (what autovacuum / a maintenance job keeps in a live database)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if engine.dialect.name == "postgresql":
            for table in ("tasks", "tags", "task_tags"):
                connection.execute(text(f"VACUUM ANALYZE {table}"))
        else:
            connection.execute(text("ANALYZE"))


def _latency_ms(client: TestClient, samples: int, url: str = LIST) -> float:
    for _ in range(max(samples // 5, 3)):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.text
    return statistics.median(times) * 1000


COUNT = text("SELECT count(*) FROM tasks WHERE user_id = :u")


def _count_ms(engine: Engine, samples: int) -> float:
    times = []
    with engine.connect() as connection:
        for _ in range(samples):
            start = time.perf_counter()
            connection.execute(COUNT, {"u": USER_ID}).scalar_one()
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure(
    database_url: str,
    own_counts: list[int],
    other_users: list[int],
    tasks_per_other: int,
    samples: int,
) -> dict[str, Any]:
    """`database_url` must point to an empty, migrated database."""
    engine = create_db_engine(database_url)
    secret = secrets.token_hex(32)
    settings = Settings(
        database_url=database_url,
        auth_mode="shared-secret",
        jwt_secret=secret,
        better_auth_url=ISSUER,
        # In process, with tokens minted here: no issuer and so no revocation feed to poll.
        auth_revocation="off",
    )
    app = create_app(settings, engine=engine)
    results: dict[str, Any] = {"own": [], "others": [], "tasks_per_other_user": tasks_per_other}
    with TestClient(app, headers={"Authorization": f"Bearer {_token(secret)}"}) as client:
        have = 0
        for count in own_counts:
            _insert(engine, _rows(USER_ID, have, count - have))
            _tag_tasks(engine, USER_ID)
            _analyze(engine)
            have = count
            results["own"].append(
                {
                    "tasks": count,
                    "p50_ms": _latency_ms(client, samples),
                    "by_tag_p50_ms": _latency_ms(client, samples, BY_TAG),
                    "by_due_range_p50_ms": _latency_ms(client, samples, BY_DUE_RANGE),
                    "count_p50_ms": _count_ms(engine, samples),
                }
            )
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM task_tags"))
            connection.execute(text("DELETE FROM tags"))
            connection.execute(text("DELETE FROM tasks"))
        _insert(engine, _rows(USER_ID, 0, 50))
        _analyze(engine)  # and VACUUM on Postgres: no dead rows left from the first series
        users = 0
        for count in other_users:
            _insert(engine, _other_rows(users, count, tasks_per_other))
            _analyze(engine)
            users = count
            results["others"].append(
                {
                    "other_users": count,
                    "other_tasks": count * tasks_per_other,
                    "p50_ms": _latency_ms(client, samples),
                }
            )
    engine.dispose()
    return results


def _other_rows(start: int, end: int, per_user: int) -> Iterator[dict[str, Any]]:
    for n in range(start, end):
        yield from _rows(f"bench-other-user-{n:08d}", n * per_user, per_user)


def insert_rows(database_url: str, user_id: str, tasks: int, *, other_users: int) -> None:
    """Seeds a database: `tasks` for the user, and 10 each for `other_users` other users."""
    engine = create_db_engine(database_url)
    _insert(engine, _rows(user_id, 0, tasks))
    _insert(engine, _other_rows(0, other_users, 10))
    engine.dispose()
