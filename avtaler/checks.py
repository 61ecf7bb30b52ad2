"""Compliance checks for cooperation agreements (Veileder §3). Each evaluates a whole set of
municipalities in a fixed number of queries; registry.py registers CHECKS with the core."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samarbeid.compliance import Check, Finding, Status
from samarbeid.models import Municipality, Participation

from .models import Agreement, AgreementKind, AgreementStatus, VersionStatus

STALE_DRAFT_DAYS = 30
REVISION_SOON_DAYS = 30


def _agreement_rows(municipalities: QuerySet[Municipality]) -> dict[int, list[dict[str, Any]]]:
    rows: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in Agreement.objects.filter(
        kind=AgreementKind.MUNICIPALITY, municipality__in=municipalities.values("pk")
    ).values("pk", "municipality_id", "status", "in_force_version__number",
             "in_force_version__revision_due", "latest_version__status",
             "latest_version__number", "latest_version__created_at").order_by("pk"):
        rows[row["municipality_id"]].append(dict(row))
    return rows


def _url(pk: int) -> str:
    return reverse("avtaler:detail", args=[pk])


def evaluate_in_force(municipalities: QuerySet[Municipality]) -> dict[int, Finding]:
    """§3: the police shall offer the agreement; the municipality may decline (§2.3)."""
    rows = _agreement_rows(municipalities)
    out = {}
    for pk, participation, number in municipalities.values_list("pk", "participation", "number"):
        agreements = rows.get(pk, [])
        in_force = next((a for a in agreements if a["status"] == AgreementStatus.IN_FORCE), None)
        declined = next((a for a in agreements if a["status"] == AgreementStatus.DECLINED), None)
        open_ = next((a for a in agreements if a["status"] in (AgreementStatus.DRAFT,
                                                               AgreementStatus.SENT_FOR_SIGNING)), None)
        if in_force:
            out[pk] = Finding(Status.OK, _("Version %(n)s in force") % {
                "n": in_force["in_force_version__number"]}, _url(in_force["pk"]))
        elif open_:
            out[pk] = Finding(Status.WARN, _("Offered, not signed yet"), _url(open_["pk"]))
        elif declined or participation == Participation.DECLINED:
            out[pk] = Finding(Status.DECLINED, _("The municipality has declined"),
                              _url(declined["pk"]) if declined else "")
        else:
            out[pk] = Finding(Status.FAIL, _("No agreement offered"),
                              reverse("avtaler:create", args=[number]))
    return out


def evaluate_stale_draft(municipalities: QuerySet[Municipality]) -> dict[int, Finding]:
    """A draft left unsigned for more than 30 days: the offer has stalled (§3)."""
    rows = _agreement_rows(municipalities)
    limit = timezone.now() - dt.timedelta(days=STALE_DRAFT_DAYS)
    out = {}
    for pk, agreements in rows.items():
        open_ = [a for a in agreements if a["latest_version__status"] in (
            VersionStatus.DRAFT, VersionStatus.SENT_FOR_SIGNING)]
        if not open_:
            continue
        stale = [a for a in open_ if a["latest_version__created_at"] < limit]
        if stale:
            out[pk] = Finding(Status.WARN, _("Version %(n)s unsigned for more than %(d)s days") % {
                "n": stale[0]["latest_version__number"], "d": STALE_DRAFT_DAYS}, _url(stale[0]["pk"]))
        else:
            out[pk] = Finding(Status.OK, _("Draft in progress"), _url(open_[0]["pk"]))
    return out


def evaluate_revision(municipalities: QuerySet[Municipality]) -> dict[int, Finding]:
    """The plan for revision the parties agreed (§3): overdue is not met, soon is a warning."""
    rows = _agreement_rows(municipalities)
    today = timezone.localdate()
    out = {}
    for pk, agreements in rows.items():
        for a in agreements:
            due = a["in_force_version__revision_due"]
            if a["status"] != AgreementStatus.IN_FORCE:
                continue
            if due is None:
                out[pk] = Finding(Status.WARN, _("No revision plan"), _url(a["pk"]))
            elif due < today:
                out[pk] = Finding(Status.FAIL, _("Revision overdue since %(date)s") % {
                    "date": date_format(due, "SHORT_DATE_FORMAT")}, _url(a["pk"]))
            elif due <= today + dt.timedelta(days=REVISION_SOON_DAYS):
                out[pk] = Finding(Status.WARN, _("Revision due %(date)s") % {
                    "date": date_format(due, "SHORT_DATE_FORMAT")}, _url(a["pk"]))
            else:
                out[pk] = Finding(Status.OK, _("Revision due %(date)s") % {
                    "date": date_format(due, "SHORT_DATE_FORMAT")}, _url(a["pk"]))
    return out


CHECKS = [
    Check(code="agreement_in_force", label=gettext_lazy("Cooperation agreement"),
          rule=gettext_lazy("The police shall offer an agreement; the municipality may decline (§3)."),
          section="§3", app="avtaler", evaluate=evaluate_in_force, order=10),
    Check(code="agreement_draft_stale", label=gettext_lazy("Unsigned agreement draft"),
          rule=gettext_lazy("A draft should not stay unsigned for more than 30 days (§3)."),
          section="§3", app="avtaler", evaluate=evaluate_stale_draft, order=11),
    Check(code="agreement_revision", label=gettext_lazy("Agreement revision"),
          rule=gettext_lazy("The agreement is revised by the plan the parties agreed (§3)."),
          section="§3", app="avtaler", evaluate=evaluate_revision, order=12),
]
