"""Core Celery tasks."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.db import transaction

from . import notify

logger = logging.getLogger(__name__)


@shared_task(name="samarbeid.tasks.run_reminder_scans")
def run_reminder_scans() -> dict[str, int]:
    """Beat entry point: every registered reminder scan, each claiming through the ledger."""
    return notify.run_all_scans()


@shared_task(name="samarbeid.tasks.ping")
def ping(value: str) -> str:
    """Round trip through the broker and a worker (health checks and the worker test)."""
    return f"pong:{value}"


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Enqueue after the transaction commits, so the worker sees the rows.

    A broker that is down must not break the web request, nor lose the work: the failure is
    logged and the task runs in this process instead (slower, never lost).
    """

    def _send() -> None:
        try:
            task.delay(*args, **kwargs)
        except Exception as exc:
            logger.warning("could not enqueue %s: %s; running it here", getattr(task, "name", task),
                           type(exc).__name__)
            try:
                task.apply(args=args, kwargs=kwargs)
            except Exception as inner:
                logger.error("%s failed in process: %s", getattr(task, "name", task),
                             type(inner).__name__)

    transaction.on_commit(_send)


@shared_task(name="samarbeid.tasks.send_password_reset")
def send_password_reset(email: str, domain: str, use_https: bool) -> int:
    """Django's reset e-mail, made here from the address: the token is made in the task, so
    no secret travels through the broker. Sends nothing for an unknown address."""
    from .forms import PasswordResetForm

    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return 0
    users = list(form.get_users(email))
    PasswordResetForm.save(form, domain_override=domain, use_https=use_https,
                           subject_template_name="registration/password_reset_subject.txt",
                           email_template_name="registration/password_reset_email.html")
    return len(users)
