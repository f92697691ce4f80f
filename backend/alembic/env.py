"""Alembic environment: migrates DATABASE_URL (or the URL a caller put in the config)."""

from logging.config import fileConfig

from sqlmodel import SQLModel

from alembic import context
from app import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from app.db import create_db_engine
from app.settings import get_settings

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata
OWNED_TABLES = {"tasks", "tags", "task_tags"}


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    # Never touch Better Auth's tables when both sides share one database.
    return type_ != "table" or name in OWNED_TABLES


def database_url() -> str:
    return config.attributes.get("database_url") or get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        include_name=include_name,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_db_engine(database_url())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            include_name=include_name,
            render_as_batch=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
