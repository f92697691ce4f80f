"""Reminders and recurring tasks (DESIGN section 10), on SQLite and Postgres: completing a recurring
task creates its next occurrence once, with calendar steps that clamp to the month's end."""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from test_support.tokens import OTHER_USER_ID, USER_ID, TokenFactory

from tests.conftest import bearer
from tests.utils.tasks import create_task, stored_state

TASKS = f"/api/{USER_ID}/tasks"
BOB_TASKS = f"/api/{OTHER_USER_ID}/tasks"


def complete(client: TestClient, headers: dict[str, str], task: dict) -> dict:
    response = client.patch(f"{TASKS}/{task['id']}/complete", headers=headers)
    assert response.status_code == 200, response.text
    body: dict = response.json()
    return body


def all_tasks(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    body = client.get(TASKS, params={"sort": "created", "order": "asc"}, headers=headers).json()
    items: list[dict[str, Any]] = body["items"]
    return items


def successors(client: TestClient, headers: dict[str, str], task: dict) -> list[dict]:
    return [t for t in all_tasks(client, headers) if t["id"] != task["id"]]


# --- remind_at ------------------------------------------------------------------------------


def test_remind_at_round_trips_as_utc(client: TestClient, alice: dict[str, str]) -> None:
    task = create_task(client, alice, USER_ID, remind_at="2026-05-01T09:30:00+02:00")
    assert datetime.fromisoformat(task["remind_at"]) == datetime.fromisoformat(
        "2026-05-01T07:30:00+00:00"
    )
    read = client.get(f"{TASKS}/{task['id']}", headers=alice).json()
    assert read["remind_at"] == task["remind_at"]
    moved = client.put(
        f"{TASKS}/{task['id']}", json={"remind_at": "2026-06-01T08:00:00Z"}, headers=alice
    ).json()
    assert datetime.fromisoformat(moved["remind_at"]).isoformat() == "2026-06-01T08:00:00+00:00"
    cleared = client.put(f"{TASKS}/{task['id']}", json={"remind_at": None}, headers=alice).json()
    assert cleared["remind_at"] is None
    assert create_task(client, alice, USER_ID)["remind_at"] is None


@pytest.mark.parametrize("value", ["2026-05-01T09:30:00", "2026-05-01", "soon", 1767225600])
def test_a_naive_or_invalid_remind_at_is_refused_and_writes_nothing(
    client: TestClient, alice: dict[str, str], engine: Engine, value: Any
) -> None:
    response = client.post(TASKS, json={"title": "x", "remind_at": value}, headers=alice)
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "remind_at"]]
    task = create_task(client, alice, USER_ID)
    before = stored_state(engine)
    response = client.put(f"{TASKS}/{task['id']}", json={"remind_at": value}, headers=alice)
    assert response.status_code == 422
    assert stored_state(engine) == before


# --- recurrence: input ----------------------------------------------------------------------


def test_recurrence_is_stored_and_returned(client: TestClient, alice: dict[str, str]) -> None:
    task = create_task(
        client, alice, USER_ID, due_date="2026-01-05", recurrence={"frequency": "weekly"}
    )
    assert task["recurrence"] == {"frequency": "weekly", "interval": 1}
    assert create_task(client, alice, USER_ID)["recurrence"] is None
    cleared = client.put(f"{TASKS}/{task['id']}", json={"recurrence": None}, headers=alice).json()
    assert cleared["recurrence"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"due_date": "2026-01-01", "recurrence": {"frequency": "hourly", "interval": 1}},
        {"due_date": "2026-01-01", "recurrence": {"frequency": "daily", "interval": 0}},
        {"due_date": "2026-01-01", "recurrence": {"frequency": "daily", "interval": 366}},
        {"due_date": "2026-01-01", "recurrence": {"interval": 2}},
        {"due_date": "2026-01-01", "recurrence": "weekly"},
        {"recurrence": {"frequency": "daily", "interval": 1}},  # no due date
        {"due_date": None, "recurrence": {"frequency": "daily", "interval": 1}},
        # Strict: nothing is converted, and nothing is silently left out.
        {"due_date": "2026-01-01", "recurrence": {"frequency": "daily", "interval": True}},
        {"due_date": "2026-01-01", "recurrence": {"frequency": "daily", "interval": "2"}},
        {"due_date": "2026-01-01", "recurrence": {"frequency": "daily", "interval": 2.0}},
        {"due_date": "2026-01-01", "recurrence": {"frequency": "daily", "until": "2026-06-01"}},
    ],
)
def test_create_with_invalid_recurrence_is_refused_and_writes_nothing(
    client: TestClient, alice: dict[str, str], engine: Engine, body: dict
) -> None:
    response = client.post(TASKS, json={"title": "x", **body}, headers=alice)
    assert response.status_code == 422
    assert all(e["loc"][:2] == ["body", "recurrence"] for e in response.json()["detail"])
    assert stored_state(engine)["tasks"] == []


@pytest.mark.parametrize(
    "recurrence",
    [
        {"frequency": "hourly"},
        {"frequency": "daily", "interval": 0},
        {"frequency": "daily", "interval": 366},
        {"frequency": "weekly", "interval": True},
        {"frequency": "weekly", "until": "2026-06-01"},
    ],
)
def test_update_with_invalid_recurrence_is_refused_and_writes_nothing(
    client: TestClient, alice: dict[str, str], engine: Engine, recurrence: dict
) -> None:
    task = create_task(
        client, alice, USER_ID, due_date="2026-01-01", recurrence={"frequency": "daily"}
    )
    before = stored_state(engine)
    response = client.put(
        f"{TASKS}/{task['id']}", json={"recurrence": recurrence, "priority": "high"}, headers=alice
    )
    assert response.status_code == 422
    assert all(e["loc"][:2] == ["body", "recurrence"] for e in response.json()["detail"])
    assert stored_state(engine) == before


def test_an_update_may_not_leave_a_recurring_task_without_due_date(
    client: TestClient, alice: dict[str, str], engine: Engine
) -> None:
    recurring = create_task(
        client, alice, USER_ID, due_date="2026-01-01", recurrence={"frequency": "daily"}
    )
    plain = create_task(client, alice, USER_ID)
    before = stored_state(engine)
    removed = client.put(f"{TASKS}/{recurring['id']}", json={"due_date": None}, headers=alice)
    assert removed.status_code == 422
    assert [e["loc"] for e in removed.json()["detail"]] == [["body", "due_date"]]
    added = client.put(
        f"{TASKS}/{plain['id']}", json={"recurrence": {"frequency": "daily"}}, headers=alice
    )
    assert added.status_code == 422
    assert [e["loc"] for e in added.json()["detail"]] == [["body", "recurrence"]]
    assert stored_state(engine) == before
    # Both at once are fine: recurrence and due date cleared together, or set together.
    both = client.put(
        f"{TASKS}/{recurring['id']}", json={"due_date": None, "recurrence": None}, headers=alice
    )
    assert both.status_code == 200
    both = client.put(
        f"{TASKS}/{plain['id']}",
        json={"due_date": "2026-02-01", "recurrence": {"frequency": "daily"}},
        headers=alice,
    )
    assert both.status_code == 200


# --- recurrence: the next occurrence --------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "interval", "due", "next_due"),
    [
        ("daily", 1, "2026-03-31", "2026-04-01"),
        ("daily", 3, "2026-12-30", "2027-01-02"),
        ("weekly", 1, "2026-03-02", "2026-03-09"),
        ("weekly", 2, "2026-12-24", "2027-01-07"),
        ("monthly", 1, "2026-01-15", "2026-02-15"),
        ("monthly", 1, "2026-01-31", "2026-02-28"),  # clamps to the month's last day
        ("monthly", 1, "2028-01-31", "2028-02-29"),  # a leap year's
        ("monthly", 3, "2026-11-30", "2027-02-28"),
        ("yearly", 1, "2028-02-29", "2029-02-28"),  # leap day
        ("yearly", 4, "2028-02-29", "2032-02-29"),
        ("daily", 365, "2026-01-01", "2027-01-01"),
    ],
)
def test_completing_creates_the_next_occurrence(
    client: TestClient,
    alice: dict[str, str],
    frequency: str,
    interval: int,
    due: str,
    next_due: str,
) -> None:
    task = create_task(
        client,
        alice,
        USER_ID,
        title="Pay rent",
        description="to the landlord",
        priority="high",
        due_date=due,
        tags=["Home", "money"],
        recurrence={"frequency": frequency, "interval": interval},
    )
    done = complete(client, alice, task)
    assert done["completed"] is True and done["due_date"] == due
    [successor] = successors(client, alice, task)
    assert successor["due_date"] == next_due
    assert successor["completed"] is False
    assert successor["id"] > task["id"]
    for field in ("title", "description", "priority", "tags", "recurrence", "user_id"):
        assert successor[field] == task[field], field


def test_the_reminder_moves_by_the_same_step(client: TestClient, alice: dict[str, str]) -> None:
    task = create_task(
        client,
        alice,
        USER_ID,
        due_date="2026-01-31",
        remind_at="2026-01-31T08:00:00Z",
        recurrence={"frequency": "monthly", "interval": 1},
    )
    complete(client, alice, task)
    [successor] = successors(client, alice, task)
    assert successor["due_date"] == "2026-02-28"
    assert datetime.fromisoformat(successor["remind_at"]) == datetime.fromisoformat(
        "2026-02-28T08:00:00+00:00"
    )


def test_toggling_back_and_forth_creates_one_successor(
    client: TestClient, alice: dict[str, str]
) -> None:
    task = create_task(
        client, alice, USER_ID, due_date="2026-01-01", recurrence={"frequency": "daily"}
    )
    states = [complete(client, alice, task)["completed"] for _ in range(5)]
    assert states == [True, False, True, False, True]
    assert len(successors(client, alice, task)) == 1


def test_the_successor_recurs_in_turn(client: TestClient, alice: dict[str, str]) -> None:
    first = create_task(
        client, alice, USER_ID, due_date="2026-01-01", recurrence={"frequency": "weekly"}
    )
    complete(client, alice, first)
    [second] = successors(client, alice, first)
    complete(client, alice, second)
    assert [t["due_date"] for t in all_tasks(client, alice)] == [
        "2026-01-01",
        "2026-01-08",
        "2026-01-15",
    ]


def test_a_task_without_recurrence_creates_nothing(
    client: TestClient, alice: dict[str, str]
) -> None:
    task = create_task(client, alice, USER_ID, due_date="2026-01-01")
    complete(client, alice, task)
    assert successors(client, alice, task) == []


def test_a_task_created_completed_or_completed_by_update_creates_nothing(
    client: TestClient, alice: dict[str, str]
) -> None:
    # Only PATCH …/complete turns a task's recurrence over (DESIGN section 10).
    rule = {"due_date": "2026-01-01", "recurrence": {"frequency": "daily"}}
    create_task(client, alice, USER_ID, completed=True, **rule)
    task = create_task(client, alice, USER_ID, **rule)
    client.put(f"{TASKS}/{task['id']}", json={"completed": True}, headers=alice)
    assert len(all_tasks(client, alice)) == 2


def test_concurrent_completes_create_exactly_one_successor(
    client: TestClient, alice: dict[str, str]
) -> None:
    task = create_task(
        client,
        alice,
        USER_ID,
        due_date="2026-01-01",
        tags=["a"],
        recurrence={"frequency": "daily"},
    )
    toggles = 12
    with ThreadPoolExecutor(max_workers=toggles) as pool:
        statuses = list(
            pool.map(
                lambda _: client.patch(f"{TASKS}/{task['id']}/complete", headers=alice).status_code,
                range(toggles),
            )
        )
    assert statuses == [200] * toggles
    body = client.get(f"{TASKS}/{task['id']}", headers=alice).json()
    assert body["completed"] is False  # an even number of toggles, none lost
    [successor] = successors(client, alice, task)
    assert successor["due_date"] == "2026-01-02" and successor["tags"] == ["a"]


def test_completing_someone_elses_recurring_task(
    client: TestClient, alice: dict[str, str], tokens: TokenFactory, engine: Engine
) -> None:
    bob = bearer(tokens.mint(OTHER_USER_ID))
    theirs = create_task(
        client, bob, OTHER_USER_ID, due_date="2026-01-01", recurrence={"frequency": "daily"}
    )
    before = stored_state(engine)
    assert client.patch(f"{TASKS}/{theirs['id']}/complete", headers=alice).status_code == 404
    assert client.patch(f"{BOB_TASKS}/{theirs['id']}/complete", headers=alice).status_code == 403
    assert stored_state(engine) == before
