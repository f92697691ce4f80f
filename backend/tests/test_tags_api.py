"""Tags (DESIGN section 10) on SQLite and Postgres: on tasks, the user's list with counts, rename
with merge, removal; another user's tag is a 404 like a missing one; bad input is a 422 that
writes nothing."""

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from test_support.tokens import OTHER_USER_ID, USER_ID, TokenFactory

from app.accounts import purge_users
from tests.conftest import bearer
from tests.utils.tasks import create_task, stored_state, stored_tags

TASKS = f"/api/{USER_ID}/tasks"
TAGS = f"/api/{USER_ID}/tags"
BOB_TASKS = f"/api/{OTHER_USER_ID}/tasks"
BOB_TAGS = f"/api/{OTHER_USER_ID}/tags"


@pytest.fixture
def bob(tokens: TokenFactory) -> dict[str, str]:
    return bearer(tokens.mint(OTHER_USER_ID))


def tags_of(client: TestClient, headers: dict[str, str], path: str = TAGS) -> list[dict[str, Any]]:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


def read(client: TestClient, headers: dict[str, str], task: dict, tasks: str = TASKS) -> dict:
    response = client.get(f"{tasks}/{task['id']}", headers=headers)
    assert response.status_code == 200
    body: dict = response.json()
    return body


# --- tags on tasks --------------------------------------------------------------------------


def test_tags_are_trimmed_collapsed_and_merged_keeping_first_spelling_and_order(
    client: TestClient, alice: dict[str, str]
) -> None:
    task = create_task(
        client, alice, USER_ID, tags=["  Deep   work ", "home", "deep WORK", "HOME", "x"]
    )
    assert task["tags"] == ["Deep work", "home", "x"]
    assert read(client, alice, task)["tags"] == ["Deep work", "home", "x"]


def test_a_task_without_tags_has_an_empty_list(client: TestClient, alice: dict[str, str]) -> None:
    assert create_task(client, alice, USER_ID)["tags"] == []


def test_ten_tags_of_32_characters_are_accepted(client: TestClient, alice: dict[str, str]) -> None:
    names = [f"{n}" + "t" * 31 for n in range(10)]
    assert create_task(client, alice, USER_ID, tags=names)["tags"] == names


def test_the_same_tag_on_two_tasks_is_one_tag_of_the_user(
    client: TestClient, alice: dict[str, str], engine: Engine
) -> None:
    create_task(client, alice, USER_ID, tags=["Work"])
    second = create_task(client, alice, USER_ID, tags=["work"])
    assert second["tags"] == ["Work"]  # the user's tag keeps the spelling it was created with
    assert stored_tags(engine) == [(USER_ID, "Work")]
    assert tags_of(client, alice) == [{"name": "Work", "count": 2}]


def test_update_replaces_the_tags_and_drops_tags_no_task_carries(
    client: TestClient, alice: dict[str, str], engine: Engine
) -> None:
    task = create_task(client, alice, USER_ID, tags=["a", "b"])
    response = client.put(f"{TASKS}/{task['id']}", json={"tags": ["c", "A"]}, headers=alice)
    assert response.status_code == 200
    assert response.json()["tags"] == ["c", "a"]
    assert response.json()["updated_at"] > task["updated_at"]
    assert stored_tags(engine) == [(USER_ID, "a"), (USER_ID, "c")]
    assert (
        client.put(f"{TASKS}/{task['id']}", json={"tags": []}, headers=alice).json()["tags"] == []
    )
    assert stored_tags(engine) == []


def test_update_without_tags_keeps_them(client: TestClient, alice: dict[str, str]) -> None:
    task = create_task(client, alice, USER_ID, tags=["keep", "me"])
    updated = client.put(f"{TASKS}/{task['id']}", json={"title": "New"}, headers=alice).json()
    assert updated["tags"] == ["keep", "me"]


def test_deleting_a_task_drops_tags_no_other_task_carries(
    client: TestClient, alice: dict[str, str], engine: Engine
) -> None:
    only = create_task(client, alice, USER_ID, tags=["only", "shared"])
    create_task(client, alice, USER_ID, tags=["shared"])
    assert client.delete(f"{TASKS}/{only['id']}", headers=alice).status_code == 204
    assert tags_of(client, alice) == [{"name": "shared", "count": 1}]
    assert stored_state(engine)["task_tags"] == [
        {"task_id": only["id"] + 1, "tag_id": stored_state(engine)["tags"][0]["id"], "position": 0}
    ]


@pytest.mark.parametrize(
    "tags",
    [
        [f"t{n}" for n in range(11)],  # too many
        ["x" * 33],  # too long
        [""],
        ["   "],  # blank after trimming
        ["nul\x00byte"],
        [42],
        "not-a-list",
        [None],
    ],
)
def test_create_with_invalid_tags_is_refused_and_writes_nothing(
    client: TestClient, alice: dict[str, str], engine: Engine, tags: Any
) -> None:
    response = client.post(TASKS, json={"title": "ok", "tags": tags}, headers=alice)
    assert response.status_code == 422
    assert all(error["loc"][:2] == ["body", "tags"] for error in response.json()["detail"])
    assert stored_state(engine) == {"tasks": [], "tags": [], "task_tags": []}


@pytest.mark.parametrize(
    "tags", [None, ["x" * 33], [f"t{n}" for n in range(11)], ["\x00"], [".."], ["work/./x"]]
)
def test_update_with_invalid_tags_is_refused_and_writes_nothing(
    client: TestClient, alice: dict[str, str], engine: Engine, tags: Any
) -> None:
    task = create_task(client, alice, USER_ID, tags=["kept"])
    before = stored_state(engine)
    response = client.put(f"{TASKS}/{task['id']}", json={"title": "x", "tags": tags}, headers=alice)
    assert response.status_code == 422
    assert all(error["loc"][:2] == ["body", "tags"] for error in response.json()["detail"])
    assert stored_state(engine) == before


def test_a_tag_linked_while_its_last_task_is_deleted_is_kept(
    client: TestClient, alice: dict[str, str]
) -> None:
    """Deleting a tag's last task drops the tag; a task created with it at that moment keeps it."""
    barrier = threading.Barrier(2)

    def delete(task_id: int) -> int:
        barrier.wait()
        return client.delete(f"{TASKS}/{task_id}", headers=alice).status_code

    def create() -> Any:
        barrier.wait()
        return client.post(TASKS, json={"title": "new", "tags": ["shared"]}, headers=alice)

    with ThreadPoolExecutor(max_workers=2) as pool:
        for _ in range(15):
            last = create_task(client, alice, USER_ID, tags=["shared"])
            deleted = pool.submit(delete, last["id"])
            created = pool.submit(create).result()
            assert deleted.result() == 204
            assert created.status_code == 201, created.text
            assert read(client, alice, created.json())["tags"] == ["shared"]
            assert tags_of(client, alice) == [{"name": "shared", "count": 1}]
            client.delete(f"{TASKS}/{created.json()['id']}", headers=alice)


# --- GET /tags ------------------------------------------------------------------------------


def test_tags_are_listed_with_counts_sorted_case_insensitively(
    client: TestClient, alice: dict[str, str]
) -> None:
    create_task(client, alice, USER_ID, tags=["beta", "Alpha"])
    create_task(client, alice, USER_ID, tags=["alpha", "Gamma"])
    create_task(client, alice, USER_ID, tags=["BETA"])
    assert tags_of(client, alice) == [
        {"name": "Alpha", "count": 2},
        {"name": "beta", "count": 2},
        {"name": "Gamma", "count": 1},
    ]


def test_no_tasks_no_tags(client: TestClient, alice: dict[str, str]) -> None:
    assert tags_of(client, alice) == []


def test_listing_someone_elses_tags_is_forbidden(client: TestClient, alice: dict[str, str]) -> None:
    assert client.get(BOB_TAGS, headers=alice).status_code == 403


# --- PATCH /tags/{name} ---------------------------------------------------------------------


def test_rename_changes_the_tag_on_every_task(client: TestClient, alice: dict[str, str]) -> None:
    one = create_task(client, alice, USER_ID, tags=["a", "work", "z"])
    two = create_task(client, alice, USER_ID, tags=["Work"])
    response = client.patch(f"{TAGS}/WORK", json={"name": "  Job  stuff "}, headers=alice)
    assert response.status_code == 200
    assert response.json() == {"name": "Job stuff", "count": 2}
    assert read(client, alice, one)["tags"] == ["a", "Job stuff", "z"]  # same place
    assert read(client, alice, two)["tags"] == ["Job stuff"]
    assert read(client, alice, one)["updated_at"] > one["updated_at"]
    assert [t["name"] for t in tags_of(client, alice)] == ["a", "Job stuff", "z"]


def test_rename_may_change_only_the_case(client: TestClient, alice: dict[str, str]) -> None:
    task = create_task(client, alice, USER_ID, tags=["work"])
    response = client.patch(f"{TAGS}/work", json={"name": "Work"}, headers=alice)
    assert response.json() == {"name": "Work", "count": 1}
    assert read(client, alice, task)["tags"] == ["Work"]


def test_rename_into_an_existing_tag_merges_them(
    client: TestClient, alice: dict[str, str], engine: Engine
) -> None:
    both = create_task(client, alice, USER_ID, tags=["home", "x", "house"])
    house = create_task(client, alice, USER_ID, tags=["y", "house"])
    home = create_task(client, alice, USER_ID, tags=["Home"])
    response = client.patch(f"{TAGS}/house", json={"name": "HOME"}, headers=alice)
    assert response.status_code == 200
    assert response.json() == {"name": "home", "count": 3}  # the existing tag's spelling
    assert read(client, alice, both)["tags"] == ["home", "x"]
    assert read(client, alice, house)["tags"] == ["y", "home"]
    assert read(client, alice, home)["tags"] == ["home"]
    assert (USER_ID, "house") not in stored_tags(engine)


def test_a_tag_may_hold_slashes_and_dots_and_is_renamed_and_deleted_by_its_url(
    client: TestClient, alice: dict[str, str]
) -> None:
    task = create_task(client, alice, USER_ID, tags=["work/admin", "...", ".hidden", "50%"])
    renamed = client.patch(f"{TAGS}/work%2Fadmin", json={"name": "work/meetings"}, headers=alice)
    assert renamed.status_code == 200, renamed.text
    assert renamed.json() == {"name": "work/meetings", "count": 1}
    assert client.get(TASKS, params={"tag": "work/meetings"}, headers=alice).json()["total"] == 1
    for name in ("work%2Fmeetings", "...", ".hidden", "50%25"):
        assert client.delete(f"{TAGS}/{name}", headers=alice).status_code == 204, name
    assert read(client, alice, task)["tags"] == []


@pytest.mark.parametrize("name", [".", "..", "a/..", "./a", "a/./b"])
def test_dot_segments_cannot_be_tags(
    client: TestClient, alice: dict[str, str], engine: Engine, name: str
) -> None:
    response = client.post(TASKS, json={"title": "ok", "tags": [name]}, headers=alice)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "tags", 0] and '"." and ".."' in error["msg"]
    assert stored_state(engine) == {"tasks": [], "tags": [], "task_tags": []}


def test_rename_of_a_missing_tag_is_not_found(
    client: TestClient, alice: dict[str, str], engine: Engine
) -> None:
    create_task(client, alice, USER_ID, tags=["real"])
    before = stored_state(engine)
    for name in ("ghost", "x" * 40, "%20", "%00", "real%00"):
        for response in (
            client.patch(f"{TAGS}/{name}", json={"name": "new"}, headers=alice),
            client.delete(f"{TAGS}/{name}", headers=alice),
        ):
            assert response.status_code == 404, name
            assert response.json() == {"detail": "Tag not found"}
    assert stored_state(engine) == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 33},
        {"name": "a\x00b"},
        {"name": 7},
        {"name": ".."},
    ],
)
def test_rename_to_an_invalid_name_is_refused_and_writes_nothing(
    client: TestClient, alice: dict[str, str], engine: Engine, body: dict
) -> None:
    create_task(client, alice, USER_ID, tags=["work"])
    before = stored_state(engine)
    response = client.patch(f"{TAGS}/work", json=body, headers=alice)
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body", "name"]]
    assert stored_state(engine) == before


def test_renaming_in_someone_elses_path_is_forbidden(
    client: TestClient, alice: dict[str, str], bob: dict[str, str], engine: Engine
) -> None:
    create_task(client, bob, OTHER_USER_ID, tags=["work"])
    before = stored_state(engine)
    response = client.patch(f"{BOB_TAGS}/work", json={"name": "mine"}, headers=alice)
    assert response.status_code == 403
    assert stored_state(engine) == before


# --- DELETE /tags/{name} --------------------------------------------------------------------


def test_delete_removes_the_tag_from_every_task(
    client: TestClient, alice: dict[str, str], engine: Engine
) -> None:
    one = create_task(client, alice, USER_ID, tags=["a", "Work", "b"])
    two = create_task(client, alice, USER_ID, tags=["work"])
    response = client.delete(f"{TAGS}/wORK", headers=alice)
    assert response.status_code == 204 and response.content == b""
    assert read(client, alice, one)["tags"] == ["a", "b"]
    assert read(client, alice, two)["tags"] == []
    assert read(client, alice, two)["updated_at"] > two["updated_at"]
    assert stored_tags(engine) == [(USER_ID, "a"), (USER_ID, "b")]
    assert client.delete(f"{TAGS}/work", headers=alice).status_code == 404


def test_deleting_in_someone_elses_path_is_forbidden(
    client: TestClient, alice: dict[str, str], bob: dict[str, str], engine: Engine
) -> None:
    create_task(client, bob, OTHER_USER_ID, tags=["work"])
    before = stored_state(engine)
    assert client.delete(f"{BOB_TAGS}/work", headers=alice).status_code == 403
    assert stored_state(engine) == before


# --- two users, the same tag names ----------------------------------------------------------


def test_another_users_tag_is_a_404_exactly_like_a_missing_one(
    client: TestClient, alice: dict[str, str], bob: dict[str, str], engine: Engine
) -> None:
    create_task(client, bob, OTHER_USER_ID, tags=["bobs-only"])
    before = stored_state(engine)
    foreign = client.patch(f"{TAGS}/bobs-only", json={"name": "x"}, headers=alice)
    missing = client.patch(f"{TAGS}/nobodys", json={"name": "x"}, headers=alice)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    foreign = client.delete(f"{TAGS}/bobs-only", headers=alice)
    missing = client.delete(f"{TAGS}/nobodys", headers=alice)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert stored_state(engine) == before
    listed = client.get(TASKS, params={"tag": "bobs-only"}, headers=alice).json()
    assert listed == {"items": [], "total": 0}


def test_two_users_with_the_same_tag_names_stay_apart(
    client: TestClient, alice: dict[str, str], bob: dict[str, str]
) -> None:
    mine = create_task(client, alice, USER_ID, tags=["Work", "home"])
    theirs = create_task(client, bob, OTHER_USER_ID, tags=["work", "Home", "gym"])
    create_task(client, bob, OTHER_USER_ID, tags=["work"])
    # Each sees their own spelling and counts.
    assert tags_of(client, alice) == [{"name": "home", "count": 1}, {"name": "Work", "count": 1}]
    assert tags_of(client, bob, BOB_TAGS) == [
        {"name": "gym", "count": 1},
        {"name": "Home", "count": 1},
        {"name": "work", "count": 2},
    ]
    # Filters see only their own tasks.
    ids = [
        t["id"] for t in client.get(TASKS, params={"tag": "work"}, headers=alice).json()["items"]
    ]
    assert ids == [mine["id"]]
    assert client.get(BOB_TASKS, params={"tag": "WORK"}, headers=bob).json()["total"] == 2
    # A rename and a delete by one leave the other's tags alone.
    assert client.patch(f"{TAGS}/work", json={"name": "gym"}, headers=alice).status_code == 200
    assert client.delete(f"{TAGS}/home", headers=alice).status_code == 204
    assert read(client, alice, mine)["tags"] == ["gym"]
    assert read(client, bob, theirs, BOB_TASKS)["tags"] == ["work", "Home", "gym"]
    assert tags_of(client, bob, BOB_TAGS) == [
        {"name": "gym", "count": 1},
        {"name": "Home", "count": 1},
        {"name": "work", "count": 2},
    ]
    assert tags_of(client, alice) == [{"name": "gym", "count": 1}]


def test_purging_a_deleted_account_takes_its_tags_and_links_too(
    client: TestClient, alice: dict[str, str], bob: dict[str, str], engine: Engine
) -> None:
    create_task(client, alice, USER_ID, tags=["work", "home"])
    create_task(client, bob, OTHER_USER_ID, tags=["work"])
    purge_users(engine, [USER_ID])
    state = stored_state(engine)
    assert stored_tags(engine) == [(OTHER_USER_ID, "work")]
    assert [link["tag_id"] for link in state["task_tags"]] == [state["tags"][0]["id"]]
    assert tags_of(client, bob, BOB_TAGS) == [{"name": "work", "count": 1}]
