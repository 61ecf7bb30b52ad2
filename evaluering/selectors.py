"""Reads of evaluations shared by views, reports, reminders and the municipality panel."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from politirad.selectors import council_facts as read_council_facts
from politirad.selectors import councils
from samarbeid import access
from samarbeid.compliance import Finding, Status
from samarbeid.models import Municipality, Participation
from slt.models import Measure as SltMeasure

from . import schedule
from .models import Evaluation, EvaluationStatus, SubjectKind

logger = logging.getLogger(__name__)


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


@dataclass
class Fact:
    key: str
    label: str
    value: str
    available: bool
    source: str = ""


def _not_available(key: str, label: str, source: str) -> Fact:
    return Fact(key, label, _("Not available: %(source)s is not in use in the portal yet.")
                % {"source": source}, False, source)


def _council_ids(evaluation: Evaluation) -> list[int]:
    """Which councils the facts are about: the forum itself, or (for the agreement as a
    whole) every council and thematic forum of the municipality."""
    if evaluation.subject_kind in (SubjectKind.POLICE_COUNCIL, SubjectKind.THEMATIC_FORUM):
        return [evaluation.subject_id] if evaluation.subject_id else []
    from politirad.models import PoliceCouncil

    return list(PoliceCouncil.objects.filter(municipality_id=evaluation.municipality_id)
                .values_list("pk", flat=True))


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f} %"


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def council_facts(evaluation: Evaluation) -> list[Fact]:
    """Meetings held against the target (§4.1.2), agendas sent in time, tasks done by their
    deadline and leadership attendance (§4.1.1), read from the council app."""
    source = _("the police council module")
    labels = [
        ("meetings", _("Meetings held against the target")),
        ("agendas", _("Agendas sent in time")),
        ("tasks", _("Tasks done by their deadline")),
        ("leadership", _("Meetings with municipal and police leadership present")),
    ]
    if evaluation.subject_kind == SubjectKind.SLT:
        return []
    try:
        ids = _council_ids(evaluation)
        if not ids:
            return [Fact(k, str(label), _("No police council is registered in the portal."),
                         False, source) for k, label in labels]
        rows = list(read_council_facts(ids, evaluation.period_start, evaluation.period_end).values())
    except Exception:  # a read in another app must not break the evaluation page
        logger.exception("council facts failed for evaluation %s", evaluation.pk)
        return [_not_available(k, str(label), source) for k, label in labels]
    held = sum(r.meetings_held for r in rows)
    target = sum(r.target for r in rows)
    return [
        Fact("meetings", str(labels[0][1]),
             _("%(held)s of %(target)s") % {"held": held, "target": target}, True, source),
        Fact("agendas", str(labels[1][1]), _pct(_mean([r.agendas_in_time_share for r in rows])),
             True, source),
        Fact("tasks", str(labels[2][1]),
             _pct(_mean([r.tasks_done_by_deadline_share for r in rows])), True, source),
        Fact("leadership", str(labels[3][1]),
             _pct(_mean([r.leadership_attendance_share for r in rows])), True, source),
    ]


def slt_facts(evaluation: Evaluation) -> list[Fact]:
    """SLT measures started in the period (§6), when the SLT app is there."""
    source = _("the SLT module")
    label = _("SLT measures started in the period")
    try:
        started = SltMeasure.objects.filter(
            slt_model__municipality_id=evaluation.municipality_id,
            starts_on__range=(evaluation.period_start, evaluation.period_end)).count()
    except Exception:
        logger.exception("SLT facts failed for evaluation %s", evaluation.pk)
        return [_not_available("measures", label, source)]
    return [Fact("measures", label, str(started), True, source)]


def period_facts(evaluation: Evaluation) -> list[dict[str, Any]]:
    """What the portal knows about the period. A completed evaluation shows the facts it
    was completed with, so history reads the same later."""
    if evaluation.is_completed and evaluation.facts:
        return list(evaluation.facts)
    return [asdict(f) for f in [*council_facts(evaluation), *slt_facts(evaluation)]]


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
    from samarbeid.sections import Item

    municipalities = list(access.municipalities(user, access.Level.WORK)
                          .order_by("name").values_list("pk", "number", "name")[:limit])
    plans = schedule.schedules([pk for pk, _n, _name in municipalities])
    base = reverse("evaluering:municipality_history", args=["0000"])[:-5]
    items = []
    for pk, number, name in municipalities:
        plan = plans[pk]
        if plan.state not in (schedule.State.DUE_SOON, schedule.State.OVERDUE):
            continue
        overdue = plan.state == schedule.State.OVERDUE
        items.append(Item(
            title=_("Evaluate the cooperation in %(name)s") % {"name": name},
            url=f"{base}{number}/", when=plan.next_due,
            detail=str(_("Overdue.") if overdue else _("Due soon.")), overdue=overdue))
    return items
