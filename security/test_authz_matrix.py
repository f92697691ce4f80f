"""Object-level authorization matrix: every route with path parameters in the backend's OpenAPI ×
every identity × both auth modes, each with its expected status, against the running backend.

A route the matrix does not know fails `test_the_matrix_covers_every_route`: a new route must be
added to ROUTES (with its owner's expected status) before it can land, so none lands unguarded."""

import re
from dataclasses import dataclass
from typing import Any

import pytest

from app.application import create_app
from app.settings import Settings
from conftest import MODES, Stack
from harness import FIGURES, bearer

# (method, path) → the owner's success status. Every other identity's status follows from the rules
# below. A route added to the API must be added here (with a test of its own in backend/tests/).
ROUTES: dict[tuple[str, str], int] = {
    ("GET", "/api/{user_id}/tasks"): 200,
    ("POST", "/api/{user_id}/tasks"): 201,
    ("GET", "/api/{user_id}/tasks/{task_id}"): 200,
    ("PUT", "/api/{user_id}/tasks/{task_id}"): 200,
    ("DELETE", "/api/{user_id}/tasks/{task_id}"): 204,
    ("PATCH", "/api/{user_id}/tasks/{task_id}/complete"): 200,
    ("GET", "/api/{user_id}/tags"): 200,
    ("PATCH", "/api/{user_id}/tags/{name}"): 200,
    ("DELETE", "/api/{user_id}/tags/{name}"): 204,
}
# The owner's task carries this tag, so that the tag routes have one to name.
OWNER_TAG = "matrix-tag"
PUBLIC_ROUTES = {("GET", "/health")}
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Identity:
    name: str
    description: str


IDENTITIES = [
    Identity("owner", "the owner's token on the owner's path"),
    Identity("other_user_on_owner_path", "another user's token on the owner's path: 403"),
    Identity("other_user_on_own_path", "another user's token, own path, owner's task id: 404"),
    Identity("no_token", "no Authorization header: 401"),
    Identity("expired_token", "the owner's real token, expired: 401"),
    Identity("foreign_issuer_token", "a genuine token of another issuer: 401"),
]


def schema_operations(schema: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def _collected_schema() -> dict[str, Any]:
    # The same app the backend serves, built without starting it: the matrix is known at collection.
    settings = Settings(
        _env_file=None, database_url="sqlite://", better_auth_url="http://localhost:1"
    )
    schema: dict[str, Any] = create_app(settings).openapi()
    return schema


COLLECTED = schema_operations(_collected_schema())
MATRIX = [
    pytest.param(mode, method, path, identity, id=f"{mode}-{method}-{path}-{identity.name}")
    for mode in MODES
    for (method, path) in sorted(COLLECTED)
    if "{" in path
    for identity in IDENTITIES
]


def expected_status(identity: str, method: str, path: str) -> int:
    owner_status = ROUTES[(method, path)]
    if identity == "owner":
        return owner_status
    if identity == "other_user_on_owner_path":
        return 403
    if identity == "other_user_on_own_path":
        # Collection routes are the other user's own (their list, their new task); any route that
        # names the owner's task or tag answers exactly as for one that does not exist.
        return 404 if "{task_id}" in path or "{name}" in path else owner_status
    return 401


def sample_body(schema: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any] | None:
    """A valid body built from the request schema: its required fields, or its first string one."""
    if "requestBody" not in operation:
        return None
    body_schema = operation["requestBody"]["content"]["application/json"]["schema"]
    name = body_schema["$ref"].rsplit("/", 1)[-1]
    model = schema["components"]["schemas"][name]
    fields = (
        model.get("required")
        or [
            field
            for field, spec in model["properties"].items()
            if "string" in {option.get("type") for option in spec.get("anyOf", [spec])}
        ][:1]
    )
    assert fields, f"cannot build a body for {name}"
    return {field: f"matrix {field}" for field in fields}


@pytest.fixture(scope="module")
def live_schemas(stacks: dict[str, Stack]) -> dict[str, dict[str, Any]]:
    schemas = {}
    for mode, stack in stacks.items():
        with stack.backend.client() as client:
            response = client.get("/openapi.json")
            assert response.status_code == 200
            schemas[mode] = response.json()
    return schemas


def test_the_matrix_covers_every_route(live_schemas: dict[str, dict[str, Any]]) -> None:
    for mode, schema in live_schemas.items():
        live = schema_operations(schema)
        unknown = set(live) - set(ROUTES) - PUBLIC_ROUTES
        assert not unknown, (
            f"routes not in the authorization matrix ({mode}): {sorted(unknown)}; add each to "
            "ROUTES in security/test_authz_matrix.py with the owner's expected status"
        )
        missing = (set(ROUTES) | PUBLIC_ROUTES) - set(live)
        assert not missing, f"routes in the matrix but no longer served ({mode}): {sorted(missing)}"
        assert set(live) == set(COLLECTED), "the live schema differs from the app's own"
        for key in ROUTES:
            assert live[key].get("security"), f"{key} does not declare the bearer scheme"
            assert re.findall(r"{(\w+)}", key[1])[0] == "user_id"
    FIGURES["matrix_routes"] = len(ROUTES)


def test_public_routes_answer_without_a_token(stacks: dict[str, Stack]) -> None:
    for stack in stacks.values():
        with stack.backend.client() as client:
            for method, path in PUBLIC_ROUTES:
                assert client.request(method, path).status_code == 200


@pytest.mark.parametrize(("mode", "method", "path", "identity"), MATRIX)
def test_matrix(
    mode: str,
    method: str,
    path: str,
    identity: Identity,
    stacks: dict[str, Stack],
    live_schemas: dict[str, dict[str, Any]],
) -> None:
    FIGURES["matrix_cases"] += 1
    stack = stacks[mode]
    owner = bearer(stack.alice_token)
    with stack.backend.client() as client:
        created = client.post(
            f"/api/{stack.alice.user_id}/tasks",
            json={"title": "Owned", "tags": [OWNER_TAG]},
            headers=owner,
        )
        assert created.status_code == 201, created.text
        task = created.json()
        user_id, headers = {
            "owner": (stack.alice.user_id, owner),
            "other_user_on_owner_path": (stack.alice.user_id, bearer(stack.bob_token)),
            "other_user_on_own_path": (stack.bob.user_id, bearer(stack.bob_token)),
            "no_token": (stack.alice.user_id, {}),
            "expired_token": (stack.alice.user_id, bearer(stack.wait_for_expired_token())),
            "foreign_issuer_token": (stack.alice.user_id, bearer(stack.extra["foreign_token"])),
        }[identity.name]
        values = {"user_id": user_id, "task_id": str(task["id"]), "name": OWNER_TAG}
        names = re.findall(r"{(\w+)}", path)
        assert set(names) <= set(values), f"the matrix cannot fill path parameters {names}"
        url = re.sub(r"{(\w+)}", lambda m: values[m.group(1)], path)
        body = sample_body(live_schemas[mode], COLLECTED[(method, path)])
        response = client.request(method, url, headers=headers, json=body)

        expected = expected_status(identity.name, method, path)
        assert response.status_code == expected, f"{identity.description}: {response.text}"
        if expected == 401:
            assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
        if identity.name == "expired_token":
            assert response.json()["reason"] == "expired"

        after = client.get(f"/api/{stack.alice.user_id}/tasks/{task['id']}", headers=owner)
        if identity.name == "owner":
            if method == "DELETE" and "{task_id}" in path:
                assert after.status_code == 404
        else:
            FIGURES["attacks_refused"] += 1 if expected in (401, 403, 404) else 0
            assert after.json() == task, "a request by someone else changed the owner's task"
            if (
                identity.name == "other_user_on_own_path"
                and method == "GET"
                and path.endswith("/tasks")
            ):
                assert task["id"] not in [t["id"] for t in response.json()["items"]]
            if identity.name == "other_user_on_own_path" and path.endswith("/tags"):
                assert OWNER_TAG not in [t["name"] for t in response.json()]
            if method == "POST" and response.status_code == 201:
                assert response.json()["user_id"] == user_id
