"""Recurring tasks: the next occurrence of a completed one (DESIGN section 10)."""

from datetime import datetime

from dateutil.relativedelta import relativedelta

from app.models import Frequency, Recurrence, Task, TaskTag


def step(rule: Recurrence) -> relativedelta:
    """One step of the rule; month and year steps clamp to the month's end (relativedelta's rule:
    Jan 31 + 1 month = Feb 28 or 29, Feb 29 + 1 year = Feb 28)."""
    n = rule.interval
    match rule.frequency:
        case Frequency.daily:
            return relativedelta(days=n)
        case Frequency.weekly:
            return relativedelta(weeks=n)
        case Frequency.monthly:
            return relativedelta(months=n)
        case Frequency.yearly:
            return relativedelta(years=n)


def next_occurrence(task: Task, now: datetime) -> Task:
    """A pending copy of `task` (title, description, priority, tags, recurrence), one step later."""
    assert task.recurrence is not None and task.due_date is not None
    delta = step(task.recurrence)
    return Task(
        user_id=task.user_id,
        title=task.title,
        description=task.description,
        priority=task.priority,
        due_date=task.due_date + delta,
        remind_at=None if task.remind_at is None else task.remind_at + delta,
        recurrence=task.recurrence,
        created_at=now,
        updated_at=now,
        tag_links=[TaskTag(tag_id=link.tag_id, position=link.position) for link in task.tag_links],
    )
