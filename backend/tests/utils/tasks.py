"""Factories for tasks, through the API (as users create them) or straight into the database."""

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session

from app.models import Task


def create_task(
    client: TestClient, headers: dict[str, str], user_id: str, **fields: Any
) -> dict[str, Any]:
    body = {"title": "Buy milk", **fields}
    response = client.post(f"/api/{user_id}/tasks", json=body, headers=headers)
    assert response.status_code == 201, response.text
    task: dict[str, Any] = response.json()
    return task


def insert_tasks(engine: Engine, user_id: str, count: int, **fields: Any) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with Session(engine) as session:
        for i in range(count):
            created = start + timedelta(minutes=i)
            session.add(
                Task(
                    user_id=user_id,
                    title=f"Task {i:05d}",
                    created_at=created,
                    updated_at=created,
                    **fields,
                )
            )
        session.commit()


def stored_rows(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM tasks ORDER BY id")).mappings().all()
    return [dict(row) for row in rows]


def stored_state(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Everything the task API writes: tasks, tags and their links (to check nothing changed)."""
    with engine.connect() as connection:
        return {
            table: [
                dict(row)
                for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))
                .mappings()
                .all()
            ]
            for table, order in (
                ("tasks", "id"),
                ("tags", "id"),
                ("task_tags", "task_id, position"),
            )
        }


def stored_tags(engine: Engine) -> list[tuple[str, str]]:
    """(user_id, name) of every stored tag."""
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT user_id, name FROM tags ORDER BY user_id, key"))
        return [(user_id, name) for user_id, name in rows]
