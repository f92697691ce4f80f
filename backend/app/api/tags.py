"""The user's tags (DESIGN section 10): counts, rename (merging), removal from every task."""

from typing import Annotated, Any

import sqlalchemy as sa
from better_auth_jwt import AuthenticatedUser, PathUser
from fastapi import APIRouter, HTTPException, Path, status
from sqlmodel import Session, col, func, select

from app.db import SessionDep
from app.errors import AUTH_ERROR_RESPONSES, TAG_NOT_FOUND_RESPONSE
from app.models import Tag, TagPublic, TagRename, Task, TaskTag, tag_key, utc_now
from app.tags import find_user_tag, remove_unused_tags, tasks_with_tag

router = APIRouter(prefix="/api/{user_id}/tags", tags=["tags"], responses=AUTH_ERROR_RESPONSES)

NOT_FOUND = "Tag not found"
TagPath = Annotated[str, Path(description="The tag's name, in any case (URL-encoded)")]


def get_owned_tag(session: Session, user: AuthenticatedUser, name: str) -> Tag:
    """The user's tag of this name; a missing one and another user's are the same 404."""
    # No tag holds NUL (Postgres text cannot): not one to look for.
    tag = None if "\x00" in name else find_user_tag(session, user.id, name)
    if tag is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail=NOT_FOUND)
    return tag


def count_tag(session: Session, tag: Tag) -> TagPublic:
    count = session.exec(select(func.count()).where(TaskTag.tag_id == tag.id)).one()
    return TagPublic(name=tag.name, count=count)


def touch_tasks_with(session: Session, tag: Tag) -> None:
    """Marks the tasks carrying the tag as changed (their tag list is about to change)."""
    session.exec(
        sa.update(Task).where(col(Task.id).in_(tasks_with_tag(tag.id))).values(updated_at=utc_now())
    )


@router.get("", response_model=list[TagPublic])
def list_tags(session: SessionDep, user: PathUser) -> Any:
    rows = session.exec(
        select(Tag.name, func.count(col(TaskTag.task_id)))
        .join(TaskTag, col(TaskTag.tag_id) == Tag.id)
        .where(Tag.user_id == user.id)
        .group_by(col(Tag.id), col(Tag.name), col(Tag.key))
        .order_by(col(Tag.key), col(Tag.name))
    ).all()
    return [TagPublic(name=name, count=count) for name, count in rows]


# `{name:path}`: a tag may hold "/" (a client sends it as %2F, which the server decodes first).
@router.patch("/{name:path}", response_model=TagPublic, responses=TAG_NOT_FOUND_RESPONSE)
def rename_tag(session: SessionDep, user: PathUser, name: TagPath, tag_in: TagRename) -> Any:
    """Renames the tag on all of the user's tasks; into an existing tag's name, merges the two."""
    tag = get_owned_tag(session, user, name)
    target = find_user_tag(session, user.id, tag_in.name)
    touch_tasks_with(session, tag)
    if target is None or target.id == tag.id:
        tag.sqlmodel_update({"name": tag_in.name, "key": tag_key(tag_in.name)})
        session.add(tag)
    else:
        # Tasks that carry both keep the target at its own place; the others get it at this one's.
        session.exec(
            sa.update(TaskTag)
            .where(
                col(TaskTag.tag_id) == tag.id,
                col(TaskTag.task_id).not_in(tasks_with_tag(target.id)),
            )
            .values(tag_id=target.id)
        )
        session.exec(sa.delete(TaskTag).where(col(TaskTag.tag_id) == tag.id))
        session.delete(tag)
        tag = target
    session.commit()
    return count_tag(session, tag)


@router.delete(
    "/{name:path}", status_code=status.HTTP_204_NO_CONTENT, responses=TAG_NOT_FOUND_RESPONSE
)
def delete_tag(session: SessionDep, user: PathUser, name: TagPath) -> None:
    tag = get_owned_tag(session, user, name)
    touch_tasks_with(session, tag)
    session.exec(sa.delete(TaskTag).where(col(TaskTag.tag_id) == tag.id))
    session.delete(tag)
    remove_unused_tags(session, user.id)
    session.commit()
