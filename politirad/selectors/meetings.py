"""Reads of meetings: the leadership flags (§4.1.1), lists and calendars."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from samarbeid import access, policy

from ..models import (
    AgendaItem,
    Meeting,
    Minutes,
    PoliceCouncil,
)


def with_meeting_flags(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """What the meeting lists show. The attendance and leadership flags are stored on the
    meeting (services.meeting_counters_refresh, issue #12); the item count is one indexed
    lookup per row (unique meeting + number)."""
    return qs.annotate(
        item_count=Coalesce(Subquery(
            AgendaItem.objects.filter(meeting=OuterRef("pk")).order_by().values("meeting")
            .annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), Value(0)),
    ).select_related("minutes", "council")


def meeting_leadership_flags(meeting: Meeting) -> list[str]:
    """Warnings for §4.1.1 / §5.2 after attendance is recorded (the meeting's stored flags)."""
    flags = []
    if meeting.attendance_recorded:
        if not meeting.municipal_leadership_present:
            flags.append("municipal")
        if not meeting.police_leadership_present:
            flags.append("police")
    return flags


def council_meetings(council: PoliceCouncil) -> QuerySet[Meeting]:
    return with_meeting_flags(council.meetings.all()).order_by("-starts_at")


def upcoming_meetings_for(user: Any, limit: int = 8) -> QuerySet[Meeting]:
    return (
        Meeting.objects.restrict(access.principal(user)).filter(
            cancelled=False, starts_at__gte=timezone.now())
        .select_related("council").order_by("starts_at")[:limit]
    )


def calendar_meetings(user: Any) -> QuerySet[Meeting]:
    since = timezone.now() - dt.timedelta(days=365)
    return (
        Meeting.objects.restrict(access.principal(user)).filter(starts_at__gte=since)
        .select_related("council").order_by("starts_at")
    )


def minutes_of(meeting: Meeting) -> Minutes | None:
    """The meeting's minutes or None (one query, remembered on the meeting)."""
    try:
        return meeting.minutes
    except Minutes.DoesNotExist:
        return None


def agenda_items(meeting: Meeting, user: Any) -> list[AgendaItem]:
    """The items the user may read (exempt ones only for those who read exempt content)."""
    return list(AgendaItem.objects.filter(meeting=meeting)
                .restrict(access.principal(user), policy.VIEW).prefetch_related("attachments"))


def agenda_overdue(meeting: Meeting) -> bool:
    """The agenda is not sent and its deadline (the agreement's lead time, §4.1.2) has
    passed: planning or moving the meeting warns, sending marks it late."""
    return bool(not meeting.agenda_sent_at and not meeting.cancelled
                and meeting.agenda_deadline and meeting.agenda_deadline < timezone.now())
