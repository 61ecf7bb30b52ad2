"""Facts for evaluations (evaluering) and the reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Count,
    F,
    Prefetch,
    Q,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from ..models import (
    CouncilMember,
    Meeting,
    MemberRole,
    PoliceCouncil,
    Task,
    TaskStatus,
)
from .councils import terms_for


@dataclass(frozen=True)
class CouncilFacts:
    council_id: int
    meetings_held: int
    target: int
    agendas_in_time_share: float | None  # None: no meetings held
    tasks_done_by_deadline_share: float | None  # None: no tasks due in the period
    leadership_attendance_share: float | None  # None: no attendance recorded


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def council_facts(council_ids: Iterable[int], start: dt.date, end: dt.date
                  ) -> dict[int, CouncilFacts]:
    """Per council, for the period [start, end]: meetings held against the agreement's target
    (§4.1.2), the share of agendas sent in time, the share of tasks done by their deadline and
    the share of meetings where both municipal and police leadership attended (§4.1.1).

    A fixed number of queries whatever the number of councils (for evaluering, §7).
    """
    ids = list(council_ids)
    if not ids:
        return {}
    tz = timezone.get_current_timezone()
    start_at = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    end_at = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    now = timezone.now()
    held = (
        Meeting.objects.filter(council_id__in=ids, cancelled=False, starts_at__gte=start_at,
                               starts_at__lt=min(end_at, now))
        .values("council_id")
        .annotate(
            n=Count("pk"),
            in_time=Count("pk", filter=Q(agenda_sent_at__isnull=False)
                          & (Q(agenda_deadline__isnull=True)
                             | Q(agenda_sent_at__lte=F("agenda_deadline")))),
            recorded=Count("pk", filter=Q(attendance_recorded=True)),
            leadership=Count("pk", filter=Q(attendance_recorded=True,
                                            municipal_leadership_present=True,
                                            police_leadership_present=True)),
        )
    )
    held_by = {row["council_id"]: row for row in held}
    task_rows = {}
    for row in (
        Task.objects.filter(council_id__in=ids, deadline__gte=start, deadline__lte=end)
        .exclude(status=TaskStatus.CANCELLED)
        .annotate(completed_date=TruncDate("completed_at"))
        .values("council_id")
        .annotate(n=Count("pk"),
                  done=Count("pk", filter=Q(status=TaskStatus.DONE,
                                            completed_date__lte=F("deadline"))))
    ):
        task_rows[row["council_id"]] = row
    council_rows = list(PoliceCouncil.objects.filter(pk__in=ids).only("pk", "municipality_id"))
    terms = terms_for(council_rows)
    days = (end - start).days + 1
    result = {}
    for council in council_rows:
        h = held_by.get(council.pk, {})
        t = task_rows.get(council.pk, {})
        per_year = terms[council.pk].meetings_per_year
        result[council.pk] = CouncilFacts(
            council_id=council.pk,
            meetings_held=h.get("n", 0),
            target=max(1, round(per_year * days / 365)),
            agendas_in_time_share=_share(h.get("in_time", 0), h.get("n", 0)),
            tasks_done_by_deadline_share=_share(t.get("done", 0), t.get("n", 0)),
            leadership_attendance_share=_share(h.get("leadership", 0), h.get("recorded", 0)),
        )
    return result


def secretaries_q() -> Q:
    return Q(is_secretary=True) | Q(role__in=[MemberRole.SECRETARY, MemberRole.POLICE_CONTACT])


def members_prefetch() -> Prefetch:
    return Prefetch("members", queryset=CouncilMember.objects.active().select_related("user"),
                    to_attr="active_members")
