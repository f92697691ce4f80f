"""Deleted accounts leave nothing behind (DESIGN section 9): their rows go from every table.

The revocation feed names each deleted user; `deleted_users_purger` is called with those ids when
they first appear and again on every start (the feed keeps them), so it must be harmless to
repeat: a DELETE of rows that are already gone deletes nothing.
"""

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import Engine, delete
from sqlmodel import SQLModel
from starlette.concurrency import run_in_threadpool

from app import models  # noqa: F401  (registers every table in SQLModel.metadata)

logger = logging.getLogger("app.accounts")

# Ids per statement: far below any database's limit on bound parameters.
PURGE_BATCH = 500


def purge_users(engine: Engine, user_ids: list[str]) -> int:
    """Deletes every row of these users, in one transaction; returns how many rows went."""
    # Tables that others reference come last, so that no foreign key is left dangling.
    tables = [t for t in reversed(SQLModel.metadata.sorted_tables) if "user_id" in t.c]
    deleted = 0
    with engine.begin() as connection:
        for start in range(0, len(user_ids), PURGE_BATCH):
            batch = user_ids[start : start + PURGE_BATCH]
            for table in tables:
                result = connection.execute(delete(table).where(table.c.user_id.in_(batch)))
                deleted += max(result.rowcount, 0)
    return deleted


def deleted_users_purger(engine: Engine) -> Callable[[list[str]], Awaitable[None]]:
    """The handler the revocation feed calls with the ids of deleted accounts."""

    async def purge(user_ids: list[str]) -> None:
        deleted = await run_in_threadpool(purge_users, engine, user_ids)
        if deleted:
            logger.info(
                "deleted_users_purged",
                extra={"event": "deleted_users_purged", "users": len(user_ids), "rows": deleted},
            )

    return purge
