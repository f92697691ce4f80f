"""Alembic owns the tasks table: the migration matches the models and can be undone."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy import inspect
from sqlmodel import SQLModel
from test_support.migrations import downgrade, migrate

from app.db import create_db_engine, normalize_database_url


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
