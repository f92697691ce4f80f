"""Alembic owns the tasks table: the migration matches the models and can be undone."""

import secrets
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, col, select
from test_support.migrations import downgrade, migrate

from app.db import create_db_engine, normalize_database_url
from app.models import Task, TaskPublic


def test_migration_matches_the_models(database_url: str) -> None:
    engine = create_db_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [
            d
            for d in compare_metadata(context, SQLModel.metadata)
            if "alembic_version" not in str(d)
        ]
    engine.dispose()
    assert differences == []


def test_indexes_serve_per_user_queries(database_url: str) -> None:
    engine = create_db_engine(database_url)
    indexes = {ix["name"]: ix["column_names"] for ix in inspect(engine).get_indexes("tasks")}
    engine.dispose()
    assert indexes["ix_tasks_user_id_completed"] == ["user_id", "completed"]
    assert indexes["ix_tasks_user_id_created_at"] == ["user_id", "created_at"]
    assert indexes["ix_tasks_user_id_due_date"] == ["user_id", "due_date"]
    tag_indexes = {
        ix["name"]: ix["column_names"] for ix in inspect(engine).get_indexes("task_tags")
    }
    assert tag_indexes["ix_task_tags_tag_id_task_id"] == ["tag_id", "task_id"]


def test_upgrade_creates_the_sqlite_file_in_wal_mode(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'app.db'}"
    migrate(url)
    engine = create_db_engine(url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()
    downgrade(url, "base")
    raw = sa_create_engine(normalize_database_url(url))
    assert "tasks" not in inspect(raw).get_table_names()
    raw.dispose()


def test_migrations_leave_other_tables_alone(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    engine = create_db_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql('CREATE TABLE "user" (id TEXT PRIMARY KEY)')
        connection.exec_driver_sql("INSERT INTO \"user\" VALUES ('u1')")
    migrate(url)
    downgrade(url, "base")
    with engine.connect() as connection:
        assert connection.exec_driver_sql('SELECT id FROM "user"').scalar() == "u1"
    engine.dispose()


@pytest.mark.parametrize("url", ["sqlite://"])
def test_in_memory_sqlite_is_supported(url: str) -> None:
    create_db_engine(url).dispose()


@pytest.fixture
def empty_database_url(database_url: str) -> Iterator[str]:
    """A database of its own (a new file, or a new database in the Postgres cluster)."""
    url = make_url(normalize_database_url(database_url))
    name = f"upgrade_{secrets.token_hex(4)}"
    if url.get_backend_name() == "sqlite":
        assert url.database is not None
        yield str(url.set(database=str(Path(url.database).with_name(f"{name}.db"))))
        return
    admin = sa_create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")
        admin.dispose()


def test_upgrade_keeps_existing_tasks_and_gives_them_no_tags_reminder_or_recurrence(
    empty_database_url: str,
) -> None:
    migrate(empty_database_url, "0001")
    engine = create_db_engine(empty_database_url)
    created = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    rows = [
        {
            "user_id": "user-1",
            "title": f"Old task {n}",
            "description": "from before" if n else None,
            "completed": n == 1,
            "priority": "high",
            "due_date": date(2026, 12, n + 1),
            "created_at": created,
            "updated_at": created,
        }
        for n in range(3)
    ]
    old_tasks = sa.table("tasks", *(sa.column(name) for name in rows[0]))
    with engine.begin() as connection:
        connection.execute(sa.insert(old_tasks), rows)
    migrate(empty_database_url)
    with Session(engine) as session:
        tasks = session.exec(select(Task).order_by(col(Task.id))).all()
        assert [TaskPublic.model_validate(task).model_dump() for task in tasks] == [
            {
                **row,
                "id": n + 1,
                "tags": [],
                "remind_at": None,
                "recurrence": None,
            }
            for n, row in enumerate(rows)
        ]
        assert [task.successor_id for task in tasks] == [None] * 3
    # The upgraded database takes the new fields.
    with Session(engine) as session:
        task = session.get(Task, 1)
        assert task is not None
        task.remind_at = created
        session.add(task)
        session.commit()
    engine.dispose()
    downgrade(empty_database_url, "0001")
    raw = sa_create_engine(normalize_database_url(empty_database_url))
    with raw.connect() as connection:
        titles = connection.execute(sa.text("SELECT title FROM tasks ORDER BY id")).scalars().all()
    assert titles == ["Old task 0", "Old task 1", "Old task 2"]
    assert "tags" not in inspect(raw).get_table_names()
    raw.dispose()
