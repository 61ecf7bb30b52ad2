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
from django.utils.translation import gettext as _

from avtaler.selectors import AgreementTerms, agreement_terms
from samarbeid import access, policy
from samarbeid.models import Municipality

from ..models import (
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
    Minutes,
    MinutesStatus,
    PoliceCouncil,
    Task,
    TaskQuerySet,
    TaskStatus,
    council_q,
)

M = TypeVar("M", bound=Model)
TQ = TypeVar("TQ", bound=QuerySet[Task])

MINUTES_DUE_DAYS = 14  # minutes should be approved within 14 days of the meeting


# --- Access (the council policy lives in politirad.models: council_q) --------------------------


def _action(level: access.Level) -> str:
    return policy.VIEW if level == access.Level.VIEW else policy.CHANGE


def councils(user: Any, level: access.Level = access.Level.VIEW) -> QuerySet[PoliceCouncil]:
    return PoliceCouncil.objects.restrict(access.principal(user), _action(level))


def get_in_council_or_404(qs: QuerySet[M], user: Any, level: access.Level = access.Level.VIEW,
                          council_path: str = "council", **lookup: Any) -> M:
    """One object inside a council: 404 for outsiders, 403 for readers asked to change."""
    p = access.principal(user)
    prefix = "" if council_path == "pk" else council_path
    visible = council_q(p, policy.VIEW, prefix=prefix)
    try:
        obj = (qs.filter(visible) if visible is not None else qs).get(**lookup)
    except qs.model.DoesNotExist as exc:  # type: ignore[attr-defined]
        raise Http404 from exc
    if level > access.Level.VIEW:
        council = obj if isinstance(obj, PoliceCouncil) else _council_of(obj, council_path)
        if not may(p, policy.CHANGE, council):
            raise PermissionDenied(_("Only the chair, the secretary and the parties of the "
                                     "council (municipal leader, police contact, police "
                                     "leadership) may change it."))
    return obj


def _council_of(obj: Any, council_path: str) -> PoliceCouncil:
    target = obj
    for part in council_path.split("__"):
        target = getattr(target, part)
    return target


def _links(council: PoliceCouncil) -> list[Municipality]:
    """The municipalities that have joined the council (id, district and unit only), read
    once per council object and request."""
    cached: list[Municipality] | None = getattr(council, "_linked_municipalities", None)
    if cached is None:
        cached = list(Municipality.objects.filter(
            pk__in=CouncilMunicipality.objects.filter(council=council).values("municipality_id")
        ).only("pk", "number", "name", "police_district_id", "operational_unit_id")
            .order_by("name"))
        council._linked_municipalities = cached  # type: ignore[attr-defined]
    return cached


def council_municipalities(council: PoliceCouncil) -> list[Municipality]:
    """The municipalities that have joined the council, by name (read once per request)."""
    return _links(council)


def council_municipality_ids(council: PoliceCouncil) -> set[int]:
    return {m.pk for m in _links(council)}


def may(user: Any, action: str, council: PoliceCouncil) -> bool:
    """The council policy (models.council_q) for one council, answered in Python from the
    principal and the council's municipalities."""
    p = access.principal(user)
    if not p.is_authenticated:
        return False
    seat = p.seat("council", council.pk)
    if action == policy.VIEW:
        if seat is not None or p.national_admin:
            return True
        roles: frozenset[str] | None = None
        level = access.Level.VIEW
    else:
        if seat is not None and (action == policy.READ_EXEMPT or seat.chair or seat.secretary):
            return True
        roles, level = access.PARTY_ROLES, access.Level.WORK
    return any(access.can(p, level, m, roles=roles) for m in _links(council))


def join_requests(user: Any) -> QuerySet[Any]:
    """Pending requests to join a regional council, for municipalities the user works in."""
    from ..models import CouncilMunicipalityRequest

    return access.scope(CouncilMunicipalityRequest.objects.filter(
        status=CouncilMunicipalityRequest.Status.PENDING), user, access.Level.WORK
    ).select_related("council", "municipality", "requested_by").order_by("-requested_at")


def eligible_members(council: PoliceCouncil) -> QuerySet[Any]:
    """Portal users who may be seated on the council by name: they hold a role in one of its
    municipalities, its operational units or its police district."""
    from django.contrib.auth import get_user_model

    from samarbeid.models import Membership

    links = _links(council)
    ids = [m.pk for m in links]
    units = [m.operational_unit_id for m in links if m.operational_unit_id]
    districts = {m.police_district_id for m in links}
    roles = Membership.objects.active().filter(
        Q(municipality_id__in=ids) | Q(operational_unit_id__in=units)
        | Q(police_district_id__in=districts))
    return get_user_model().objects.filter(pk__in=roles.values("user_id"))


def get_council_or_404(user: Any, pk: int, level: access.Level = access.Level.VIEW
                       ) -> PoliceCouncil:
    return get_in_council_or_404(
        PoliceCouncil.objects.select_related("municipality"), user, level,
        council_path="pk", pk=pk,
    )


def can_work(user: Any, council: PoliceCouncil) -> bool:
    return may(user, policy.CHANGE, council)


def member_of(user: Any, council: PoliceCouncil) -> CouncilMember | None:
    p = access.principal(user)
    if p.seat("council", council.pk) is None:
        return None
    return CouncilMember.objects.active().filter(council=council, user_id=p.user_id).first()


def can_see_exempt(user: Any, council: PoliceCouncil) -> bool:
    """Who may read exempt content (taushetsplikt, §4.1.5): see models.council_q."""
    return may(user, policy.READ_EXEMPT, council)


def is_chair(user: Any, council: PoliceCouncil) -> bool:
    seat = access.principal(user).seat("council", council.pk)
    return bool(seat and seat.chair)


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


def follow_up_tasks(meeting: Meeting, user: Any) -> QuerySet[Task]:
    """Open tasks from the council's earlier meetings: the automatic follow-up item. Once the
    minutes are approved, the list is what they recorded (`Minutes.follow_up`)."""
    return (follow_up_all(meeting).restrict(access.principal(user), policy.VIEW)
            .select_related("responsible_member__user", "responsible_organisation",
                            "responsible_user", "meeting")
            .order_by("deadline", "pk"))


def follow_up_all(meeting: Meeting) -> TaskQuerySet:
    """The follow-up list before any reader's restriction (for services and outputs that
    apply their own level, e.g. e-mail)."""
    minutes = minutes_of(meeting)
    if minutes is not None and not minutes.is_draft:
        return Task.objects.filter(followed_up_in=minutes)
    return (Task.objects.filter(council_id=meeting.council_id, status__in=OPEN_TASK_STATUSES)
            .filter(Q(meeting__starts_at__lt=meeting.starts_at) | Q(meeting__isnull=True))
            .exclude(meeting_id=meeting.pk))


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


# --- Tasks ----------------------------------------------------------------------------------


def _task_related(qs: TQ) -> TQ:
    return qs.select_related(
        "council", "meeting", "responsible_member__user", "responsible_organisation",
        "responsible_user", "entry__agenda_item",
    )


def open_tasks(council: PoliceCouncil, user: Any) -> QuerySet[Task]:
    qs = council.tasks.filter(status__in=OPEN_TASK_STATUSES)
    return _task_related(qs.restrict(access.principal(user), policy.VIEW))


def visible_tasks(user: Any) -> QuerySet[Task]:
    """Every task the user may read, in every app (SLT links, evaluations, home pages)."""
    return Task.objects.restrict(access.principal(user), policy.VIEW)


def my_tasks(user: Any, *, mine: str = "assigned", state: str = "open",
             q: str = "") -> QuerySet[Task]:
    """Tasks assigned to the user (as user or as council member) or created by them."""
    if mine == "created":
        mine_q = Q(created_by=user)
    else:
        mine_q = Q(responsible_user=user) | Q(
            responsible_member__user=user, responsible_member__in=CouncilMember.objects.active())
    # The policy still applies: a user who lost access to the council no longer sees them.
    qs = Task.objects.restrict(access.principal(user), policy.VIEW).filter(mine_q)
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


# --- The minutes view model: one for the page, the members' PDF and the public version ------

_LEVEL_ORDER = {AccessLevel.OPEN: 0, AccessLevel.INTERNAL: 1, AccessLevel.EXEMPT: 2}


def _stricter(*levels: str) -> str:
    return max(levels, key=lambda level: _LEVEL_ORDER[AccessLevel(level)])


def agenda_rows(meeting: Meeting, user: Any) -> list[dict[str, Any]]:
    """The agenda as the user may read it: items in full where the policy lets them, exempt
    items they may not read as number and legal basis only («Unntatt offentlighet»)."""
    readable = {i.number: i for i in agenda_items(meeting, user)}
    rows = []
    for number, level, basis in (AgendaItem.objects.filter(meeting=meeting)
                                 .order_by("number").values_list("number", "access_level",
                                                                  "legal_basis")):
        item = readable.get(number)
        if item is not None:
            rows.append({"number": number, "item": item, "hidden": False, "legal_basis": basis})
        elif level == AccessLevel.EXEMPT:
            rows.append({"number": number, "item": None, "hidden": True, "legal_basis": basis})
    return rows


def minutes_view(meeting: Meeting, user: Any, *, public: bool = False) -> dict[str, Any]:
    """What the minutes page and both PDFs show (the same template, the same rules).

    The members' version goes through the policy (`restrict`); the public version
    (offentleglova) shows open rows in full, exempt rows as number, «Unntatt offentlighet»
    and the legal basis, and internal rows not at all (samarbeid.confidentiality).
    """
    from samarbeid.confidentiality import Output, Shown, shows

    from ..models import Decision, MinutesCorrection, MinutesEntry

    p = access.principal(user)
    minutes = minutes_of(meeting)
    if public:
        items = {i.number: i for i in AgendaItem.objects.filter(
            meeting=meeting, access_level=AccessLevel.OPEN)}
    else:
        items = {i.number: i for i in agenda_items(meeting, p)}
    entries: dict[int, Any] = {}
    corrections: list[Any] = []
    if minutes is not None:
        base = MinutesEntry.objects.filter(minutes=minutes).select_related("agenda_item")
        entry_qs = (base.filter(access_level=AccessLevel.OPEN,
                                agenda_item__access_level=AccessLevel.OPEN) if public
                    else base.restrict(p))
        entries = {e.agenda_item.number: e for e in entry_qs.prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.order_by("number")))}
        correction_qs = MinutesCorrection.objects.filter(minutes=minutes)
        corrections = list(correction_qs.filter(access_level=AccessLevel.OPEN) if public
                           else correction_qs.restrict(p))
    entry_levels = dict(MinutesEntry.objects.filter(minutes=minutes).values_list(
        "agenda_item__number", "access_level")) if minutes is not None else {}
    rows = []
    for number, item_level, basis in (AgendaItem.objects.filter(meeting=meeting)
                                      .order_by("number")
                                      .values_list("number", "access_level", "legal_basis")):
        level = _stricter(item_level, entry_levels.get(number, AccessLevel.OPEN))
        item, entry = items.get(number), entries.get(number)
        full = item is not None and (entry is not None or number not in entry_levels)
        if public and shows(Output.PUBLIC, level) is not Shown.FULL:
            full = False
        if full:
            rows.append({"number": number, "item": item, "entry": entry, "hidden": False,
                         "exempt": level == AccessLevel.EXEMPT,
                         "internal": level == AccessLevel.INTERNAL,
                         "legal_basis": basis or (entry.legal_basis if entry else "")})
        elif level == AccessLevel.EXEMPT:
            rows.append({"number": number, "item": None, "entry": None, "hidden": True,
                         "exempt": True, "internal": False, "legal_basis": basis})
        # internal rows a reader may not see (the public) are left out entirely
    tasks = Task.objects.filter(meeting=meeting)
    task_qs = _task_related(
        tasks.filter(Q(entry__isnull=True) | Q(entry__access_level=AccessLevel.OPEN,
                                               entry__agenda_item__access_level=AccessLevel.OPEN))
        if public else tasks.restrict(p)).order_by("deadline", "pk")
    flagged = with_meeting_flags(Meeting.objects.filter(pk=meeting.pk)).get()
    return {
        "meeting": flagged, "council": meeting.council, "minutes": minutes, "rows": rows,
        "tasks": list(task_qs), "corrections": corrections, "public": public,
        "attendance": meeting.attendances.select_related("member__user", "member__organisation")
        .order_by("member__role"),
        "flags": meeting_leadership_flags(flagged),
    }


def may_read_minutes(user: Any, meeting: Meeting) -> bool:
    """Members read minutes once published; those who write and approve them read drafts."""
    minutes = minutes_of(meeting)
    if minutes is not None and minutes.status == MinutesStatus.PUBLISHED:
        return True
    return can_work(user, meeting.council) or is_chair(user, meeting.council)


# --- Records: the archive extract and the public minutes (issue 13) ---------------------------


def may_archive(user: Any, council: PoliceCouncil) -> bool:
    """Who may build the council's Noark 5 extract: the district administrators of a district
    the council's municipalities lie in, and national administrators (samarbeid.access)."""
    p = access.principal(user)
    if not p.is_authenticated:
        return False
    return p.national_admin or any(m.police_district_id in p.admin_districts
                                   for m in _links(council))


def public_council_or_404(pk: int) -> PoliceCouncil:
    """A council whose public minutes page is on (offentleglova); 404 otherwise."""
    council = PoliceCouncil.objects.select_related("municipality").filter(
        pk=pk, public_minutes=True).first()
    if council is None:
        raise Http404
    return council


def public_meetings(council: PoliceCouncil) -> QuerySet[Meeting]:
    """Meetings whose minutes are published: their public version is a public document."""
    return (Meeting.objects.filter(council=council, minutes__status=MinutesStatus.PUBLISHED)
            .select_related("minutes").order_by("-starts_at", "-pk"))


def public_meeting_or_404(pk: int) -> Meeting:
    meeting = (Meeting.objects.select_related("council__municipality", "minutes")
               .filter(pk=pk, council__public_minutes=True,
                       minutes__status=MinutesStatus.PUBLISHED).first())
    if meeting is None:
        raise Http404
    return meeting


def innsyn_address(council: PoliceCouncil) -> str:
    """Where a request for access (innsyn, offentleglova § 28) goes: the council's secretary."""
    secretary = (council.members.active().filter(is_secretary=True).select_related("user")
                 .order_by("pk").first())
    return secretary.contact_email if secretary is not None else ""
