"""The task API of DESIGN section 4: every route scoped to the verified user."""

import functools
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from better_auth_jwt import AuthenticatedUser, PathUser
from fastapi import APIRouter, HTTPException, Path, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError
from sqlmodel import Session, col, func, select

from app.db import run_in_session, run_on_connection
from app.errors import AUTH_ERROR_RESPONSES, NOT_FOUND_RESPONSE
from app.models import (
    PRIORITY_RANK,
    NoNul,
    Task,
    TaskCreate,
    TaskPublic,
    TasksPublic,
    TaskUpdate,
    utc_now,
)

router = APIRouter(prefix="/api/{user_id}/tasks", tags=["tasks"], responses=AUTH_ERROR_RESPONSES)

MAX_TASK_ID = 2**63 - 1
TaskId = Annotated[int, Path(ge=1, le=MAX_TASK_ID)]


StatusFilter = Literal["all", "pending", "completed"]
SortField = Literal["created", "title", "due_date", "priority"]
SortOrder = Literal["asc", "desc"]


class TaskListQuery(BaseModel):
    status: StatusFilter = "all"
    q: Annotated[str, NoNul] | None = Field(
        default=None, max_length=200, description="Text searched in title and description"
    )
    sort: SortField = Field(default="created", description="priority ranks high > medium > low")
    order: SortOrder = "desc"
    limit: int = Field(default=50, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=MAX_TASK_ID)


def read_list_query(request: Request) -> TaskListQuery:
    """The list's query string, validated by pydantic in one call (as FastAPI would: the last of
    repeated values counts, unknown names are ignored, errors are a 422 at `["query", name]`).

    Not `Annotated[TaskListQuery, Query()]`: FastAPI reads a query model field by field in
    Python, about a tenth of this route's cost; `query_parameters` declares them to OpenAPI.
    """
    try:
        return TaskListQuery.model_validate(request.query_params)
    except ValidationError as error:
        errors = error.errors(include_url=False)
        raise RequestValidationError([{**e, "loc": ("query", *e["loc"])} for e in errors]) from None


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """The OpenAPI `parameters` FastAPI generates for a query model, one per field."""
    schema = model.model_json_schema()
    required = set(schema.get("required", ()))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": field,
            **({"description": field["description"]} if "description" in field else {}),
        }
        for name, field in schema["properties"].items()
    ]


NOT_FOUND = "Task not found"
_TASK_COLUMNS = tuple(Task.__table__.columns)  # type: ignore[attr-defined]
_TASK_COLUMN_NAMES = tuple(column.name for column in _TASK_COLUMNS)


def get_owned_task(session: Session, user: AuthenticatedUser, task_id: int) -> Task:
    """The task if it exists and is the user's; otherwise the same 404 either way."""
    task = session.exec(select(Task).where(Task.id == task_id, Task.user_id == user.id)).first()
    if task is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail=NOT_FOUND)
    return task


def _sort_key(sort: SortField) -> Any:
    if sort == "title":
        return func.lower(Task.title)
    if sort == "due_date":
        return col(Task.due_date)
    if sort == "priority":
        return sa.case({p.value: rank for p, rank in PRIORITY_RANK.items()}, value=Task.priority)
    return col(Task.created_at)


def like_pattern(text: str) -> str:
    """`%text%` for LIKE … ESCAPE '/', with the text's own wildcards matched literally."""
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


@functools.cache
def list_statements(
    status: StatusFilter, sort: SortField, order: SortOrder, search: bool
) -> tuple[sa.Select[Any], sa.Select[Any]]:
    """The page query and the count query of one list shape, built once.

    Every value (user id, search pattern, limit, offset) is a bound parameter, so the few dozen
    shapes are built and compiled once per process: building a statement and its cache key cost
    twice as much as running it.
    """
    conditions: list[Any] = [Task.user_id == sa.bindparam("user_id")]
    if status != "all":
        conditions.append(col(Task.completed) == (status == "completed"))
    if search:
        pattern = sa.bindparam("pattern", type_=sa.String())
        conditions.append(
            sa.or_(
                func.lower(Task.title).like(pattern, escape="/"),
                func.lower(func.coalesce(Task.description, "")).like(pattern, escape="/"),
            )
        )
    descending = order == "desc"
    key = _sort_key(sort)
    ordering = [key.desc() if descending else key.asc()]
    if sort == "due_date":
        ordering = [ordering[0].nulls_last()]  # tasks without a due date come last either way
    ordering.append(col(Task.id).desc() if descending else col(Task.id).asc())
    # One round trip: the page, with the count of all matches as an uncorrelated subquery (run
    # once, on the index alone; a count(*) OVER () window would read every match in full first).
    count = sa.select(func.count()).select_from(Task).where(*conditions)
    page = (
        sa.select(*_TASK_COLUMNS, count.scalar_subquery().label("total"))
        .where(*conditions)
        .order_by(*ordering)
        .offset(sa.bindparam("offset"))
        .limit(sa.bindparam("limit"))
    )
    return page, count


@router.get(
    "", response_model=TasksPublic, openapi_extra={"parameters": query_parameters(TaskListQuery)}
)
async def list_tasks(request: Request, user: PathUser) -> TasksPublic:
    return await run_on_connection(request, list_page, user, read_list_query(request))


def list_page(
    connection: sa.Connection, user: AuthenticatedUser, query: TaskListQuery
) -> TasksPublic:
    needle = (query.q or "").strip().lower()
    page, count = list_statements(query.status, query.sort, query.order, bool(needle))
    params = {"user_id": user.id, "limit": query.limit, "offset": query.offset}
    if needle:
        params["pattern"] = like_pattern(needle)
    rows = connection.execute(page, params).all()
    if rows:
        total = rows[0].total
    elif query.offset == 0:
        total = 0
    else:  # a page past the end has no row to carry the count
        total = connection.execute(count, params).scalar_one()
    # Plain columns, not ORM objects: the rows go straight into the public models.
    items = [dict(zip(_TASK_COLUMN_NAMES, row, strict=False)) for row in rows]  # total left out
    return TasksPublic.model_validate({"items": items, "total": total})


@router.post("", response_model=TaskPublic, status_code=status.HTTP_201_CREATED)
async def create_task(request: Request, user: PathUser, task_in: TaskCreate) -> TaskPublic:
    return await run_in_session(request, insert_task, user, task_in)


@router.get("/{task_id}", response_model=TaskPublic, responses=NOT_FOUND_RESPONSE)
async def read_task(request: Request, user: PathUser, task_id: TaskId) -> TaskPublic:
    return await run_in_session(request, read_owned_task, user, task_id)


@router.put("/{task_id}", response_model=TaskPublic, responses=NOT_FOUND_RESPONSE)
async def update_task(
    request: Request, user: PathUser, task_id: TaskId, task_in: TaskUpdate
) -> TaskPublic:
    return await run_in_session(request, change_task, user, task_id, task_in)


@router.delete("/{task_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_FOUND_RESPONSE)
async def delete_task(request: Request, user: PathUser, task_id: TaskId) -> Response:
    await run_in_session(request, remove_task, user, task_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.patch("/{task_id}/complete", response_model=TaskPublic, responses=NOT_FOUND_RESPONSE)
async def toggle_task_completed(request: Request, user: PathUser, task_id: TaskId) -> TaskPublic:
    return await run_in_session(request, toggle_completed, user, task_id)


# The work of each route, run in one worker thread with its own session (app.db.run_in_session);
# each returns the public model, built while the session is still open.


def insert_task(session: Session, user: AuthenticatedUser, task_in: TaskCreate) -> TaskPublic:
    now = utc_now()
    task = Task.model_validate(
        task_in, update={"user_id": user.id, "created_at": now, "updated_at": now}
    )
    session.add(task)
    session.commit()
    session.refresh(task)
    return TaskPublic.model_validate(task)


def read_owned_task(session: Session, user: AuthenticatedUser, task_id: int) -> TaskPublic:
    return TaskPublic.model_validate(get_owned_task(session, user, task_id))


def change_task(
    session: Session, user: AuthenticatedUser, task_id: int, task_in: TaskUpdate
) -> TaskPublic:
    task = get_owned_task(session, user, task_id)
    changes = task_in.model_dump(exclude_unset=True)
    if changes:
        task.sqlmodel_update(changes)
        task.updated_at = utc_now()
        session.add(task)
        session.commit()
        session.refresh(task)
    return TaskPublic.model_validate(task)


def remove_task(session: Session, user: AuthenticatedUser, task_id: int) -> None:
    task = get_owned_task(session, user, task_id)
    session.delete(task)
    session.commit()


def toggle_completed(session: Session, user: AuthenticatedUser, task_id: int) -> TaskPublic:
    # One UPDATE flips the flag in the database, so concurrent toggles never lose one another.
    toggled = session.exec(
        sa.update(Task)
        .where(col(Task.id) == task_id, col(Task.user_id) == user.id)
        .values(completed=sa.not_(col(Task.completed)), updated_at=utc_now())
    )
    if toggled.rowcount == 0:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail=NOT_FOUND)
    session.commit()
    return TaskPublic.model_validate(get_owned_task(session, user, task_id))
