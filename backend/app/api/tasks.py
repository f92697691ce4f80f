"""The task API of DESIGN section 4: every route scoped to the verified user."""

import functools
from datetime import date
from typing import Annotated, Any, Literal, NamedTuple

import sqlalchemy as sa
from better_auth_jwt import AuthenticatedUser, PathUser
from fastapi import APIRouter, HTTPException, Path, Query, Request, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationInfo, field_validator
from sqlalchemy import Engine, Select
from sqlmodel import Session, col, func, select
from starlette.concurrency import run_in_threadpool

from app.db import SessionDep
from app.errors import AUTH_ERROR_RESPONSES, NOT_FOUND_RESPONSE
from app.models import (
    PRIORITY_RANK,
    TAG_MAX,
    Priority,
    Tag,
    Task,
    TaskCreate,
    TaskPublic,
    TasksPublic,
    TaskUpdate,
    collapse_whitespace,
    refuse_nul,
    tag_key,
    utc_now,
)
from app.recurrence import next_occurrence
from app.tags import remove_unused_tags, set_task_tags, tag_names, tasks_with_tag

router = APIRouter(prefix="/api/{user_id}/tasks", tags=["tasks"], responses=AUTH_ERROR_RESPONSES)

MAX_TASK_ID = 2**63 - 1
TaskId = Annotated[int, Path(ge=1, le=MAX_TASK_ID)]
NOT_FOUND = "Task not found"
TASK_COLUMNS = tuple(Task.__table__.columns)  # type: ignore[attr-defined]

StatusFilter = Literal["all", "pending", "completed"]
SortField = Literal["created", "title", "due_date", "priority"]
SortOrder = Literal["asc", "desc"]


class TaskListQuery(BaseModel):
    status: StatusFilter = "all"
    q: str | None = Field(
        default=None, max_length=200, description="Text searched in title and description"
    )
    sort: SortField = Field(default="created", description="priority ranks high > medium > low")
    order: SortOrder = "desc"
    limit: int = Field(default=50, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=MAX_TASK_ID)
    tag: str | None = Field(
        default=None, max_length=TAG_MAX, description="Tasks carrying this tag (any case)"
    )
    priority: Priority | None = None
    due_from: date | None = Field(default=None, description="Due on or after (inclusive)")
    due_to: date | None = Field(default=None, description="Due on or before (inclusive)")
    has_due_date: bool | None = Field(default=None, description="`true` or `false`")

    _no_nul = field_validator("q", "tag")(refuse_nul)
    _tag_spacing = field_validator("tag", mode="before")(collapse_whitespace)

    @field_validator("has_due_date", mode="before")
    @classmethod
    def _true_or_false(cls, value: Any) -> Any:
        # DESIGN's `true|false`: not the 1, yes, on or off that a query bool accepts by default.
        if isinstance(value, str) and value not in ("true", "false"):
            raise ValueError("must be true or false")
        return value

    @field_validator("due_to")
    @classmethod
    def _not_before_due_from(cls, value: date | None, info: ValidationInfo) -> date | None:
        due_from = info.data.get("due_from")
        if value is not None and due_from is not None and value < due_from:
            raise ValueError("must not be before due_from")
        return value


ListQuery = Annotated[TaskListQuery, Query()]


def get_owned_task(session: Session, user: AuthenticatedUser, task_id: int) -> Task:
    """The task if it exists and is the user's; otherwise the same 404 either way."""
    task = session.exec(select(Task).where(Task.id == task_id, Task.user_id == user.id)).first()
    if task is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail=NOT_FOUND)
    return task


def like_pattern(text: str) -> str:
    """`%text%` for LIKE … ESCAPE '/', with the text's own wildcards matched literally."""
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


class ListShape(NamedTuple):
    """What decides the SQL of a list query: which filters are set, and the order. The values
    themselves (the user, the search text, the dates, …) are bound parameters."""

    status: StatusFilter
    search: bool
    tag: bool
    priority: bool
    due_from: bool
    due_to: bool
    has_due_date: bool | None
    sort: SortField
    order: SortOrder


def search_text(query: TaskListQuery) -> str:
    return (query.q or "").strip().lower()


def list_shape(query: TaskListQuery) -> ListShape:
    return ListShape(
        status=query.status,
        search=bool(search_text(query)),
        tag=bool(query.tag),
        priority=query.priority is not None,
        due_from=query.due_from is not None,
        due_to=query.due_to is not None,
        has_due_date=query.has_due_date,
        sort=query.sort,
        order=query.order,
    )


def list_parameters(user: AuthenticatedUser, query: TaskListQuery) -> dict[str, Any]:
    """The values bound into the statement of the query's shape."""
    needle = search_text(query)
    return {
        "user_id": user.id,
        "pattern": like_pattern(needle) if needle else None,
        "tag_key": tag_key(query.tag) if query.tag else None,
        "priority": query.priority,
        "due_from": query.due_from,
        "due_to": query.due_to,
        "offset": query.offset,
        "limit": query.limit,
    }


def list_conditions(shape: ListShape) -> list[Any]:
    conditions: list[Any] = [Task.user_id == sa.bindparam("user_id")]
    if shape.status != "all":
        conditions.append(col(Task.completed) == (shape.status == "completed"))
    if shape.search:
        pattern = sa.bindparam("pattern", type_=sa.String)
        conditions.append(
            sa.or_(
                func.lower(Task.title).like(pattern, escape="/"),
                func.lower(func.coalesce(Task.description, "")).like(pattern, escape="/"),
            )
        )
    if shape.tag:
        tag = select(Tag.id).where(
            Tag.user_id == sa.bindparam("user_id"), Tag.key == sa.bindparam("tag_key")
        )
        conditions.append(col(Task.id).in_(tasks_with_tag(tag.scalar_subquery())))
    if shape.priority:
        conditions.append(Task.priority == sa.bindparam("priority"))
    if shape.due_from:
        conditions.append(col(Task.due_date) >= sa.bindparam("due_from"))
    if shape.due_to:
        conditions.append(col(Task.due_date) <= sa.bindparam("due_to"))
    if shape.has_due_date is not None:
        has = col(Task.due_date).is_not(None)
        conditions.append(has if shape.has_due_date else sa.not_(has))
    return conditions


def refuse_recurrence_without_due_date(task: Task, changed: dict[str, Any]) -> None:
    """An update may not leave a recurring task without a due date (a 422 naming the field sent)."""
    if task.recurrence is not None and task.due_date is None:
        field = "recurrence" if "recurrence" in changed else "due_date"
        raise RequestValidationError(
            [
                {
                    "type": "value_error",
                    "loc": ("body", field),
                    "msg": "Value error, a recurring task needs a due_date",
                    "input": changed.get(field),
                }
            ]
        )


def list_ordering(shape: ListShape) -> list[Any]:
    """The sort key, then the id (newest first when descending) so that pages never overlap."""
    key: Any = {
        "created": col(Task.created_at),
        "title": func.lower(Task.title),
        "due_date": col(Task.due_date),
        "priority": sa.case(
            {p.value: rank for p, rank in PRIORITY_RANK.items()}, value=Task.priority
        ),
    }[shape.sort]
    descending = shape.order == "desc"
    first = key.desc() if descending else key.asc()
    if shape.sort == "due_date":
        first = first.nulls_last()  # tasks without a due date come last either way
    return [first, col(Task.id).desc() if descending else col(Task.id).asc()]


@router.get("", response_model=TasksPublic)
async def list_tasks(request: Request, user: PathUser, query: ListQuery) -> Any:
    # The route the benchmarks load is async with its database work in one worker-thread hop; as a
    # sync route with SessionDep it took four (session, handler, response validation, session
    # close), a tenth of its cost (docs/BENCHMARKS.md).
    return await run_in_threadpool(list_page, request.app.state.engine, user, query)


# Built once per shape (at most a few hundred exist), then reused with new values: building the
# statements and their cache keys on every request cost the route more than a tenth
# (docs/BENCHMARKS.md).
@functools.lru_cache(maxsize=512)
def list_statements(shape: ListShape) -> tuple[Select[Any], Select[Any]]:
    """The page's statement (the rows, each with the count of all that match) and the count alone."""
    conditions = list_conditions(shape)
    count = sa.select(func.count()).select_from(Task).where(*conditions)
    page = (
        sa.select(*TASK_COLUMNS, count.scalar_subquery().label("total"))
        .where(*conditions)
        .order_by(*list_ordering(shape))
        .offset(sa.bindparam("offset"))
        .limit(sa.bindparam("limit"))
    )
    return page, count


def list_page(engine: Engine, user: AuthenticatedUser, query: TaskListQuery) -> dict[str, Any]:
    # Rows read on a connection, with the count in the page's own query: `Task` objects with their
    # tag links, a session, or a count query of its own each cost the route more than a tenth
    # (docs/BENCHMARKS.md).
    page, count = list_statements(list_shape(query))
    parameters = list_parameters(user, query)
    with engine.connect() as connection:
        rows = connection.execute(page, parameters).mappings().all()
        if rows:
            total = rows[0]["total"]
        else:  # an empty page has no row to carry the count
            total = connection.execute(count, parameters).scalar_one() if query.offset else 0
        tags = tag_names(connection, [row["id"] for row in rows])
    return {"items": [{**row, "tags": tags[row["id"]]} for row in rows], "total": total}


@router.post("", response_model=TaskPublic, status_code=status.HTTP_201_CREATED)
def create_task(session: SessionDep, user: PathUser, task_in: TaskCreate) -> Any:
    now = utc_now()
    task = Task.model_validate(
        task_in.model_dump(exclude={"tags"}),
        update={"user_id": user.id, "created_at": now, "updated_at": now},
    )
    session.add(task)
    set_task_tags(session, task, task_in.tags)
    session.commit()
    session.refresh(task)
    return task


@router.get("/{task_id}", response_model=TaskPublic, responses=NOT_FOUND_RESPONSE)
def read_task(session: SessionDep, user: PathUser, task_id: TaskId) -> Any:
    return get_owned_task(session, user, task_id)


@router.put("/{task_id}", response_model=TaskPublic, responses=NOT_FOUND_RESPONSE)
def update_task(session: SessionDep, user: PathUser, task_id: TaskId, task_in: TaskUpdate) -> Any:
    task = get_owned_task(session, user, task_id)
    changes = task_in.model_dump(exclude_unset=True, exclude={"tags"})
    if changes or task_in.tags is not None:
        task.sqlmodel_update(changes, update={"updated_at": utc_now()})
        refuse_recurrence_without_due_date(task, changes)
        if task_in.tags is not None:
            set_task_tags(session, task, task_in.tags)
            remove_unused_tags(session, user.id)
        session.add(task)
        session.commit()
        session.refresh(task)
    return task


@router.delete("/{task_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_FOUND_RESPONSE)
def delete_task(session: SessionDep, user: PathUser, task_id: TaskId) -> None:
    task = get_owned_task(session, user, task_id)
    session.delete(task)
    remove_unused_tags(session, user.id)
    session.commit()


@router.patch("/{task_id}/complete", response_model=TaskPublic, responses=NOT_FOUND_RESPONSE)
def toggle_task_completed(session: SessionDep, user: PathUser, task_id: TaskId) -> Any:
    """Flips `completed`; a recurring task turned completed creates its next occurrence, once.

    One UPDATE flips the flag in the database (a read-then-write would let two concurrent toggles
    lose one another), and it locks the task's row until the commit: Postgres makes a concurrent
    toggle wait for it, SQLite allows one writer at a time. So the check of `successor_id` below
    and the successor's insert happen with no other toggle of this task in between.
    """
    now = utc_now()
    task = session.exec(
        sa.update(Task)
        .where(col(Task.id) == task_id, col(Task.user_id) == user.id)
        .values(completed=sa.not_(col(Task.completed)), updated_at=now)
        .returning(Task)
    ).scalar_one_or_none()
    if task is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail=NOT_FOUND)
    if task.completed and task.recurrence is not None and task.successor_id is None:
        successor = next_occurrence(task, now)
        session.add(successor)
        session.flush()
        task.successor_id = successor.id
        session.add(task)
    session.commit()
    return task
