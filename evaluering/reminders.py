"""Reminders before an evaluation is due and when it is overdue (Veileder §7), each exactly
once per due date and recipient through the core ledger (`notify.send_once`)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.urls import reverse
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


def scan(today: dt.date | None = None) -> int:
    """Send what is due; returns the number sent. A failed send is logged and left to the
    next scan (the ledger released the claim), so one bad address does not stop the rest."""
    ids = list(Evaluation.objects.filter(status=EvaluationStatus.COMPLETED)
               .values_list("municipality_id", flat=True).distinct())
    plans = {mid: p for mid, p in schedule.schedules(ids, today).items()
             if p.state in (schedule.State.DUE_SOON, schedule.State.OVERDUE)}
    if not plans:
        return 0
    memberships = (Membership.objects.active().filter(municipality_id__in=plans,
                                                      role__in=RECIPIENT_ROLES)
                   .select_related("user", "municipality").order_by("pk"))
    sent = 0
    failures = 0
    for membership in memberships:
        user = membership.user
        municipality = membership.municipality
        assert municipality is not None
        if not user.email or not user.is_active:
            continue
        plan = plans[municipality.pk]
        overdue = plan.state == schedule.State.OVERDUE
        kind = KIND_OVERDUE if overdue else KIND_DUE
        assert plan.next_due is not None
        subject = (_("Evaluation overdue: %(name)s") if overdue
                   else _("Evaluation due soon: %(name)s")) % {"name": municipality.name}
        try:
            if notify.send_once(
                key=f"evaluering:{kind}:{municipality.pk}:{plan.next_due.isoformat()}",
                recipient=user.email, user=user, kind=kind, subject=subject,
                template="evaluering/email/evaluation_due.txt",
                context={"municipality": municipality, "plan": plan, "overdue": overdue,
                         "url": settings.SITE_URL.rstrip("/") + reverse(
                             "evaluering:municipality_history", args=[municipality.number])},
            ):
                sent += 1
        except Exception:
            failures += 1
            logger.warning("evaluation reminder for municipality %s failed; retried next scan",
                           municipality.pk)
    if failures:
        logger.warning("evaluation reminders: %s sent, %s failed", sent, failures)
    return sent
