"""The task resource: table model, input models (validated) and public models (returned)."""

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StrictBool,
    StringConstraints,
    field_validator,
)
from sqlmodel import Field, SQLModel

TITLE_MAX = 200
DESCRIPTION_MAX = 1000


def refuse_nul(value: str) -> str:
    # Postgres text cannot hold NUL (0x00): refuse it as invalid input (422) rather than fail (500).
    if "\x00" in value:
        raise ValueError("must not contain NUL (0x00) characters")
    return value


NoNul = AfterValidator(refuse_nul)
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX), NoNul
]
Description = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=DESCRIPTION_MAX), NoNul
]


class Priority(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


PRIORITY_RANK = {Priority.low: 1, Priority.medium: 2, Priority.high: 3}


# 64-bit ids on Postgres (bigserial); plain INTEGER on SQLite, where only that is a rowid alias.
TaskIdType = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def utc_now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Stores UTC and always returns timezone-aware values, on SQLite as on Postgres."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC values")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Task(SQLModel, table=True):
    __tablename__ = "tasks"
    __table_args__ = (
        sa.Index("ix_tasks_user_id_completed", "user_id", "completed"),
        sa.Index("ix_tasks_user_id_created_at", "user_id", "created_at"),
        sa.CheckConstraint("priority IN ('low', 'medium', 'high')", name="ck_tasks_priority"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=TaskIdType)
    user_id: str = Field(max_length=255)
    title: str = Field(max_length=TITLE_MAX)
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX)
    completed: bool = False
    priority: Priority = Field(default=Priority.medium, sa_type=sa.String(6))
    due_date: date | None = None
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


def _blank_to_none(value: str | None) -> str | None:
    return value or None


def _require_iso_date(value: Any) -> Any:
    # JSON has no date type: accept only "YYYY-MM-DD" strings (not numbers read as timestamps).
    if value is not None and not isinstance(value, str | date):
        raise ValueError("must be a date string YYYY-MM-DD")
    return value


class TaskCreate(SQLModel):
    title: Title
    description: Description | None = None
    completed: StrictBool = False
    priority: Priority = Priority.medium
    due_date: date | None = None

    _description = field_validator("description")(_blank_to_none)
    _due_date = field_validator("due_date", mode="before")(_require_iso_date)


class TaskUpdate(SQLModel):
    """Every field optional: only the fields sent are changed; `null` clears description/due_date."""

    title: Title | None = None
    description: Description | None = None
    completed: StrictBool | None = None
    priority: Priority | None = None
    due_date: date | None = None

    _description = field_validator("description")(_blank_to_none)
    _due_date = field_validator("due_date", mode="before")(_require_iso_date)

    @field_validator("title", "completed", "priority", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be null; leave the field out to keep its value")
        return value


# Plain pydantic models, not SQLModel ones: they are only ever read, and SQLModel builds each nested
# item through Python hooks, which made validating a page of 20 tasks four times as slow.
class TaskPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: str
    title: str
    description: str | None
    completed: bool
    priority: Priority
    due_date: date | None
    created_at: datetime
    updated_at: datetime


class TasksPublic(BaseModel):
    items: list[TaskPublic]
    total: int
