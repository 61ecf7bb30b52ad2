"""Compliance checks for police councils (Veileder §4.1.2), evaluated for a whole set of
municipalities in a fixed number of queries. A regional council counts for each of its
municipalities (§4.4). A municipality that declined cooperation is DECLINED, not failing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

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


def meetings_last_12_months(municipalities: QuerySet[Municipality]) -> dict[int, Finding]:
    participation, councils = _context(municipalities)
    ids = list(participation)
    now = timezone.now()
    held = _per_municipality(
        Meeting.objects.filter(cancelled=False, starts_at__gte=now - dt.timedelta(days=365),
                               starts_at__lte=now), "council", ids, n=Count("pk", distinct=True))
    terms = agreement_terms(ids)
    result = {}
    for mid in ids:
        skip = _skip(participation[mid], councils[mid])
        if skip:
            result[mid] = skip
            continue
        n = held.get(mid, {}).get("n", 0)
        target = max(2, terms[mid].meetings_per_year)
        status = Status.OK if n >= target else Status.WARN
        result[mid] = Finding(status, _("%(n)d of %(target)d meetings in the last 12 months")
                              % {"n": n, "target": target})
    return result


def agenda_sent_late(municipalities: QuerySet[Municipality]) -> dict[int, Finding]:
    participation, councils = _context(municipalities)
    ids = list(participation)
    now = timezone.now()
    late = _per_municipality(
        Meeting.objects.filter(cancelled=False, starts_at__gte=now - dt.timedelta(days=365),
                               starts_at__lte=now + dt.timedelta(days=60),
                               agenda_deadline__lte=now),
        "council", ids,
        n=Count("pk", distinct=True),
        late=Count("pk", distinct=True, filter=Q(agenda_sent_at__isnull=True)
                   | Q(agenda_sent_at__gt=F("agenda_deadline"))),
    )
    result = {}
    for mid in ids:
        skip = _skip(participation[mid], councils[mid])
        if skip:
            result[mid] = skip
            continue
        row = late.get(mid, {"n": 0, "late": 0})
        if not row["n"]:
            result[mid] = Finding(Status.NOT_APPLICABLE, _("No meetings in the period."))
        elif row["late"]:
            result[mid] = Finding(Status.WARN, _("%(late)d of %(n)d agendas sent late or not "
                                                 "at all") % row)
        else:
            result[mid] = Finding(Status.OK, _("All %(n)d agendas sent in time") % row)
    return result


def minutes_missing(municipalities: QuerySet[Municipality]) -> dict[int, Finding]:
    participation, councils = _context(municipalities)
    ids = list(participation)
    now = timezone.now()
    missing = _per_municipality(
        Meeting.objects.filter(selectors.minutes_overdue_q(now),
                               starts_at__gte=now - dt.timedelta(days=365)),
        "council", ids, n=Count("pk", distinct=True))
    result = {}
    for mid in ids:
        skip = _skip(participation[mid], councils[mid])
        if skip:
            result[mid] = skip
            continue
        n = missing.get(mid, {}).get("n", 0)
        result[mid] = (Finding(Status.WARN, _("%(n)d meetings without approved minutes after "
                                              "14 days") % {"n": n}) if n
                       else Finding(Status.OK, _("Minutes approved for every meeting")))
    return result


def overdue_tasks(municipalities: QuerySet[Municipality]) -> dict[int, Finding]:
    participation, councils = _context(municipalities)
    ids = list(participation)
    overdue = _per_municipality(
        Task.objects.filter(status__in=OPEN_TASK_STATUSES, deadline__lt=timezone.localdate()),
        "council", ids, n=Count("pk", distinct=True))
    result = {}
    for mid in ids:
        skip = _skip(participation[mid], councils[mid])
        if skip:
            result[mid] = skip
            continue
        n = overdue.get(mid, {}).get("n", 0)
        result[mid] = (Finding(Status.WARN, _("%(n)d overdue tasks") % {"n": n}) if n
                       else Finding(Status.OK, _("No overdue tasks")))
    return result


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
