"""The backend's schema, applied the way `alembic upgrade head` applies it, in-process.

Alembic's command API with the backend's own alembic.ini: the same migrations and env.py as the
documented command, without a process start per database."""

from alembic import command
from alembic.config import Config

from test_support.paths import BACKEND_DIR


def _config(database_url: str) -> Config:
    config = Config(str(BACKEND_DIR / "alembic.ini"))
    # alembic.ini's `prepend_sys_path = .` is relative to the working directory: make it the
    # backend's, wherever the caller runs from, so env.py can import the app.
    config.set_main_option("prepend_sys_path", str(BACKEND_DIR))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logger"] = False
    return config


def migrate(database_url: str, revision: str = "head") -> None:
    command.upgrade(_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(_config(database_url), revision)
