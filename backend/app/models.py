"""The task resource as one family of models: the shared fields (`TaskBase`), what a client may send
(`TaskCreate`, `TaskUpdate`), the table (`Task`) and what the API returns (`TaskPublic`, `TasksPublic`)."""

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import ConfigDict, StrictBool, field_validator
from sqlmodel import Field, SQLModel

TITLE_MAX = 200
DESCRIPTION_MAX = 1000


def refuse_nul(value: str | None) -> str | None:
    # Postgres text cannot hold NUL (0x00): refuse it as invalid input (422) rather than fail (500).
    if value is not None and "\x00" in value:
        raise ValueError("must not contain NUL (0x00) characters")
    return value


def strip_text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


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


class TaskBase(SQLModel):
    """The fields a client writes, with their rules (titles and descriptions are trimmed)."""

    title: str = Field(min_length=1, max_length=TITLE_MAX)
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX)
    completed: StrictBool = False
    priority: Priority = Field(default=Priority.medium, sa_type=sa.String(6))
    due_date: date | None = None

    _trimmed = field_validator("title", "description", mode="before")(strip_text)
    _no_nul = field_validator("title", "description")(refuse_nul)

    @field_validator("description")
    @classmethod
    def _blank_to_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("due_date", mode="before")
    @classmethod
    def _require_iso_date(cls, value: Any) -> Any:
        # JSON has no date type: accept only "YYYY-MM-DD" strings (not numbers read as timestamps).
        if value is not None and not isinstance(value, str | date):
            raise ValueError("must be a date string YYYY-MM-DD")
        return value


class TaskCreate(TaskBase):
    pass


class TaskUpdate(TaskBase):
    """Every field optional: only the fields sent are changed; `null` clears description/due_date."""

    title: str | None = Field(default=None, min_length=1, max_length=TITLE_MAX)  # type: ignore[assignment]
    completed: StrictBool | None = None  # type: ignore[assignment]
    priority: Priority | None = None  # type: ignore[assignment]

    @field_validator("title", "completed", "priority", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be null; leave the field out to keep its value")
        return value


class Task(TaskBase, table=True):
    __tablename__ = "tasks"
    __table_args__ = (
        sa.Index("ix_tasks_user_id_completed", "user_id", "completed"),
        sa.Index("ix_tasks_user_id_created_at", "user_id", "created_at"),
        sa.CheckConstraint("priority IN ('low', 'medium', 'high')", name="ck_tasks_priority"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=TaskIdType)
    user_id: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class TaskPublic(TaskBase):
    # Every field is always in a response: OpenAPI marks them required, defaults or not.
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)  # type: ignore[assignment]

    id: int
    user_id: str
    created_at: datetime
    updated_at: datetime


class TasksPublic(SQLModel):
    items: list[TaskPublic]
    total: int
