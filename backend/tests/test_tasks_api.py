"""The task API of DESIGN section 4, on SQLite and on Postgres: each route's happy path,
not-found, someone else's task (404), someone else's path (403) and invalid input (422)."""

from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from test_support.tokens import OTHER_USER_ID, USER_ID, TokenFactory

from tests.conftest import bearer
from tests.utils.tasks import create_task, insert_tasks, stored_rows

TASKS = f"/api/{USER_ID}/tasks"
BOB_TASKS = f"/api/{OTHER_USER_ID}/tasks"


@pytest.fixture
def bob(tokens: TokenFactory) -> dict[str, str]:
    return bearer(tokens.mint(OTHER_USER_ID))


@pytest.fixture
def bobs_task(client: TestClient, bob: dict[str, str]) -> dict:
    return create_task(client, bob, OTHER_USER_ID, title="Bob's secret")


# --- create ---------------------------------------------------------------------------------


def test_create_returns_the_stored_task(
    client: TestClient, alice: dict[str, str], engine: Engine
) -> None:
    body = {
        "title": "  Write report  ",
        "description": "Quarterly numbers",
        "priority": "high",
        "due_date": "2026-12-01",
    }
    response = client.post(TASKS, json=body, headers=alice)
    assert response.status_code == 201
    task = response.json()
    assert task["title"] == "Write report"  # trimmed
    assert task["description"] == "Quarterly numbers"
    assert task["priority"] == "high"
    assert task["due_date"] == "2026-12-01"
    assert task["completed"] is False
    assert task["user_id"] == USER_ID
    created = datetime.fromisoformat(task["created_at"])
    assert created.tzinfo is not None and created.utcoffset().total_seconds() == 0
    assert task["created_at"] == task["updated_at"]
    [row] = stored_rows(engine)
    assert row["title"] == "Write report" and row["user_id"] == USER_ID


def test_create_defaults(client: TestClient, alice: dict[str, str]) -> None:
    task = create_task(client, alice, USER_ID, title="Minimal")
    assert (task["description"], task["priority"], task["due_date"], task["completed"]) == (
        None,
        "medium",
        None,
        False,
    )


def test_create_ignores_user_id_and_server_fields_in_body(
    client: TestClient, alice: dict[str, str], engine: Engine
) -> None:
    body = {
        "title": "Mine",
        "user_id": OTHER_USER_ID,
        "id": 999,
        "created_at": "2000-01-01T00:00:00Z",
    }
    task = client.post(TASKS, json=body, headers=alice).json()
    assert task["user_id"] == USER_ID
    assert task["id"] != 999
    assert not task["created_at"].startswith("2000")
    assert [row["user_id"] for row in stored_rows(engine)] == [USER_ID]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": 42}, "title"),
        ({"title": None}, "title"),
        ({"title": "ok", "description": "d" * 1001}, "description"),
        ({"title": "ok", "priority": "urgent"}, "priority"),
        ({"title": "ok", "completed": "yes"}, "completed"),
        ({"title": "ok", "completed": 1}, "completed"),
        ({"title": "ok", "due_date": "tomorrow"}, "due_date"),
        ({"title": "ok", "due_date": "2026-02-30"}, "due_date"),
        ({"title": "ok", "due_date": 1767225600}, "due_date"),
        # NUL cannot be stored in Postgres text: once a 500, found by the security suite.
        ({"title": "nul\x00byte"}, "title"),
        ({"title": "ok", "description": "nul\x00byte"}, "description"),
    ],
)
def test_create_rejects_invalid_input_and_writes_nothing(
    client: TestClient, alice: dict[str, str], engine: Engine, body: dict, field: str
) -> None:
    response = client.post(TASKS, json=body, headers=alice)
    assert response.status_code == 422
    assert any(error["loc"][-1] == field for error in response.json()["detail"]), response.json()
    assert stored_rows(engine) == []


def test_create_rejects_a_body_that_is_not_json(
    client: TestClient, alice: dict[str, str], engine: Engine
) -> None:
    response = client.post(
        TASKS, content=b"title=hi", headers={**alice, "Content-Type": "text/plain"}
    )
    assert response.status_code == 422
    assert stored_rows(engine) == []


def test_title_of_exactly_200_characters_is_accepted(
    client: TestClient, alice: dict[str, str]
) -> None:
    assert len(create_task(client, alice, USER_ID, title="t" * 200)["title"]) == 200


def test_markup_is_stored_as_text(client: TestClient, alice: dict[str, str]) -> None:
    title = "<script>alert(1)</script>"
    assert create_task(client, alice, USER_ID, title=title)["title"] == title


def test_create_in_someone_elses_path_is_forbidden(
    client: TestClient, alice: dict[str, str], engine: Engine
) -> None:
    response = client.post(BOB_TASKS, json={"title": "Planted"}, headers=alice)
    assert response.status_code == 403
    assert stored_rows(engine) == []


# --- read -----------------------------------------------------------------------------------


def test_read_own_task(client: TestClient, alice: dict[str, str]) -> None:
    task = create_task(client, alice, USER_ID)
    response = client.get(f"{TASKS}/{task['id']}", headers=alice)
    assert response.status_code == 200
    assert response.json() == task


def test_read_missing_and_foreign_tasks_look_the_same(
    client: TestClient, alice: dict[str, str], bobs_task: dict
) -> None:
    missing = client.get(f"{TASKS}/{bobs_task['id'] + 1000}", headers=alice)
    foreign = client.get(f"{TASKS}/{bobs_task['id']}", headers=alice)
    assert missing.status_code == foreign.status_code == 404
    assert missing.json() == foreign.json() == {"detail": "Task not found"}


def test_read_in_someone_elses_path_is_forbidden(
    client: TestClient, alice: dict[str, str], bobs_task: dict
) -> None:
    assert client.get(f"{BOB_TASKS}/{bobs_task['id']}", headers=alice).status_code == 403


@pytest.mark.parametrize("task_id", ["abc", "0", "-1", "1.5", str(2**64)])
def test_read_with_invalid_id(client: TestClient, alice: dict[str, str], task_id: str) -> None:
    assert client.get(f"{TASKS}/{task_id}", headers=alice).status_code == 422


def test_read_with_huge_id_is_not_found(client: TestClient, alice: dict[str, str]) -> None:
    assert client.get(f"{TASKS}/{2**63 - 1}", headers=alice).status_code == 404


# --- update ---------------------------------------------------------------------------------


def test_update_changes_only_the_fields_given(client: TestClient, alice: dict[str, str]) -> None:
    task = create_task(
        client, alice, USER_ID, description="keep me", priority="low", due_date="2026-05-01"
    )
    response = client.put(
        f"{TASKS}/{task['id']}", json={"title": "Renamed", "completed": True}, headers=alice
    )
    assert response.status_code == 200
    updated = response.json()
    assert updated["title"] == "Renamed" and updated["completed"] is True
    assert (updated["description"], updated["priority"], updated["due_date"]) == (
        "keep me",
        "low",
        "2026-05-01",
    )
    assert updated["updated_at"] > task["updated_at"]
    assert updated["created_at"] == task["created_at"]


def test_update_null_clears_optional_fields(client: TestClient, alice: dict[str, str]) -> None:
    task = create_task(client, alice, USER_ID, description="old", due_date="2026-05-01")
    updated = client.put(
        f"{TASKS}/{task['id']}", json={"description": None, "due_date": None}, headers=alice
    ).json()
    assert updated["description"] is None and updated["due_date"] is None


def test_update_empty_body_changes_nothing(client: TestClient, alice: dict[str, str]) -> None:
    task = create_task(client, alice, USER_ID)
    response = client.put(f"{TASKS}/{task['id']}", json={}, headers=alice)
    assert response.status_code == 200
    assert response.json() == task


def test_update_ignores_user_id_in_body(
    client: TestClient, alice: dict[str, str], engine: Engine
) -> None:
    task = create_task(client, alice, USER_ID)
    response = client.put(
        f"{TASKS}/{task['id']}", json={"user_id": OTHER_USER_ID, "title": "x"}, headers=alice
    )
    assert response.status_code == 200
    assert response.json()["user_id"] == USER_ID
    assert [row["user_id"] for row in stored_rows(engine)] == [USER_ID]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"completed": None}, "completed"),
        ({"completed": "true"}, "completed"),
        ({"priority": None}, "priority"),
        ({"priority": "HIGH"}, "priority"),
        ({"description": "d" * 1001}, "description"),
        ({"due_date": "31/12/2026"}, "due_date"),
        ({"title": "nul\x00byte"}, "title"),
    ],
)
def test_update_rejects_invalid_input_and_writes_nothing(
    client: TestClient, alice: dict[str, str], engine: Engine, body: dict, field: str
) -> None:
    task = create_task(client, alice, USER_ID, title="Original")
    before = stored_rows(engine)
    response = client.put(f"{TASKS}/{task['id']}", json={"title": "Changed", **body}, headers=alice)
    assert response.status_code == 422
    assert any(error["loc"][-1] == field for error in response.json()["detail"])
    assert stored_rows(engine) == before


def test_update_foreign_or_missing_task_is_not_found(
    client: TestClient, alice: dict[str, str], bobs_task: dict, engine: Engine
) -> None:
    before = stored_rows(engine)
    for task_id in (bobs_task["id"], bobs_task["id"] + 1000):
        response = client.put(f"{TASKS}/{task_id}", json={"title": "Hijacked"}, headers=alice)
        assert response.status_code == 404
    assert stored_rows(engine) == before


def test_update_in_someone_elses_path_is_forbidden(
    client: TestClient, alice: dict[str, str], bobs_task: dict, engine: Engine
) -> None:
    before = stored_rows(engine)
    response = client.put(
        f"{BOB_TASKS}/{bobs_task['id']}", json={"title": "Hijacked"}, headers=alice
    )
    assert response.status_code == 403
    assert stored_rows(engine) == before


# --- delete ---------------------------------------------------------------------------------


def test_delete_own_task(client: TestClient, alice: dict[str, str], engine: Engine) -> None:
    task = create_task(client, alice, USER_ID)
    response = client.delete(f"{TASKS}/{task['id']}", headers=alice)
    assert response.status_code == 204
    assert response.content == b""
    assert stored_rows(engine) == []
    assert client.get(f"{TASKS}/{task['id']}", headers=alice).status_code == 404
    assert client.delete(f"{TASKS}/{task['id']}", headers=alice).status_code == 404


def test_deleted_ids_are_not_reused(client: TestClient, alice: dict[str, str]) -> None:
    first = create_task(client, alice, USER_ID)
    client.delete(f"{TASKS}/{first['id']}", headers=alice)
    assert create_task(client, alice, USER_ID)["id"] > first["id"]


def test_delete_foreign_or_missing_task_is_not_found(
    client: TestClient, alice: dict[str, str], bobs_task: dict, engine: Engine
) -> None:
    for task_id in (bobs_task["id"], bobs_task["id"] + 1000):
        assert client.delete(f"{TASKS}/{task_id}", headers=alice).status_code == 404
    assert len(stored_rows(engine)) == 1


def test_delete_in_someone_elses_path_is_forbidden(
    client: TestClient, alice: dict[str, str], bobs_task: dict, engine: Engine
) -> None:
    assert client.delete(f"{BOB_TASKS}/{bobs_task['id']}", headers=alice).status_code == 403
    assert len(stored_rows(engine)) == 1


def test_delete_with_invalid_id(client: TestClient, alice: dict[str, str]) -> None:
    assert client.delete(f"{TASKS}/not-a-number", headers=alice).status_code == 422


# --- toggle complete ------------------------------------------------------------------------


def test_toggle_flips_completed_both_ways(client: TestClient, alice: dict[str, str]) -> None:
    task = create_task(client, alice, USER_ID)
    first = client.patch(f"{TASKS}/{task['id']}/complete", headers=alice)
    assert first.status_code == 200 and first.json()["completed"] is True
    assert first.json()["updated_at"] > task["updated_at"]
    second = client.patch(f"{TASKS}/{task['id']}/complete", headers=alice)
    assert second.json()["completed"] is False


def test_toggle_foreign_or_missing_task_is_not_found(
    client: TestClient, alice: dict[str, str], bobs_task: dict, engine: Engine
) -> None:
    for task_id in (bobs_task["id"], bobs_task["id"] + 1000):
        assert client.patch(f"{TASKS}/{task_id}/complete", headers=alice).status_code == 404
    assert stored_rows(engine)[0]["completed"] is False or stored_rows(engine)[0]["completed"] == 0


def test_toggle_in_someone_elses_path_is_forbidden(
    client: TestClient, alice: dict[str, str], bobs_task: dict
) -> None:
    assert client.patch(f"{BOB_TASKS}/{bobs_task['id']}/complete", headers=alice).status_code == 403


def test_toggle_with_invalid_id(client: TestClient, alice: dict[str, str]) -> None:
    assert client.patch(f"{TASKS}/0/complete", headers=alice).status_code == 422


# --- list -----------------------------------------------------------------------------------


def test_list_is_newest_first_and_only_mine(
    client: TestClient, alice: dict[str, str], bob: dict[str, str]
) -> None:
    first = create_task(client, alice, USER_ID, title="first")
    second = create_task(client, alice, USER_ID, title="second")
    create_task(client, bob, OTHER_USER_ID, title="bob's")
    body = client.get(TASKS, headers=alice).json()
    assert [t["id"] for t in body["items"]] == [second["id"], first["id"]]
    assert body["total"] == 2


def test_list_in_someone_elses_path_is_forbidden(
    client: TestClient, alice: dict[str, str], bobs_task: dict
) -> None:
    assert client.get(BOB_TASKS, headers=alice).status_code == 403


def test_list_filters_by_status(client: TestClient, alice: dict[str, str]) -> None:
    done = create_task(client, alice, USER_ID, title="done", completed=True)
    todo = create_task(client, alice, USER_ID, title="todo")

    def ids(status: str) -> list[int]:
        return [
            t["id"]
            for t in client.get(TASKS, params={"status": status}, headers=alice).json()["items"]
        ]

    assert ids("completed") == [done["id"]]
    assert ids("pending") == [todo["id"]]
    assert set(ids("all")) == {done["id"], todo["id"]}


def test_list_searches_title_and_description(client: TestClient, alice: dict[str, str]) -> None:
    create_task(client, alice, USER_ID, title="Buy MILK")
    create_task(client, alice, USER_ID, title="Call mom", description="about the milk run")
    create_task(client, alice, USER_ID, title="100% done_ok")
    create_task(client, alice, USER_ID, title="either/or")
    create_task(client, alice, USER_ID, title="Unrelated")

    def titles(q: str) -> list[str]:
        return sorted(
            t["title"] for t in client.get(TASKS, params={"q": q}, headers=alice).json()["items"]
        )

    assert titles("milk") == ["Buy MILK", "Call mom"]
    assert titles("%") == ["100% done_ok"]  # wildcards are literal
    assert titles("_") == ["100% done_ok"]
    assert titles("r/o") == ["either/or"]  # and so is the escape character
    assert titles("/%") == []
    assert titles("nothing-like-this") == []
    assert len(titles("  ")) == 5  # blank search means no filter


def test_list_sorts(client: TestClient, alice: dict[str, str]) -> None:
    create_task(client, alice, USER_ID, title="banana", priority="low", due_date="2026-03-01")
    create_task(client, alice, USER_ID, title="Apple", priority="high")
    create_task(client, alice, USER_ID, title="cherry", priority="medium", due_date="2026-01-01")

    def titles(**params: str) -> list[str]:
        return [t["title"] for t in client.get(TASKS, params=params, headers=alice).json()["items"]]

    assert titles(sort="title", order="asc") == ["Apple", "banana", "cherry"]
    assert titles(sort="title", order="desc") == ["cherry", "banana", "Apple"]
    assert titles(sort="priority", order="desc") == ["Apple", "cherry", "banana"]
    assert titles(sort="priority", order="asc") == ["banana", "cherry", "Apple"]
    assert titles(sort="due_date", order="asc") == ["cherry", "banana", "Apple"]  # no date last
    assert titles(sort="due_date", order="desc") == ["banana", "cherry", "Apple"]
    assert titles(sort="created", order="asc") == ["banana", "Apple", "cherry"]


def test_list_paginates_with_total(
    client: TestClient, alice: dict[str, str], engine: Engine
) -> None:
    insert_tasks(engine, USER_ID, 130)
    insert_tasks(engine, OTHER_USER_ID, 20)
    first = client.get(TASKS, params={"limit": 100}, headers=alice).json()
    rest = client.get(TASKS, params={"limit": 100, "offset": 100}, headers=alice).json()
    assert first["total"] == rest["total"] == 130
    assert len(first["items"]) == 100 and len(rest["items"]) == 30
    ids = [t["id"] for t in first["items"] + rest["items"]]
    assert len(set(ids)) == 130
    assert first["items"][0]["title"] == "Task 00129"  # newest first
    assert client.get(TASKS, params={"offset": 500}, headers=alice).json() == {
        "items": [],
        "total": 130,
    }


def test_list_default_page_size(client: TestClient, alice: dict[str, str], engine: Engine) -> None:
    insert_tasks(engine, USER_ID, 60)
    assert len(client.get(TASKS, headers=alice).json()["items"]) == 50


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "done"}, "status"),
        ({"sort": "id"}, "sort"),
        ({"sort": "priority; DROP TABLE tasks"}, "sort"),
        ({"order": "up"}, "order"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"q": "x" * 201}, "q"),
        ({"q": "nul\x00byte"}, "q"),
    ],
)
def test_list_rejects_unknown_query_values(
    client: TestClient, alice: dict[str, str], params: dict, field: str
) -> None:
    response = client.get(TASKS, params=params, headers=alice)
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["query", field]]


def test_list_query_reads_like_fastapi(client: TestClient, alice: dict[str, str]) -> None:
    for title in ("one", "two", "three"):
        create_task(client, alice, USER_ID, title=title)
    # The last of repeated values counts; names the route does not know are ignored.
    page = client.get(f"{TASKS}?limit=500&limit=2&colour=red", headers=alice)
    assert page.status_code == 200
    assert (len(page.json()["items"]), page.json()["total"]) == (2, 3)
    refused = client.get(f"{TASKS}?limit=2&limit=500&status=done", headers=alice)
    assert refused.status_code == 422
    assert {tuple(error["loc"]) for error in refused.json()["detail"]} == {
        ("query", "limit"),
        ("query", "status"),
    }


def test_due_dates_round_trip(client: TestClient, alice: dict[str, str]) -> None:
    task = create_task(client, alice, USER_ID, due_date=date(2027, 2, 28).isoformat())
    assert client.get(f"{TASKS}/{task['id']}", headers=alice).json()["due_date"] == "2027-02-28"
