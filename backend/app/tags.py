"""Storing tags: one row per user and case-insensitive name, linked to the tasks that carry it."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.models import Tag, Task, TaskTag, tag_key


def user_tags(session: Session, user_id: str, names: Sequence[str]) -> list[Tag]:
    """The user's tags of these names, in the same order, created where missing.

    An upsert, so two requests adding the same new tag at once both succeed (a plain insert would
    fail the second on the unique (user_id, key) constraint). Its no-op update of an existing tag
    locks the row until this transaction ends, so `remove_unused_tags` in another one cannot drop
    a tag this one is linking.
    """
    if not names:
        return []
    keys = [tag_key(name) for name in names]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Tag).values(
        [{"user_id": user_id, "name": n, "key": k} for n, k in zip(names, keys, strict=True)]
    )
    session.exec(
        statement.on_conflict_do_update(
            index_elements=["user_id", "key"], set_={"key": statement.excluded.key}
        )
    )
    found = session.exec(select(Tag).where(Tag.user_id == user_id, col(Tag.key).in_(keys))).all()
    by_key = {tag.key: tag for tag in found}
    return [by_key[key] for key in keys]


def set_task_tags(session: Session, task: Task, names: Sequence[str]) -> None:
    """Gives the task exactly these tags, in this order (links it already has are kept)."""
    tags = user_tags(session, task.user_id, names)
    links = {link.tag_id: link for link in task.tag_links}
    task.tag_links = [links.get(tag.id) or TaskTag(tag=tag) for tag in tags]
    for position, link in enumerate(task.tag_links):
        link.position = position


# Built once, the task ids bound as one expanding parameter (see list_statements in app.api.tasks).
PAGE_TAGS = (
    select(TaskTag.task_id, Tag.name)
    .join(Tag, col(Tag.id) == TaskTag.tag_id)
    .where(col(TaskTag.task_id).in_(sa.bindparam("task_ids", expanding=True)))
    .order_by(col(TaskTag.task_id), col(TaskTag.position))
)


def tag_names(connection: sa.Connection, task_ids: Sequence[int]) -> defaultdict[int, list[str]]:
    """The tags of these tasks, each task's in its order, in one query."""
    names: defaultdict[int, list[str]] = defaultdict(list)
    if task_ids:
        for task_id, name in connection.execute(PAGE_TAGS, {"task_ids": list(task_ids)}):
            names[task_id].append(name)
    return names


def remove_unused_tags(session: Session, user_id: str) -> None:
    """A tag exists while a task carries it: drops the user's tags no task carries any more.

    In two statements: the unused tags are locked first, then deleted if still unused. A request
    linking one of them at the same time holds its lock (`user_tags`); the lock is granted once it
    has committed, and the second statement, with a snapshot taken after that, sees its link.
    """
    session.flush()
    carried = select(TaskTag.tag_id).where(TaskTag.tag_id == Tag.id)
    unused = session.exec(
        select(Tag.id).where(Tag.user_id == user_id, ~carried.exists()).with_for_update()
    ).all()
    if unused:
        session.exec(sa.delete(Tag).where(col(Tag.id).in_(unused), ~carried.exists()))


def find_user_tag(session: Session, user_id: str, name: str) -> Tag | None:
    return session.exec(select(Tag).where(Tag.user_id == user_id, Tag.key == tag_key(name))).first()


def tasks_with_tag(tag_id: Any) -> SelectOfScalar[int | None]:
    """The ids of the tasks carrying a tag (an id, or a subquery giving one)."""
    return select(col(TaskTag.task_id)).where(TaskTag.tag_id == tag_id)
