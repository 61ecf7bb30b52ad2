"""Reminders for SLT measure deadlines (Veileder §6: the coordinator tracks the measures).

A reminder goes to the responsible person and to the coordinator: once when the deadline is
seven days away and once when it has passed, each exactly once through the core ledger.
The ledger key holds the deadline, so a measure whose deadline is moved is reminded again.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samarbeid import notify

from .models import SltMeasure

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


def due_measures(today: dt.date) -> list[SltMeasure]:
    """Open measures whose deadline is within seven days or has passed (one query)."""
    return list(
        SltMeasure.objects.open()
        .filter(ends_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
        .select_related("responsible__profile", "slt_model__coordinator__profile",
                        "slt_model__municipality", "level")
        .order_by("ends_on", "pk")
    )


def scan_measure_deadlines(today: dt.date | None = None) -> int:
    """Send due/overdue reminders; returns how many e-mails this run sent.

    A transport error on one e-mail is logged and the scan goes on; the ledger released
    that claim, so the next scan sends it (and only it)."""
    today = today or timezone.localdate()
    sent = 0
    for measure in due_measures(today):
        overdue = measure.ends_on < today
        kind = KIND_OVERDUE if overdue else KIND_DUE
        key = f"slt:measure:{measure.pk}:{'overdue' if overdue else 'due'}:{measure.ends_on:%Y-%m-%d}"
        # A title posted with a line break would make the subject an invalid header
        # (BadHeaderError): the reminder would fail on every scan and never be sent.
        title = " ".join(measure.title.split())
        with translation.override(settings.LANGUAGE_CODE):
            if overdue:
                subject = _("SLT measure overdue: %(title)s") % {"title": title}
            else:
                subject = _("SLT measure deadline in %(days)s days: %(title)s") % {
                    "days": (measure.ends_on - today).days, "title": title}
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
                logger.warning("SLT reminder %s failed; the next scan retries it", key)
    return sent
