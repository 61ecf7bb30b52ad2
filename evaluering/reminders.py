"""Reminders before an evaluation is due and when it is overdue (Veileder §7), each exactly
once per due date and recipient through the core ledger (`notify.send_once`)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samarbeid import notify
from samarbeid.models import Membership, Role

from . import schedule
from .models import Evaluation, EvaluationStatus

logger = logging.getLogger(__name__)

KIND_DUE = "evaluation_due"
KIND_OVERDUE = "evaluation_overdue"
# Who answers for the cooperation in the municipality: its leaders and its police contact.
RECIPIENT_ROLES = [Role.MUNICIPAL_LEADER, Role.POLICE_CONTACT]


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _next_reminder(plan: schedule.Schedule, *, after: str = "") -> dt.datetime | None:
    """When the municipality's next reminder falls due, `after` the state just reminded
    (DUE_SOON or OVERDUE), or None when nothing more is to be sent for this due date."""
    if plan.next_due is None or after == schedule.State.OVERDUE:
        return None
    if after == schedule.State.DUE_SOON:
        return _midnight(plan.next_due + dt.timedelta(days=1))  # overdue from the day after
    return _midnight(plan.next_due - dt.timedelta(days=schedule.DUE_SOON_DAYS))


def arm(municipality_ids: Iterable[int]) -> None:
    """(Re)arm the reminders of these municipalities from their schedule: on the latest
    completed evaluation, none on the others. Called when an evaluation is completed and
    when an agreement (the interval, §7) comes into force."""
    ids = list(municipality_ids)
    if not ids:
        return
    plans = schedule.schedules(ids)
    latest: dict[int, int] = {}
    for mid, pk in (Evaluation.objects.filter(municipality_id__in=ids,
                                              status=EvaluationStatus.COMPLETED)
                    .order_by("period_end", "pk").values_list("municipality_id", "pk")):
        latest[mid] = pk  # the last one wins
    Evaluation.objects.filter(municipality_id__in=ids, next_reminder_at__isnull=False).exclude(
        pk__in=latest.values()).update(next_reminder_at=None)
    for mid, pk in latest.items():
        Evaluation.objects.filter(pk=pk).update(next_reminder_at=_next_reminder(plans[mid]))


def scan(today: dt.date | None = None) -> int:
    """Send what is due; returns the number sent. A failed send is logged and left to the
    next scan (the ledger released the claim, the row is given back), so one bad address
    does not stop the rest.

    Reads only the evaluations whose `next_reminder_at` has come (issue #12) and claims
    each (a conditional UPDATE) to the next reminder before anything is sent."""
    today = today or timezone.localdate()
    due = list(Evaluation.objects.filter(next_reminder_at__lt=_midnight(today + dt.timedelta(days=1)))
               .order_by("next_reminder_at", "pk").only("pk", "municipality_id", "next_reminder_at"))
    if not due:
        return 0
    schedules = schedule.schedules({e.municipality_id for e in due}, today)
    plans: dict[int, schedule.Schedule] = {}
    claimed: dict[int, tuple[Evaluation, dt.datetime | None]] = {}
    for row in due:
        plan = schedules[row.municipality_id]
        if plan.state not in (schedule.State.DUE_SOON, schedule.State.OVERDUE):
            _claim(row, _next_reminder(plan))  # not yet (or no longer): re-arm
            continue
        following = _next_reminder(plan, after=plan.state)
        if _claim(row, following) and row.municipality_id not in plans:
            plans[row.municipality_id] = plan
            claimed[row.municipality_id] = (row, following)
    if not plans:
        return 0
    notify.preload(_key(mid, plan) for mid, plan in plans.items())
    memberships = (Membership.objects.active().filter(municipality_id__in=plans,
                                                      role__in=RECIPIENT_ROLES)
                   .select_related("user", "municipality").order_by("pk"))
    sent = 0
    failed: set[int] = set()
    for membership in memberships:
        user = membership.user
        municipality = membership.municipality
        assert municipality is not None
        if not user.email or not user.is_active:
            continue
        plan = plans[municipality.pk]
        overdue = plan.state == schedule.State.OVERDUE
        kind = KIND_OVERDUE if overdue else KIND_DUE
        subject = (_("Evaluation overdue: %(name)s") if overdue
                   else _("Evaluation due soon: %(name)s")) % {"name": municipality.name}
        try:
            if notify.send_once(
                key=_key(municipality.pk, plan),
                recipient=user.email, user=user, kind=kind, subject=subject,
                template="evaluering/email/evaluation_due.txt",
                context={"municipality": municipality, "plan": plan, "overdue": overdue,
                         "url": settings.SITE_URL.rstrip("/") + reverse(
                             "evaluering:municipality_history", args=[municipality.number])},
            ):
                sent += 1
        except Exception:
            failed.add(municipality.pk)
            logger.warning("evaluation reminder for municipality %s failed; retried next scan",
                           municipality.pk)
    for mid in failed:  # give the row back so the next scan retries, unless re-armed
        row, following = claimed[mid]
        Evaluation.objects.filter(pk=row.pk, next_reminder_at=following).update(
            next_reminder_at=row.next_reminder_at)
    if failed:
        logger.warning("evaluation reminders: %s sent, %s municipalities failed", sent,
                       len(failed))
    return sent


def _key(municipality_id: int, plan: schedule.Schedule) -> str:
    kind = KIND_OVERDUE if plan.state == schedule.State.OVERDUE else KIND_DUE
    assert plan.next_due is not None
    return f"evaluering:{kind}:{municipality_id}:{plan.next_due.isoformat()}"


def _claim(row: Evaluation, new: dt.datetime | None) -> bool:
    """Move the row from the value this scan read to the next one (a conditional UPDATE,
    like healthchecks' `sendreports`): 1 row means this scan owns the reminder."""
    return Evaluation.objects.filter(pk=row.pk, next_reminder_at=row.next_reminder_at
                                     ).update(next_reminder_at=new) == 1
