"""E-mails at the council's hand-offs (issue #14): minutes published (to every member) and a
task given to someone (to the responsible). Sent once each through the ledger
(`notify.send_once`), from a task after commit; links on the configured site URL."""

from __future__ import annotations

import logging
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samarbeid import notify

from . import selectors
from .models import AccessLevel, Minutes, Task

logger = logging.getLogger(__name__)


def _send(**kwargs: Any) -> int:
    try:
        return int(notify.send_once(**kwargs))
    except Exception as exc:  # released by send_once: a retry of the task sends it
        logger.warning("%s not sent: %s", kwargs["key"], type(exc).__name__)
        return 0


def minutes_published(minutes_id: int) -> int:
    minutes = Minutes.objects.select_related("meeting__council").get(pk=minutes_id)
    meeting = minutes.meeting
    url = reverse("politirad:minutes", args=[meeting.pk])
    sent = 0
    for member in selectors.council_members(meeting.council):
        if not member.contact_email:
            continue
        sent += _send(key=f"politirad:minutes-published:{minutes.pk}",
                      recipient=member.contact_email, user=member.user,
                      subject=lambda: _("Minutes published: %(council)s, %(date)s") % {
                          "council": meeting.council.name,
                          "date": date_format(meeting.starts_at, "SHORT_DATE_FORMAT")},
                      template="politirad/email/minutes_published.txt",
                      context={"meeting": meeting, "member": member, "url": url})
    for task in Task.objects.filter(meeting=meeting).select_related("responsible_user", "entry"):
        sent += task_assigned(task.pk)
    return sent


def task_assigned(task_id: int) -> int:
    task = Task.objects.select_related("responsible_user", "council", "entry").get(pk=task_id)
    user = task.responsible_user
    if user is None or not user.is_active or not user.email:
        return 0
    # An exempt item's task is named in the portal only (offl. § 13), not in an e-mail.
    exempt = bool(task.entry and task.entry.access_level == AccessLevel.EXEMPT)
    return _send(key=f"politirad:task-assigned:{task.pk}", recipient=user.email, user=user,
                 subject=lambda: _("A task for you: %(council)s") % {"council": task.council.name},
                 template="politirad/email/task_assigned.txt",
                 context={"task": task, "exempt": exempt, "recipient": user,
                          "url": reverse("politirad:task_detail", args=[task.pk])})
