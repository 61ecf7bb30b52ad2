"""Celery tasks of politirad: they take ids, and send through the reminder ledger."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="politirad.tasks.send_agenda")
def send_agenda(meeting_id: int) -> int:
    """Deliver the agenda of a meeting to every member who has not received this version."""
    from . import services

    return services.agenda_deliver(meeting_id=meeting_id)


@shared_task(name="politirad.tasks.notify_minutes_published")
def notify_minutes_published(minutes_id: int) -> int:
    """Issue #14: the members hear that the minutes are out; each responsible of a task."""
    from . import handoffs

    return handoffs.minutes_published(minutes_id)


@shared_task(name="politirad.tasks.notify_task_assigned")
def notify_task_assigned(task_id: int) -> int:
    from . import handoffs

    return handoffs.task_assigned(task_id)
