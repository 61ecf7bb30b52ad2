"""Compliance checks for police councils (Veileder §4.1.2), evaluated for a whole set of
municipalities in a fixed number of queries. A regional council counts for each of its
municipalities (§4.4). A municipality that declined cooperation is DECLINED, not failing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from avtaler.selectors import agreement_terms
from samarbeid.compliance import Check, Finding, Status
from samarbeid.models import Municipality, Participation

from . import selectors
from .models import OPEN_TASK_STATUSES, CouncilMunicipality, Meeting, Task


def _context(municipalities: QuerySet[Municipality]) -> tuple[dict[int, str], dict[int, int]]:
    """({municipality id: participation}, {municipality id: number of councils})."""
    rows = dict(municipalities.values_list("pk", "participation"))
    councils: dict[int, int] = defaultdict(int)
    for row in (CouncilMunicipality.objects.filter(municipality_id__in=list(rows))
                .values("municipality_id").annotate(n=Count("council_id"))):
        councils[row["municipality_id"]] = row["n"]
    return rows, councils


def _per_municipality(qs: QuerySet, path: str, ids: list[int], **aggregates: object) -> dict:
    """Aggregate rows of `qs` per municipality of their council (through the link table)."""
    return {
        row["mid"]: row for row in
        qs.filter(**{f"{path}__council_municipalities__municipality_id__in": ids})
        .annotate(mid=F(f"{path}__council_municipalities__municipality_id"))
        .values("mid").annotate(**aggregates)  # type: ignore[arg-type]
    }


def _skip(participation: str, councils: int) -> Finding | None:
    if participation == Participation.DECLINED:
        return Finding(Status.DECLINED, _("The municipality declined (voluntary, §2.3)."))
    if not councils:
        return Finding(Status.NOT_APPLICABLE, _("No police council registered."))
    return None


def _url(m_number: str) -> str:
    return reverse("municipality_detail", args=[m_number])


def _judge_each(municipalities: QuerySet[Municipality], gather: Callable[[list[int]], Any],
                judge: Callable[[Any, int], Finding]) -> dict[int, Finding]:
    """One finding per municipality: declined or without a council first (`_skip`), else
    `judge(data, municipality id)` over what `gather(ids)` read for the whole set at once."""
    participation, councils = _context(municipalities)
    ids = list(participation)
    data = gather(ids)
    result = {}
    for mid in ids:
        skip = _skip(participation[mid], councils[mid])
        result[mid] = skip if skip else judge(data, mid)
    return result


def _count(rows: dict, mid: int, key: str = "n") -> int:
    return int(rows.get(mid, {}).get(key, 0))


def meetings_last_12_months(municipalities: QuerySet[Municipality]) -> dict[int, Finding]:
    now = timezone.now()

    def gather(ids: list[int]) -> tuple[dict, dict]:
        held = _per_municipality(
            Meeting.objects.filter(cancelled=False, starts_at__gte=now - dt.timedelta(days=365),
                                   starts_at__lte=now), "council", ids,
            n=Count("pk", distinct=True))
        return held, agreement_terms(ids)

    def judge(data: tuple[dict, dict], mid: int) -> Finding:
        held, terms = data
        n = _count(held, mid)
        target = max(2, terms[mid].meetings_per_year)
        status = Status.OK if n >= target else Status.WARN
        return Finding(status, _("%(n)d of %(target)d meetings in the last 12 months")
                       % {"n": n, "target": target})

    return _judge_each(municipalities, gather, judge)


def agenda_sent_late(municipalities: QuerySet[Municipality]) -> dict[int, Finding]:
    now = timezone.now()

    def gather(ids: list[int]) -> dict:
        return _per_municipality(
            Meeting.objects.filter(cancelled=False, starts_at__gte=now - dt.timedelta(days=365),
                                   starts_at__lte=now + dt.timedelta(days=60),
                                   agenda_deadline__lte=now),
            "council", ids,
            n=Count("pk", distinct=True),
            late=Count("pk", distinct=True, filter=Q(agenda_sent_at__isnull=True)
                       | Q(agenda_sent_at__gt=F("agenda_deadline"))),
        )

    def judge(late: dict, mid: int) -> Finding:
        row = {"n": _count(late, mid), "late": _count(late, mid, "late")}
        if not row["n"]:
            return Finding(Status.NOT_APPLICABLE, _("No meetings in the period."))
        if row["late"]:
            return Finding(Status.WARN, _("%(late)d of %(n)d agendas sent late or not at all")
                           % row)
        return Finding(Status.OK, _("All %(n)d agendas sent in time") % row)

    return _judge_each(municipalities, gather, judge)


def _count_check(qs: Callable[[], QuerySet], warn: Callable[[int], str],
                 ok: Callable[[], str]) -> Callable[[QuerySet[Municipality]], dict[int, Finding]]:
    """A check that counts rows of `qs()` per municipality: WARN with `warn(n)` when there are
    any, else OK with `ok()`."""
    def check(municipalities: QuerySet[Municipality]) -> dict[int, Finding]:
        return _judge_each(
            municipalities,
            lambda ids: _per_municipality(qs(), "council", ids, n=Count("pk", distinct=True)),
            lambda rows, mid: (Finding(Status.WARN, warn(_count(rows, mid))) if _count(rows, mid)
                               else Finding(Status.OK, ok())))
    return check


def _meetings_without_minutes() -> QuerySet[Meeting]:
    now = timezone.now()
    return Meeting.objects.filter(selectors.minutes_overdue_q(now),
                                  starts_at__gte=now - dt.timedelta(days=365))


minutes_missing = _count_check(
    _meetings_without_minutes,
    lambda n: _("%(n)d meetings without approved minutes after 14 days") % {"n": n},
    lambda: _("Minutes approved for every meeting"))

overdue_tasks = _count_check(
    lambda: Task.objects.filter(status__in=OPEN_TASK_STATUSES,
                                deadline__lt=timezone.localdate()),
    lambda n: _("%(n)d overdue tasks") % {"n": n},
    lambda: _("No overdue tasks"))


CHECKS = [
    Check("politirad_meetings", gettext_lazy("Council meetings"),
          gettext_lazy("At least two council meetings a year, or the agreement's number"),
          "§4.1.2", "politirad", meetings_last_12_months, order=40),
    Check("politirad_agenda_in_time", gettext_lazy("Agenda in good time"),
          gettext_lazy("A written agenda sent out in good time before each meeting"),
          "§4.1.2", "politirad", agenda_sent_late, order=41),
    Check("politirad_minutes", gettext_lazy("Minutes"),
          gettext_lazy("Minutes approved after each meeting"),
          "§4.1.2", "politirad", minutes_missing, order=42),
    Check("politirad_overdue_tasks", gettext_lazy("Council tasks"),
          gettext_lazy("Tasks from the minutes followed up by their deadline"),
          "§4.1.2", "politirad", overdue_tasks, order=43),
]
