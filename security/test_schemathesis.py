"""schemathesis against the running backend's /openapi.json with a real token: no 5xx, and every
response conforms to the schema (body and content type). Positive and negative (invalid) inputs,
on generated task ids and on tasks that exist. SECURITY_SCHEMATHESIS_EXAMPLES sets the examples per
operation and generation mode (default 40)."""

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from conftest import Stack
from harness import FIGURES, bearer

EXAMPLES = int(os.environ.get("SECURITY_SCHEMATHESIS_EXAMPLES", "40"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
MODES = {
    "positive": schemathesis.GenerationMode.POSITIVE,
    "negative": schemathesis.GenerationMode.NEGATIVE,
}


@pytest.fixture(scope="module")
def target(stacks: dict[str, Stack]) -> dict[str, Any]:
    stack = stacks["jwks"]
    carol = stack.issuer.sign_up("Carol")  # her own user: the other modules' users stay untouched
    token = carol.token()
    schema = schemathesis.openapi.from_url(f"{stack.backend.url}/openapi.json", timeout=60)
    operations = [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]
    assert operations
    return {
        "stack": stack,
        "user_id": carol.user_id,
        "headers": bearer(token),
        "operations": operations,
    }


def label(operation: Any) -> str:
    return f"{operation.method.upper()} {operation.path}"


def run(target: dict[str, Any], strategy: Any) -> None:
    stack: Stack = target["stack"]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case: Any) -> None:
        FIGURES["schemathesis_cases"] += 1
        response = case.call(base_url=stack.backend.url, headers=target["headers"], timeout=60)
        if response.status_code >= 500:
            FIGURES["schemathesis_5xx"] += 1
        case.validate_response(response, checks=CHECKS, headers=target["headers"])

    check()


@pytest.mark.parametrize("mode", list(MODES))
def test_generated_requests(target: dict[str, Any], mode: str) -> None:
    for operation in target["operations"]:
        if "{user_id}" not in operation.path:
            continue
        strategy = operation.as_strategy(
            generation_mode=MODES[mode], path_parameters={"user_id": target["user_id"]}
        )
        run(target, strategy)


def test_generated_requests_on_existing_tasks(target: dict[str, Any]) -> None:
    stack: Stack = target["stack"]
    with stack.backend.client() as client:
        ids = []
        for n in range(8):
            created = client.post(
                f"/api/{target['user_id']}/tasks",
                json={"title": f"task {n}"},
                headers=target["headers"],
            )
            assert created.status_code == 201
            ids.append(created.json()["id"])
    for operation in target["operations"]:
        if "{task_id}" not in operation.path:
            continue

        def cases_for(task_id: int, operation: Any = operation) -> Any:
            return operation.as_strategy(
                generation_mode=schemathesis.GenerationMode.POSITIVE,
                path_parameters={"user_id": target["user_id"], "task_id": task_id},
            )

        run(target, st.sampled_from(ids).flatmap(cases_for))
