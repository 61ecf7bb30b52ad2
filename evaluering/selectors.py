"""Reads of evaluations shared by views, reports, reminders and the municipality panel."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# A real domain link (ARCHITECTURE "Dependencies point one way"): an evaluation may be
# of one police council or thematic forum, picked from the councils the user works in.
from politirad.selectors import councils
from samarbeid import access, facts
from samarbeid.compliance import Finding, Status
from samarbeid.models import Municipality, Participation
from samarbeid.sections import Item

from . import schedule
from .models import Evaluation, EvaluationStatus, SubjectKind


def follows_in_reports(user: Any) -> bool:
    """Administrators and police leadership follow evaluations in the reports across
    municipalities (the `rapporter` app) rather than in a list of hundreds."""
    return access.is_administrator(user) or bool(access.roles(user).leadership_units)


def evaluations_for(user: Any, level: access.Level = access.Level.VIEW) -> QuerySet[Evaluation]:
    return access.scope(Evaluation.objects.all(), user, level).select_related(
        "municipality", "municipality__county", "municipality__police_district")


def evaluation_list(*, user: Any, q: str = "", status: str = "", method: str = "",
                    municipality: str = "") -> QuerySet[Evaluation]:
    qs = evaluations_for(user).annotate(n_responses=Count("responses"))
    if q:
        qs = qs.filter(Q(municipality__name__icontains=q) | Q(subject_name__icontains=q)
                       | Q(summary__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if method:
        qs = qs.filter(method=method)
    if municipality:
        qs = qs.filter(municipality__number=municipality)
    return qs.order_by("-period_end", "-pk")


def councils_for_evaluation(user: Any) -> list[Any]:
    """Councils and thematic forums the user may work in, to pick the evaluated forum."""
    return list(councils(user, access.Level.WORK).select_related("municipality")
                .order_by("municipality__name", "name")[:200])


def history(*, municipality: Municipality, subject_kind: str = "",
            subject_id: int | None = None) -> list[Evaluation]:
    """Completed evaluations of a municipality, newest first, for the side-by-side view."""
    qs = Evaluation.objects.filter(municipality=municipality, status=EvaluationStatus.COMPLETED)
    if subject_kind:
        qs = qs.filter(subject_kind=subject_kind, subject_id=subject_id)
    return list(qs.prefetch_related("follow_ups").order_by("-period_end", "-pk")[:6])


def latest_completed(municipality: Municipality) -> Evaluation | None:
    return (Evaluation.objects.filter(municipality=municipality,
                                      status=EvaluationStatus.COMPLETED)
            .order_by("-period_end", "-pk").first())


# --- Facts beside the questions (§7: start the discussion from evidence) ----------------

# What the core's facts registry is told is evaluated (samarbeid.facts.Period.scope).
_SCOPES = {SubjectKind.POLICE_COUNCIL: "council", SubjectKind.THEMATIC_FORUM: "council",
           SubjectKind.SLT: "slt", SubjectKind.AGREEMENT: "whole"}


def period_facts(evaluation: Evaluation) -> list[dict[str, Any]]:
    """What the portal knows about the period. A completed evaluation shows the facts it
    was completed with, so history reads the same later."""
    if evaluation.is_completed and evaluation.facts:
        return list(evaluation.facts)
    # The council and SLT apps register their facts with the core (samarbeid.facts); the
    # evaluation does not reach into their models.
    scope = _SCOPES.get(SubjectKind(evaluation.subject_kind), "whole")
    period = facts.Period(
        municipality_id=evaluation.municipality_id, start=evaluation.period_start,
        end=evaluation.period_end, scope=scope,
        council_id=evaluation.subject_id if scope == "council" else None)
    return [asdict(f) for f in facts.collect(period)]


# --- Compliance check: evaluation done in its period (§7) ------------------------------


def evaluation_findings(municipalities: QuerySet[Municipality]) -> dict[int, Finding]:
    """Two queries plus the agreement terms, whatever the number of municipalities."""
    rows = list(municipalities.values_list("pk", "number", "participation"))
    plans = schedule.schedules([pk for pk, _n, _p in rows])
    base = reverse("evaluering:municipality_history", args=["0000"])[:-5]
    out: dict[int, Finding] = {}
    for pk, number, participation in rows:
        plan = plans[pk]
        url = f"{base}{number}/"
        if plan.next_due is None:
            if participation == Participation.DECLINED:
                out[pk] = Finding(Status.DECLINED, _("The municipality has declined"), url)
            else:
                out[pk] = Finding(Status.WARN, _("No evaluation recorded yet"), url)
            continue
        due = date_format(plan.next_due, "SHORT_DATE_FORMAT")
        if plan.state == schedule.State.OVERDUE:
            out[pk] = Finding(Status.WARN, _("Overdue since %(date)s") % {"date": due}, url)
        else:
            out[pk] = Finding(Status.OK, _("Next due %(date)s") % {"date": due}, url)
    return out


def next_due_label(plan: schedule.Schedule) -> str:
    if plan.next_due is None:
        return _("Not evaluated yet")
    return date_format(plan.next_due, "SHORT_DATE_FORMAT")


def schedule_for(municipality: Municipality, today: dt.date | None = None) -> schedule.Schedule:
    return schedule.schedules([municipality.pk], today)[municipality.pk]


def due_items(user: Any, limit: int = 20) -> list[Any]:
    """Home-page reminders: evaluations due soon or overdue where the user works (§7)."""
    municipalities = list(access.municipalities(user, access.Level.WORK)
                          .order_by("name").annotate(last=schedule.last_completed_q())
                          .values_list("pk", "number", "name", "last")[:limit])
    plans = schedule.schedules_from([pk for pk, _n, _name, _last in municipalities],
                                    {pk: last for pk, _n, _name, last in municipalities},
                                    evaluated_only=True)
    base = reverse("evaluering:municipality_history", args=["0000"])[:-5]
    items = []
    for pk, number, name, _last in municipalities:
        plan = plans[pk]
        if plan.state not in (schedule.State.DUE_SOON, schedule.State.OVERDUE):
            continue
        overdue = plan.state == schedule.State.OVERDUE
        items.append(Item(
            title=_("Evaluate the cooperation in %(name)s") % {"name": name},
            url=f"{base}{number}/", when=plan.next_due,
            detail=str(_("Overdue.") if overdue else _("Due soon.")), overdue=overdue))
    return items
