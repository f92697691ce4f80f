"""The list's filters of DESIGN section 10 (tag, priority, due-date range, has_due_date), combined
with status, search, sort and pagination; `total` counts what they match. SQLite and Postgres."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_support.tokens import OTHER_USER_ID, USER_ID, TokenFactory

from tests.conftest import bearer
from tests.utils.tasks import create_task

TASKS = f"/api/{USER_ID}/tasks"


@pytest.fixture
def tasks(client: TestClient, alice: dict[str, str], tokens: TokenFactory) -> dict[str, int]:
    """Alice's tasks (oldest first), and Bob's look-alikes that no filter of hers may return."""
    specs: dict[str, dict[str, Any]] = {
        "report": {"priority": "high", "due_date": "2026-03-01", "tags": ["Work"]},
        "slides": {"priority": "high", "due_date": "2026-03-10", "tags": ["work", "urgent"]},
        "milk": {"priority": "low", "due_date": "2026-03-05", "tags": ["home"]},
        "taxes": {"priority": "medium", "due_date": "2026-04-01", "tags": ["home", "Work"]},
        "novel": {"priority": "low", "tags": ["fun"]},
        "email": {
            "priority": "high",
            "completed": True,
            "due_date": "2026-03-02",
            "tags": ["work"],
        },
    }
    ids = {
        title: create_task(client, alice, USER_ID, title=title, **spec)["id"]
        for title, spec in specs.items()
    }
    bob = bearer(tokens.mint(OTHER_USER_ID))
    for title, spec in specs.items():
        create_task(client, bob, OTHER_USER_ID, title=f"bob {title}", **spec)
    return ids


def listed(client: TestClient, alice: dict[str, str], **params: Any) -> tuple[list[str], int]:
    response = client.get(TASKS, params=params, headers=alice)
    assert response.status_code == 200, response.text
    body = response.json()
    return [task["title"] for task in body["items"]], body["total"]


def test_tag_filter_is_case_insensitive_and_only_mine(
    client: TestClient, alice: dict[str, str], tasks: dict[str, int]
) -> None:
    assert listed(client, alice, tag="WORK") == (["email", "taxes", "slides", "report"], 4)
    assert listed(client, alice, tag="  work ") == (["email", "taxes", "slides", "report"], 4)
    assert listed(client, alice, tag="home") == (["taxes", "milk"], 2)
    assert listed(client, alice, tag="nobody-has-this") == ([], 0)
    assert listed(client, alice, tag="") == listed(client, alice)  # blank: no filter


def test_priority_filter(client: TestClient, alice: dict[str, str], tasks: dict[str, int]) -> None:
    assert listed(client, alice, priority="high") == (["email", "slides", "report"], 3)
    assert listed(client, alice, priority="low") == (["novel", "milk"], 2)


def test_due_date_range_is_inclusive_and_leaves_out_tasks_without_one(
    client: TestClient, alice: dict[str, str], tasks: dict[str, int]
) -> None:
    assert listed(client, alice, due_from="2026-03-02", due_to="2026-03-10") == (
        ["email", "milk", "slides"],
        3,
    )
    assert listed(client, alice, due_from="2026-03-10") == (["taxes", "slides"], 2)
    assert listed(client, alice, due_to="2026-03-01") == (["report"], 1)
    assert listed(client, alice, due_from="2026-03-05", due_to="2026-03-05") == (["milk"], 1)
    assert listed(client, alice, due_from="2030-01-01") == ([], 0)


def test_has_due_date(client: TestClient, alice: dict[str, str], tasks: dict[str, int]) -> None:
    assert listed(client, alice, has_due_date="false") == (["novel"], 1)
    assert listed(client, alice, has_due_date="true")[1] == 5


def test_filters_combine_with_status_search_sort_and_pages(
    client: TestClient, alice: dict[str, str], tasks: dict[str, int]
) -> None:
    assert listed(client, alice, tag="work", status="pending") == (["taxes", "slides", "report"], 3)
    assert listed(client, alice, tag="work", priority="high", status="completed") == (["email"], 1)
    assert listed(client, alice, tag="work", q="sli") == (["slides"], 1)
    assert listed(client, alice, tag="work", sort="due_date", order="asc") == (
        ["report", "email", "slides", "taxes"],
        4,
    )
    page = listed(
        client,
        alice,
        tag="work",
        due_from="2026-03-01",
        sort="due_date",
        order="asc",
        limit=2,
        offset=1,
    )
    assert page == (["email", "slides"], 4)  # total counts every match, not the page
    assert listed(client, alice, tag="work", limit=2, offset=10) == ([], 4)
    assert listed(client, alice, priority="low", has_due_date="true", tag="home") == (["milk"], 1)


def test_one_filter_shape_serves_other_values_and_other_users(
    client: TestClient, alice: dict[str, str], tasks: dict[str, int], tokens: TokenFactory
) -> None:
    # The list builds one statement per combination of filters and binds the values anew: the
    # same combination with other values, or for another user, must give its own answer.
    bob = bearer(tokens.mint(OTHER_USER_ID))
    bobs = f"/api/{OTHER_USER_ID}/tasks"
    query = {"tag": "work", "q": "r", "due_from": "2026-03-01", "due_to": "2026-03-31"}
    assert listed(client, alice, **query) == (["report"], 1)
    response = client.get(bobs, params=query, headers=bob)
    assert [t["title"] for t in response.json()["items"]] == ["bob report"]
    assert listed(client, alice, **{**query, "tag": "home", "q": "mil"}) == (["milk"], 1)
    assert listed(client, alice, **{**query, "due_to": "2026-03-01"}) == (["report"], 1)
    assert listed(client, alice, **{**query, "due_from": "2026-03-02"}) == ([], 0)
    assert listed(client, alice, **query) == (["report"], 1)


def test_filters_in_someone_elses_path_are_forbidden(
    client: TestClient, alice: dict[str, str], tasks: dict[str, int]
) -> None:
    response = client.get(f"/api/{OTHER_USER_ID}/tasks", params={"tag": "work"}, headers=alice)
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"priority": "urgent"}, "priority"),
        ({"priority": "HIGH"}, "priority"),
        ({"due_from": "tomorrow"}, "due_from"),
        ({"due_to": "2026-02-30"}, "due_to"),
        ({"due_from": "2026-03-02", "due_to": "2026-03-01"}, "due_to"),
        ({"has_due_date": "maybe"}, "has_due_date"),
        ({"has_due_date": "yes"}, "has_due_date"),
        ({"has_due_date": "1"}, "has_due_date"),
        ({"has_due_date": "off"}, "has_due_date"),
        ({"has_due_date": "True"}, "has_due_date"),
        ({"tag": "x" * 33}, "tag"),
        ({"tag": "a\x00b"}, "tag"),
    ],
)
def test_invalid_filters_are_refused_naming_the_parameter(
    client: TestClient, alice: dict[str, str], params: dict, field: str
) -> None:
    response = client.get(TASKS, params=params, headers=alice)
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["query", field]]
