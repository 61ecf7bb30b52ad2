"""The meeting's stored facts (issue #12): attendance recorded, leadership present (§4.1.1,
§5.2) and open tasks. One place writes them, from the rows themselves, so the meeting lists
read one row per meeting instead of scanning all attendance and tasks of the country. Every
service that writes attendance or tasks calls it in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from ..models import (
    MUNICIPAL_LEADERSHIP_ROLES,
    OPEN_TASK_STATUSES,
    POLICE_LEADERSHIP_ROLES,
    Attendance,
    AttendanceStatus,
    Meeting,
    Task,
)


def _present(roles: Iterable[str]) -> Exists:
    return Exists(Attendance.objects.filter(
        meeting=OuterRef("pk"), status=AttendanceStatus.PRESENT, member__role__in=list(roles)))


def meeting_counters_refresh(*, meeting_ids: Iterable[int | None] | None = None) -> int:
    """Recompute the stored facts of these meetings (None: every meeting, e.g. after a bulk
    load) in one UPDATE of those that changed; returns the number of meetings written."""
    qs = Meeting.objects.all()
    if meeting_ids is not None:
        ids = {pk for pk in meeting_ids if pk is not None}
        if not ids:
            return 0
        qs = qs.filter(pk__in=ids)
    open_tasks = (Task.objects.filter(meeting=OuterRef("pk"), status__in=OPEN_TASK_STATUSES)
                  .order_by().values("meeting").annotate(n=Count("pk")).values("n")[:1])
    values = {
        "attendance_recorded": Exists(Attendance.objects.filter(meeting=OuterRef("pk"))),
        "municipal_leadership_present": _present(MUNICIPAL_LEADERSHIP_ROLES),
        "police_leadership_present": _present(POLICE_LEADERSHIP_ROLES),
        "open_task_count": Coalesce(Subquery(open_tasks, output_field=IntegerField()), Value(0)),
    }
    # Only meetings whose facts change are written: a task moving between two open statuses
    # leaves its meeting as it was, and so every page listing the meeting stays cached.
    return qs.exclude(Q(**values)).update(**values)


__all__ = ["meeting_counters_refresh"]
