"""Reminders for SLT measure deadlines (Veileder §6: the coordinator tracks the measures).

A reminder goes to the responsible person and to the coordinator: once when the deadline is
seven days away and once when it has passed, each exactly once through the core ledger.
The ledger key holds the deadline, so a measure whose deadline is moved is reminded again.

The scan reads only what is due (issue #12): each measure stores when its next reminder
falls due (`next_reminder_at`, set by the services from `measure_next_reminder`), and a
scan claims a due row with a conditional UPDATE from the value it read to the next one
(healthchecks' `sendreports`), so a steady-state scan costs one indexed query however many
measures are open, and of two scans at once only one works on a row. The ledger still
guarantees no double send.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samarbeid import notify

from .models import OPEN_STATUSES, SltMeasure

logger = logging.getLogger(__name__)

DUE_SOON_DAYS = 7
KIND_DUE = "slt_measure_due"
KIND_OVERDUE = "slt_measure_overdue"


def _recipients(measure: SltMeasure) -> list[Any]:
    seen: set[str] = set()
    users = []
    for user in (measure.responsible, measure.slt_model.coordinator):
        if user is not None and user.is_active and user.email and user.email not in seen:
            seen.add(user.email)
            users.append(user)
    return users


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def measure_next_reminder(measure: SltMeasure, *, after: str = "") -> dt.datetime | None:
    """When the measure's next deadline reminder falls due, `after` the kind just sent
    ("due" or "overdue"); None when nothing more is to be sent (closed, or overdue sent)."""
    if measure.status not in OPEN_STATUSES or after == "overdue":
        return None
    if after == "due":
        return _midnight(measure.ends_on + dt.timedelta(days=1))
    return _midnight(measure.ends_on - dt.timedelta(days=DUE_SOON_DAYS))


def due_measures(today: dt.date) -> list[SltMeasure]:
    """Measures whose next reminder falls due by the end of `today` (one indexed query)."""
    return list(
        SltMeasure.objects.filter(next_reminder_at__lt=_midnight(today + dt.timedelta(days=1)))
        .select_related("responsible__profile", "slt_model__coordinator__profile",
                        "slt_model__municipality", "level")
        .order_by("next_reminder_at", "pk")
    )


def _claim(measure: SltMeasure, new: dt.datetime | None) -> bool:
    """Move the row from the value this scan read to the next one: 1 row means it is ours."""
    return SltMeasure.objects.filter(pk=measure.pk, next_reminder_at=measure.next_reminder_at
                                  ).update(next_reminder_at=new) == 1


def scan_measure_deadlines(today: dt.date | None = None) -> int:
    """Send due/overdue reminders; returns how many e-mails this run sent.

    A transport error on one e-mail is logged and the scan goes on; the ledger released
    that claim and the row's reminder is put back, so the next scan sends it (and only it)."""
    today = today or timezone.localdate()
    sent = 0
    for measure in due_measures(today):
        if measure.status not in OPEN_STATUSES:
            _claim(measure, None)
            continue
        overdue = measure.ends_on < today
        if not overdue and measure.ends_on > today + dt.timedelta(days=DUE_SOON_DAYS):
            _claim(measure, measure_next_reminder(measure))  # not yet: re-arm
            continue
        kind_code = "overdue" if overdue else "due"
        claimed_at = measure.next_reminder_at
        if not _claim(measure, measure_next_reminder(measure, after=kind_code)):
            continue  # another scan took it
        kind = KIND_OVERDUE if overdue else KIND_DUE
        key = f"slt:measure:{measure.pk}:{kind_code}:{measure.ends_on:%Y-%m-%d}"
        # A title posted with a line break would make the subject an invalid header
        # (BadHeaderError): the reminder would fail on every scan and never be sent.
        title = " ".join(measure.title.split())
        with translation.override(settings.LANGUAGE_CODE):
            if overdue:
                subject = _("SLT measure overdue: %(title)s") % {"title": title}
            else:
                subject = _("SLT measure deadline in %(days)s days: %(title)s") % {
                    "days": (measure.ends_on - today).days, "title": title}
        failed = False
        for user in _recipients(measure):
            try:
                if notify.send_once(
                    key=key, recipient=user.email, user=user, kind=kind, subject=subject,
                    template="slt/email/measure_deadline.txt",
                    context={"measure": measure, "overdue": overdue, "recipient": user,
                             "municipality": measure.slt_model.municipality},
                ):
                    sent += 1
            except Exception:
                failed = True
                logger.warning("SLT reminder %s failed; the next scan retries it", key)
        if failed:  # give the row back, unless a service re-armed it meanwhile
            SltMeasure.objects.filter(pk=measure.pk, next_reminder_at=measure_next_reminder(
                measure, after=kind_code)).update(next_reminder_at=claimed_at)
    return sent
