"""Tags (a table per user and a join table), reminders and recurrence on tasks.

Existing tasks keep their data and get no tags, no reminder and no recurrence.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from app.models import RecurrenceType, TaskIdType, UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as tasks:
        tasks.add_column(sa.Column("remind_at", UTCDateTime(), nullable=True))
        tasks.add_column(sa.Column("recurrence", RecurrenceType(), nullable=True))
        tasks.add_column(sa.Column("successor_id", TaskIdType, nullable=True))
    op.create_index("ix_tasks_user_id_due_date", "tasks", ["user_id", "due_date"])
    op.create_table(
        "tags",
        sa.Column("id", TaskIdType, primary_key=True),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.UniqueConstraint("user_id", "key", name="uq_tags_user_id_key"),
    )
    op.create_table(
        "task_tags",
        sa.Column(
            "task_id", TaskIdType, sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "tag_id", TaskIdType, sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("position", sa.Integer(), nullable=False),
    )
    op.create_index("ix_task_tags_tag_id_task_id", "task_tags", ["tag_id", "task_id"])


def downgrade() -> None:
    op.drop_index("ix_task_tags_tag_id_task_id", table_name="task_tags")
    op.drop_table("task_tags")
    op.drop_table("tags")
    op.drop_index("ix_tasks_user_id_due_date", table_name="tasks")
    with op.batch_alter_table("tasks") as tasks:
        tasks.drop_column("successor_id")
        tasks.drop_column("recurrence")
        tasks.drop_column("remind_at")
