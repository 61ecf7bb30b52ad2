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
