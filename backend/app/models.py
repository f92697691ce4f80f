"""The task resource as one family of models: the shared fields (`TaskBase`), what a client may send
(`TaskCreate`, `TaskUpdate`), the table (`Task`) and what the API returns (`TaskPublic`, `TasksPublic`)."""

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Strict,
    StrictBool,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from sqlmodel import Field, Relationship, SQLModel

TITLE_MAX = 200
DESCRIPTION_MAX = 1000
TAG_MAX = 32
TAGS_PER_TASK = 10


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


def collapse_whitespace(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


def tag_key(name: str) -> str:
    """What makes two tag names the same tag: their case-folded form ("Work", "WORK", "work")."""
    return " ".join(name.split()).casefold()


def merge_duplicate_tags(names: list[str]) -> list[str]:
    """The first spelling of each tag, in the order given."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(tag_key(name), name)
    return list(seen.values())


def refuse_dot_segments(value: str) -> str:
    # A tag is a segment of its URL (`/tags/{name}`, slashes allowed); "." and ".." there are
    # removed by every URL parser, so a tag so named could never be renamed or deleted.
    if any(part in {".", ".."} for part in value.split("/")):
        raise ValueError('"." and ".." cannot be a tag, or a part of one between slashes')
    return value


TagName = Annotated[
    str,
    BeforeValidator(collapse_whitespace),
    StringConstraints(min_length=1, max_length=TAG_MAX),
    AfterValidator(refuse_nul),
    AfterValidator(refuse_dot_segments),
]
TagList = Annotated[
    list[TagName],
    Field(max_length=TAGS_PER_TASK, description="Merged case-insensitively, first spelling kept"),
    AfterValidator(merge_duplicate_tags),
]


class Frequency(StrEnum):
    daily = "daily"
    weekly = "weekly"
    monthly = "monthly"
    yearly = "yearly"


class Recurrence(BaseModel):
    # Strict: an interval of true or "2", or a key such as "until" that is not kept, is a 422.
    model_config = ConfigDict(extra="forbid")

    frequency: Frequency
    interval: Annotated[int, Strict()] = Field(
        default=1, ge=1, le=365, description="Every `interval` days, weeks, …"
    )


class RecurrenceType(sa.types.TypeDecorator[Recurrence]):
    """A recurrence rule as a JSON object in one column, read back as a `Recurrence`."""

    impl = sa.JSON
    cache_ok = True

    def process_bind_param(self, value: Recurrence | None, dialect: sa.Dialect) -> Any:
        return None if value is None else Recurrence.model_validate(value).model_dump(mode="json")

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Recurrence | None:
        return None if value is None else Recurrence.model_validate(value)


def _require_string(value: Any) -> Any:
    # JSON has no date type: accept only ISO 8601 strings (not numbers read as timestamps).
    if value is not None and not isinstance(value, str | date):
        raise ValueError("must be an ISO 8601 string")
    return value


class TaskBase(SQLModel):
    """The fields a client writes, with their rules (titles and descriptions are trimmed)."""

    title: str = Field(min_length=1, max_length=TITLE_MAX)
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX)
    completed: StrictBool = False
    priority: Priority = Field(default=Priority.medium, sa_type=sa.String(6))
    due_date: date | None = None
    remind_at: AwareDatetime | None = Field(
        default=None, sa_type=UTCDateTime, description="With a time zone; a naive time is refused"
    )
    recurrence: Recurrence | None = Field(
        default=None, sa_type=RecurrenceType, description="A recurring task needs a due_date"
    )

    _trimmed = field_validator("title", "description", mode="before")(strip_text)
    _no_nul = field_validator("title", "description")(refuse_nul)

    @field_validator("description")
    @classmethod
    def _blank_to_none(cls, value: str | None) -> str | None:
        return value or None

    _iso_strings = field_validator("due_date", "remind_at", mode="before")(_require_string)


class TaskCreate(TaskBase):
    tags: TagList = []

    @field_validator("recurrence")
    @classmethod
    def _needs_due_date(cls, value: Recurrence | None, info: ValidationInfo) -> Recurrence | None:
        if value is not None and info.data.get("due_date") is None:
            raise ValueError("a recurring task needs a due_date")
        return value


class TaskUpdate(TaskBase):
    """Every field optional: only the fields sent are changed; `null` clears description/due_date."""

    title: str | None = Field(default=None, min_length=1, max_length=TITLE_MAX)  # type: ignore[assignment]
    completed: StrictBool | None = None  # type: ignore[assignment]
    priority: Priority | None = None  # type: ignore[assignment]
    tags: TagList | None = None

    @field_validator("title", "completed", "priority", "tags", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be null; leave the field out to keep its value")
        return value


class Tag(SQLModel, table=True):
    """A user's tag, one spelling per case-insensitive name; it exists while a task carries it."""

    __tablename__ = "tags"
    __table_args__ = (sa.UniqueConstraint("user_id", "key", name="uq_tags_user_id_key"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=TaskIdType)
    user_id: str = Field(max_length=255)
    name: str = Field(max_length=TAG_MAX)
    # tag_key(name); case folding can lengthen a name ("ß" -> "ss").
    key: str = Field(max_length=4 * TAG_MAX)


class TaskTag(SQLModel, table=True):
    """A tag on a task, at its place in the task's list."""

    __tablename__ = "task_tags"
    # The primary key serves "the tags of these tasks"; the index serves "the tasks with this tag".
    __table_args__ = (sa.Index("ix_task_tags_tag_id_task_id", "tag_id", "task_id"),)

    # Optional only until the session fills them in from `task` and `tag`.
    task_id: int | None = Field(
        default=None,
        foreign_key="tasks.id",
        primary_key=True,
        ondelete="CASCADE",
        sa_type=TaskIdType,
    )
    tag_id: int | None = Field(
        default=None,
        foreign_key="tags.id",
        primary_key=True,
        ondelete="CASCADE",
        sa_type=TaskIdType,
    )
    position: int = 0
    tag: Tag = Relationship(sa_relationship_kwargs={"lazy": "joined", "innerjoin": True})


class Task(TaskBase, table=True):
    __tablename__ = "tasks"
    __table_args__ = (
        sa.Index("ix_tasks_user_id_completed", "user_id", "completed"),
        sa.Index("ix_tasks_user_id_created_at", "user_id", "created_at"),
        sa.Index("ix_tasks_user_id_due_date", "user_id", "due_date"),
        sa.CheckConstraint("priority IN ('low', 'medium', 'high')", name="ck_tasks_priority"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=TaskIdType)
    user_id: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    # The next occurrence this recurring task created, if any: set once, never cleared (not even
    # when that task is deleted), so completing a task creates at most one successor. No foreign
    # key, for the same reason.
    successor_id: int | None = Field(default=None, sa_type=TaskIdType)
    tag_links: list[TaskTag] = Relationship(
        sa_relationship_kwargs={
            "lazy": "selectin",
            "order_by": "TaskTag.position",
            "cascade": "all, delete-orphan",
        }
    )

    @property
    def tags(self) -> list[str]:
        return [link.tag.name for link in self.tag_links]


class TaskPublic(TaskBase):
    # Every field is always in a response: OpenAPI marks them required, defaults or not.
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)  # type: ignore[assignment]

    id: int
    user_id: str
    tags: list[str]
    created_at: datetime
    updated_at: datetime


class TasksPublic(SQLModel):
    items: list[TaskPublic]
    total: int


class TagPublic(SQLModel):
    name: str
    count: int = Field(description="How many of the user's tasks carry it")


class TagRename(SQLModel):
    name: TagName
