"""Writes for tasks: from the minutes, for a council, and their status."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samarbeid import audit
from samarbeid.models import AuditAction, Organisation

from .. import selectors
from ..models import (
    CouncilMember,
    PoliceCouncil,
    Task,
    TaskComment,
    TaskStatus,
)
from ._trail import _task_summary
from .counters import meeting_counters_refresh


@transaction.atomic
def council_task_create(*, council: PoliceCouncil, actor: Any, title: str, deadline: dt.date,
                        description: str = "", responsible_user: Any = None,
                        responsible_member: CouncilMember | None = None,
                        responsible_organisation: Organisation | None = None) -> Task:
    """A council task that does not come from minutes (e.g. a lesson from an evaluation, §7).
    It shows up as follow-up on the council's next agenda."""
    if responsible_member is not None and responsible_member.council_id != council.pk:
        raise ValidationError({"responsible_member": _("Choose a member of this council.")})
    task = Task(council=council, title=title, description=description, deadline=deadline,
                created_by=actor, responsible_member=responsible_member,
                responsible_organisation=responsible_organisation,
                responsible_user=responsible_user or (
                    responsible_member.user if responsible_member else None))
    task.full_clean()
    task.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=task, summary=_task_summary(task))
    from samarbeid.tasks import enqueue_on_commit

    from .. import tasks

    enqueue_on_commit(tasks.notify_task_assigned, task.pk)
    return task


def task_may_update(user: Any, task: Task) -> bool:
    if not user.is_authenticated:
        return False
    if user.pk in (task.responsible_user_id, task.created_by_id):
        return True
    if task.responsible_member_id and task.responsible_member \
            and task.responsible_member.user_id == user.pk:
        return True
    return selectors.can_work(user, task.council)


@transaction.atomic
def task_update_status(*, task: Task, actor: Any, status: str, comment: str = "") -> Task:
    """Change status with a comment; the history stays in TaskComment."""
    if not task_may_update(actor, task):
        raise PermissionDenied
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    if status == task.status and not comment.strip():
        raise ValidationError({"comment": _("Change the status or write a comment.")})
    previous = task.status
    TaskComment.objects.create(task=task, author=actor, text=comment.strip(),
                               status_from=previous if previous != status else "",
                               status_to=status if previous != status else "")
    if previous != status:
        task.status = status
        task.completed_at = timezone.now() if status == TaskStatus.DONE else None
        task.save(update_fields=["status", "completed_at"])  # re-arms the reminder too
        meeting_counters_refresh(meeting_ids=[task.meeting_id])
    # The comment may name people: the status change only (issue 7 §3).
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=task,
                 summary=f"status {previous}->{status}" if previous != status else "comment")
    return task
