"""App-level behaviour: health, OpenAPI, CORS, database outages, logs, the served module."""

import io
import json
import logging
import typing

from better_auth_jwt import RefusalReason
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from test_support.tokens import USER_ID, TokenFactory

from app.db import create_db_engine, normalize_database_url
from app.logging import JsonFormatter
from tests.conftest import AppFactory, bearer
from tests.utils.tasks import create_task

TASKS = f"/api/{USER_ID}/tasks"
TASKS_TEMPLATE = "/api/{user_id}/tasks"


def test_health_needs_no_token(auth_client: TestClient) -> None:
    assert auth_client.get("/health").json() == {"status": "ok"}


def test_openapi_declares_bearer_security_on_every_task_route(auth_client: TestClient) -> None:
    schema = auth_client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["BearerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "A short-lived JWT from Better Auth (`GET /api/auth/token` on the frontend).",
    }
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            assert ("security" in operation) == path.startswith("/api/"), path


def test_openapi_declares_every_refusal_a_task_route_can_answer(auth_client: TestClient) -> None:
    schema = auth_client.get("/openapi.json").json()
    task_operations = [
        (path, method, operation)
        for path, operations in schema["paths"].items()
        if path.startswith("/api/")
        for method, operation in operations.items()
    ]
    assert len(task_operations) == 9
    for path, method, operation in task_operations:
        declared = set(operation["responses"])
        names_one = "{task_id}" in path or "{name}" in path
        expected = {"401", "403", "422", "503"} | ({"404"} if names_one else set())
        assert expected <= declared, (method, path, declared)
        unauthorized = operation["responses"]["401"]
        assert "WWW-Authenticate" in unauthorized["headers"]
        assert unauthorized["content"]["application/json"]["schema"]["$ref"].endswith(
            "/TokenErrorBody"
        )
    reasons = schema["components"]["schemas"]["TokenErrorBody"]["properties"]["reason"]["enum"]
    assert set(reasons) == set(typing.get_args(RefusalReason))


def test_openapi_declares_every_list_parameter(auth_client: TestClient) -> None:
    declared = auth_client.get("/openapi.json").json()["paths"][TASKS_TEMPLATE]["get"]
    query = {p["name"]: p for p in declared["parameters"] if p["in"] == "query"}
    assert list(query) == [
        "status",
        "q",
        "sort",
        "order",
        "limit",
        "offset",
        "tag",
        "priority",
        "due_from",
        "due_to",
        "has_due_date",
    ]
    assert query["status"]["schema"]["enum"] == ["all", "pending", "completed"]
    assert (query["limit"]["schema"]["minimum"], query["limit"]["schema"]["maximum"]) == (1, 100)
    assert query["tag"]["schema"]["anyOf"][0]["maxLength"] == 32
    assert query["due_from"]["schema"]["anyOf"][0]["format"] == "date"
    assert not any(p["required"] for p in query.values())


def test_a_refusal_has_the_declared_shape(auth_client: TestClient) -> None:
    refused = auth_client.get(TASKS, headers={"Authorization": "Bearer not-a-token"})
    assert refused.status_code == 401
    assert set(refused.json()) == {"detail", "reason"}
    assert refused.json()["reason"] in typing.get_args(RefusalReason)


def test_cors_allows_only_the_configured_origin(auth_client: TestClient) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization",
    }
    allowed = auth_client.options(TASKS, headers={"Origin": "http://localhost:3000", **preflight})
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:3000"
    refused = auth_client.options(TASKS, headers={"Origin": "http://127.0.0.1:3000", **preflight})
    assert "access-control-allow-origin" not in refused.headers


def test_database_outage_is_a_clean_503(make_client: AppFactory, tokens: TokenFactory) -> None:
    unreachable = create_db_engine("postgresql://postgres@127.0.0.1:9/none?connect_timeout=2")
    client = make_client(unreachable)
    response = client.get(TASKS, headers=bearer(tokens.mint()))
    assert response.status_code == 503
    assert response.json() == {"detail": "The database is unavailable; try again shortly"}


def test_connection_lost_while_the_session_closes_is_a_clean_503(
    make_client: AppFactory, tokens: TokenFactory, sqlite_url: str
) -> None:
    # A PostgreSQL restart can break the connection between the route's last statement and the
    # session's closing rollback: the answer must still be the handler's 503, not a 500 sent
    # after a 200 had started.
    engine = create_db_engine(sqlite_url)
    client = make_client(engine)
    headers = bearer(tokens.mint())
    task = create_task(client, headers, USER_ID)

    def connection_lost(connection: object) -> None:
        raise OperationalError("ROLLBACK", {}, ConnectionError("server closed the connection"))

    event.listen(engine, "rollback", connection_lost)
    response = client.get(f"{TASKS}/{task['id']}", headers=headers)
    assert response.status_code == 503
    assert response.headers["retry-after"]
    engine.dispose()


def test_database_urls_pick_the_psycopg_driver() -> None:
    assert normalize_database_url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert normalize_database_url("postgresql://u@h/db?sslmode=require") == (
        "postgresql+psycopg://u@h/db?sslmode=require"
    )
    assert normalize_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_security_logs_are_json_and_never_hold_the_token(
    auth_client: TestClient, tokens: TokenFactory
) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger(name) for name in ("app", "better_auth_jwt")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        token = tokens.mint(iss="https://evil.example")
        auth_client.get(TASKS, headers=bearer(token))
        auth_client.get("/api/someone-else/tasks", headers=bearer(tokens.mint()))
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert {"event": "token_refused", "reason": "invalid_issuer"}.items() <= entries[0].items()
    assert entries[1]["event"] == "path_user_mismatch"
    for part in token.split("."):
        assert part not in stream.getvalue()


def test_served_module_builds_the_app(monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    import importlib

    import app.main
    from app.settings import get_settings

    get_settings.cache_clear()
    try:
        module = importlib.reload(app.main)
        assert module.app.title == "Tasks API"
    finally:
        get_settings.cache_clear()


def test_access_log_masks_a_token_put_in_a_url(tokens: TokenFactory) -> None:
    from app.logging import RedactTokens, configure_logging

    configure_logging()
    token = tokens.mint()
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:1", "GET", f"/api/u/tasks?access_token={token}", "1.1", 401),
        None,
    )
    assert any(isinstance(f, RedactTokens) for f in logging.getLogger("uvicorn.access").filters)
    for log_filter in logging.getLogger("uvicorn.access").filters:
        assert not isinstance(log_filter, logging.Filter) or log_filter.filter(record)
    message = record.getMessage()
    assert token not in message and "access_token=[redacted]" in message
