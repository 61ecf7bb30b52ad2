"""Reads of police councils shared by views, reports, reminders and other apps.

Scoping: a council belongs to all its municipalities (the primary one and, for a regional
council, the others — §4.4). A user sees a council when `samarbeid.access` lets them see any
of them. Everything inside a council (meetings, tasks, plans) is scoped through the council.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404
from django.utils import timezone

from avtaler.selectors import AgreementTerms, agreement_terms
from samarbeid import access

from .models import (
    MUNICIPAL_LEADERSHIP_ROLES,
    OPEN_TASK_STATUSES,
    POLICE_LEADERSHIP_ROLES,
    AccessLevel,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    CouncilMember,
    CouncilMunicipality,
    Meeting,
    MemberRole,
    MinutesStatus,
    PoliceCouncil,
    Task,
    TaskStatus,
)

M = TypeVar("M", bound=Model)

MINUTES_DUE_DAYS = 14  # minutes should be approved within 14 days of the meeting


# --- Access -----------------------------------------------------------------------------


def council_ids_q(user: Any, level: access.Level = access.Level.VIEW) -> Q:
    """A Q over PoliceCouncil: the councils of any municipality the user may see/work on."""
    links = CouncilMunicipality.objects.filter(
        access.municipality_q(user, level, prefix="municipality")
    ).values("council_id")
    return Q(pk__in=links)


def councils(user: Any, level: access.Level = access.Level.VIEW) -> QuerySet[PoliceCouncil]:
    if not user.is_authenticated or not user.is_active:
        return PoliceCouncil.objects.none()
    if access.roles(user).national_admin:
        return PoliceCouncil.objects.all()
    return PoliceCouncil.objects.filter(council_ids_q(user, level))


def get_in_council_or_404(qs: QuerySet[M], user: Any, level: access.Level = access.Level.VIEW,
                          council_path: str = "council", **lookup: Any) -> M:
    """One object inside a council: 404 for outsiders, 403 for readers asked to change."""
    visible = councils(user, access.Level.VIEW).values("pk")
    try:
        obj = qs.filter(**{f"{council_path}__in": visible}).get(**lookup)
    except qs.model.DoesNotExist as exc:  # type: ignore[attr-defined]
        raise Http404 from exc
    if level > access.Level.VIEW:
        allowed = councils(user, level).values("pk")
        if not qs.filter(pk=obj.pk, **{f"{council_path}__in": allowed}).exists():
            raise PermissionDenied
    return obj


def get_council_or_404(user: Any, pk: int, level: access.Level = access.Level.VIEW
                       ) -> PoliceCouncil:
    return get_in_council_or_404(
        PoliceCouncil.objects.select_related("municipality"), user, level,
        council_path="pk", pk=pk,
    )


def can_work(user: Any, council: PoliceCouncil) -> bool:
    return councils(user, access.Level.WORK).filter(pk=council.pk).exists()


def member_of(user: Any, council: PoliceCouncil) -> CouncilMember | None:
    if not user.is_authenticated:
        return None
    return CouncilMember.objects.active().filter(council=council, user=user).first()


def can_see_exempt(user: Any, council: PoliceCouncil) -> bool:
    """Who may read exempt content (taushetsplikt, §4.1.5).

    Decision: the council's own members, and the people who work on the council's
    municipality in the portal (municipal leaders, police contact, police leadership of the
    unit, district administrators) — they prepare and follow up the meetings. National
    administrators (Politidirektoratet, KS) and read-only users who are not members do not.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if member_of(user, council) is not None:
        return True
    if access.roles(user).national_admin:
        return False
    return can_work(user, council)


def is_chair(user: Any, council: PoliceCouncil) -> bool:
    member = member_of(user, council)
    return bool(member and member.is_chair)


# --- Agreement terms ----------------------------------------------------------------------


def terms_for(council_list: Iterable[PoliceCouncil]) -> dict[int, AgreementTerms]:
    """{council id: terms of the agreement in force for its primary municipality}."""
    council_list = list(council_list)
    terms = agreement_terms({c.municipality_id for c in council_list})
    return {c.pk: terms[c.municipality_id] for c in council_list}


# --- Meetings -----------------------------------------------------------------------------


def _present(role_list: Iterable[str]) -> Exists:
    return Exists(Attendance.objects.filter(
        meeting=OuterRef("pk"), status=AttendanceStatus.PRESENT, member__role__in=list(role_list)
    ))


def with_meeting_flags(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Annotations the meeting lists show, in SQL (no per-row queries)."""
    return qs.annotate(
        attendance_recorded=Exists(Attendance.objects.filter(meeting=OuterRef("pk"))),
        municipal_leadership_present=_present(MUNICIPAL_LEADERSHIP_ROLES),
        police_leadership_present=_present(POLICE_LEADERSHIP_ROLES),
        item_count=Coalesce(Subquery(
            AgendaItem.objects.filter(meeting=OuterRef("pk")).order_by().values("meeting")
            .annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), Value(0)),
    ).select_related("minutes", "council")


def meeting_leadership_flags(meeting: Meeting) -> list[str]:
    """Warnings for §4.1.1 / §5.2 after attendance is recorded (annotated meeting)."""
    flags = []
    if getattr(meeting, "attendance_recorded", False):
        if not meeting.municipal_leadership_present:  # type: ignore[attr-defined]
            flags.append("municipal")
        if not meeting.police_leadership_present:  # type: ignore[attr-defined]
            flags.append("police")
    return flags


def follow_up_tasks(meeting: Meeting) -> QuerySet[Task]:
    """Open tasks from the council's earlier meetings: the automatic follow-up item."""
    return (
        Task.objects.filter(council_id=meeting.council_id, status__in=OPEN_TASK_STATUSES)
        .filter(Q(meeting__starts_at__lt=meeting.starts_at) | Q(meeting__isnull=True))
        .exclude(meeting_id=meeting.pk)
        .select_related("responsible_member__user", "responsible_organisation",
                        "responsible_user", "meeting")
        .order_by("deadline", "pk")
    )


def agenda_items(meeting: Meeting, user: Any) -> list[AgendaItem]:
    return list(meeting.agenda_items.prefetch_related("attachments"))


# --- Tasks ----------------------------------------------------------------------------------


def _task_related(qs: QuerySet[Task]) -> QuerySet[Task]:
    return qs.select_related(
        "council", "meeting", "responsible_member__user", "responsible_organisation",
        "responsible_user", "entry__agenda_item",
    )


def without_exempt(qs: QuerySet[Task]) -> QuerySet[Task]:
    """Leave out tasks recorded under exempt items (for readers who may not see them)."""
    return qs.exclude(Q(entry__access_level=AccessLevel.EXEMPT)
                      | Q(entry__agenda_item__access_level=AccessLevel.EXEMPT))


def open_tasks(council: PoliceCouncil, *, include_exempt: bool = True) -> QuerySet[Task]:
    qs = council.tasks.filter(status__in=OPEN_TASK_STATUSES)
    return _task_related(qs if include_exempt else without_exempt(qs))


def visible_tasks(user: Any) -> QuerySet[Task]:
    return Task.objects.filter(council__in=councils(user).values("pk"))


def exempt_visible_councils(user: Any) -> QuerySet[PoliceCouncil]:
    """The councils whose exempt content the user may read: `can_see_exempt` as a subquery,
    so lists can filter without a query per row."""
    if not user.is_authenticated or not user.is_active:
        return PoliceCouncil.objects.none()
    member = Q(pk__in=CouncilMember.objects.active().filter(user=user).values("council_id"))
    if access.roles(user).national_admin:
        return PoliceCouncil.objects.filter(member)
    return PoliceCouncil.objects.filter(member | council_ids_q(user, access.Level.WORK))


def readable_tasks(qs: QuerySet[Task], user: Any) -> QuerySet[Task]:
    """Leave out tasks under exempt items on councils whose exempt content the user may not
    read: a task's title can give away an exempt matter (offl. § 13, guide §4.1.5)."""
    exempt = Q(entry__access_level=AccessLevel.EXEMPT) | Q(
        entry__agenda_item__access_level=AccessLevel.EXEMPT)
    return qs.filter(~exempt | Q(council__in=exempt_visible_councils(user).values("pk")))


def my_tasks(user: Any, *, mine: str = "assigned", state: str = "open",
             q: str = "") -> QuerySet[Task]:
    """Tasks assigned to the user (as user or as council member) or created by them."""
    if mine == "created":
        qs = Task.objects.filter(created_by=user)
    else:
        qs = Task.objects.filter(Q(responsible_user=user) | Q(responsible_member__user=user))
    # Scoping still applies: a user who lost access to the municipality no longer sees them.
    qs = readable_tasks(qs.filter(council__in=councils(user).values("pk")), user)
    today = timezone.localdate()
    if state == "open":
        qs = qs.filter(status__in=OPEN_TASK_STATUSES)
    elif state == "overdue":
        qs = qs.filter(status__in=OPEN_TASK_STATUSES, deadline__lt=today)
    elif state == "done":
        qs = qs.filter(status__in=[TaskStatus.DONE, TaskStatus.CANCELLED])
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(council__name__icontains=q))
    return _task_related(qs).order_by("deadline", "pk")


# --- Council page -------------------------------------------------------------------------


def council_members(council: PoliceCouncil) -> QuerySet[CouncilMember]:
    return council.members.active().select_related("user", "organisation")


def council_meetings(council: PoliceCouncil) -> QuerySet[Meeting]:
    return with_meeting_flags(council.meetings.all()).order_by("-starts_at")


def council_list(user: Any, *, q: str = "", kind: str = "") -> QuerySet[PoliceCouncil]:
    now = timezone.now()
    qs = councils(user).select_related("municipality")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(municipality__name__icontains=q)
                       | Q(theme__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    next_meeting = Meeting.objects.filter(council=OuterRef("pk"), starts_at__gte=now,
                                          cancelled=False).order_by("starts_at")
    return qs.annotate(
        next_meeting_at=Subquery(next_meeting.values("starts_at")[:1]),
        open_task_count=Count("tasks", filter=Q(tasks__status__in=OPEN_TASK_STATUSES),
                              distinct=True),
    ).order_by("name", "pk")


def councils_for_municipality(user: Any, municipality: Any) -> QuerySet[PoliceCouncil]:
    return council_list(user).filter(
        pk__in=CouncilMunicipality.objects.filter(municipality=municipality).values("council_id")
    )


def upcoming_meetings_for(user: Any, limit: int = 8) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(council__in=councils(user).values("pk"), cancelled=False,
                               starts_at__gte=timezone.now())
        .select_related("council").order_by("starts_at")[:limit]
    )


def calendar_meetings(user: Any) -> QuerySet[Meeting]:
    since = timezone.now() - dt.timedelta(days=365)
    return (
        Meeting.objects.filter(council__in=councils(user).values("pk"), starts_at__gte=since)
        .select_related("council").order_by("starts_at")
    )


# --- Facts for evaluations (evaluering) ---------------------------------------------------


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
        .annotate(attendance_recorded=Exists(Attendance.objects.filter(meeting=OuterRef("pk"))),
                  municipal=_present(MUNICIPAL_LEADERSHIP_ROLES),
                  police=_present(POLICE_LEADERSHIP_ROLES))
        .values("council_id")
        .annotate(
            n=Count("pk"),
            in_time=Count("pk", filter=Q(agenda_sent_at__isnull=False)
                          & (Q(agenda_deadline__isnull=True)
                             | Q(agenda_sent_at__lte=F("agenda_deadline")))),
            recorded=Count("pk", filter=Q(attendance_recorded=True)),
            leadership=Count("pk", filter=Q(attendance_recorded=True, municipal=True,
                                            police=True)),
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


def minutes_overdue_q(now: dt.datetime | None = None) -> Q:
    """Meetings held more than 14 days ago whose minutes are not approved."""
    now = now or timezone.now()
    return Q(cancelled=False, starts_at__lte=now - dt.timedelta(days=MINUTES_DUE_DAYS)) & (
        Q(minutes__isnull=True) | Q(minutes__status=MinutesStatus.DRAFT)
    )


def secretaries_q() -> Q:
    return Q(is_secretary=True) | Q(role__in=[MemberRole.SECRETARY, MemberRole.POLICE_CONTACT])


def members_prefetch() -> Prefetch:
    return Prefetch("members", queryset=CouncilMember.objects.active().select_related("user"),
                    to_attr="active_members")
