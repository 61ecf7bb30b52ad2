"""Reads of tasks: follow-up, open, visible and the user's own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.db.models import (
    CharField,
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.utils import timezone

from samarbeid import access, policy
from samarbeid.models import Organisation

from ..models import (
    OPEN_TASK_STATUSES,
    CouncilMember,
    Meeting,
    PoliceCouncil,
    Task,
    TaskQuerySet,
    TaskStatus,
)
from .meetings import minutes_of

TQ = TypeVar("TQ", bound=QuerySet[Task])


def follow_up_tasks(meeting: Meeting, user: Any) -> QuerySet[Task]:
    """Open tasks from the council's earlier meetings: the automatic follow-up item. Once the
    minutes are approved, the list is what they recorded (`Minutes.follow_up`)."""
    return (follow_up_all(meeting).restrict(access.principal(user), policy.VIEW)
            .select_related("responsible_member__user", "responsible_organisation",
                            "responsible_user")
            .order_by("deadline", "pk"))


def follow_up_rows(meeting: Meeting, user: Any) -> list[TaskRow]:
    """`follow_up_tasks` as rows, its SQL built once per reader (policy.rows): the meeting
    page reads the list again after every task write of the council (issue #12). The SQL
    holds the meeting's start and whether its minutes are approved, so both are in the
    name."""
    minutes = minutes_of(meeting)
    recorded = minutes.pk if minutes is not None and not minutes.is_draft else "draft"
    found = policy.rows(
        f"politirad.follow_up:{meeting.pk}:{meeting.council_id}:{meeting.starts_at.isoformat()}"
        f":{recorded}", user,
        lambda: _row_values(follow_up_tasks(meeting, user)))
    return [TaskRow(*row) for row in found]


def follow_up_all(meeting: Meeting) -> TaskQuerySet:
    """The follow-up list before any reader's restriction (for services and outputs that
    apply their own level, e.g. e-mail)."""
    minutes = minutes_of(meeting)
    if minutes is not None and not minutes.is_draft:
        return Task.objects.filter(followed_up_in=minutes)
    return (Task.objects.filter(council_id=meeting.council_id,
                                status__in_constants=OPEN_TASK_STATUSES)
            .filter(Q(meeting__starts_at__lt=meeting.starts_at) | Q(meeting__isnull=True))
            .exclude(meeting_id=meeting.pk))


def task_related(qs: TQ) -> TQ:
    return qs.select_related(
        "council", "meeting", "responsible_member__user", "responsible_organisation",
        "responsible_user", "entry__agenda_item",
    )


def task_list_related(qs: TQ) -> TQ:
    """What task lists show (the council, the meeting's date, the responsible's name): two
    rows joined, the responsible read in batches. One join of eight tables costs PostgreSQL
    more to plan (5–15 ms) than the three small queries cost to run (issue #12)."""
    return qs.select_related("council", "meeting").prefetch_related(
        Prefetch("responsible_member", CouncilMember.objects.select_related("user")),
        "responsible_user", "responsible_organisation")


def open_tasks(council: PoliceCouncil, user: Any) -> QuerySet[Task]:
    """The council's open tasks with their responsible (the council page names them; the
    council and meetings are the page's own, not joined again)."""
    qs = council.tasks.filter(status__in_constants=OPEN_TASK_STATUSES)
    return qs.restrict(access.principal(user), policy.VIEW).select_related(
        "responsible_member__user", "responsible_user", "responsible_organisation")


@dataclass(frozen=True)
class TaskRow:
    """A row of the council page's open tasks, read as values (no model instances)."""

    pk: int
    title: str
    deadline: dt.date
    status: str
    responsible_name: str

    def get_status_display(self) -> str:
        return str(TaskStatus(self.status).label)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TASK_STATUSES


@dataclass(frozen=True)
class MyTaskRow(TaskRow):
    """A row of my tasks: a TaskRow with its council and the meeting's start."""

    council_id: int
    council_name: str
    meeting_starts_at: dt.datetime | None


def _person_name(prefix: str) -> Any:
    """User.get_full_name() or the user name, in SQL (TRIM takes spaces, the only blank a
    name field holds)."""
    full = Trim(Concat(f"{prefix}first_name", Value(" "), f"{prefix}last_name",
                       output_field=CharField()))
    return Coalesce(NullIf(full, Value("")), f"{prefix}username")


def responsible_name_sql() -> Any:
    """Task.responsible_name as one column: a scalar subquery per kind of responsible, each
    an index lookup per row. Joined instead, the council members and the users were hashed
    whole on every read of a council's open tasks (generic plans expect 390 tasks a
    council), which was half the query (issue #12)."""
    # No ordering: a primary key finds one row, and the models' default order made
    # PostgreSQL sort it, once per task.
    member = CouncilMember.objects.filter(pk=OuterRef("responsible_member_id")).annotate(
        shown=Coalesce(_person_name("user__"), "name")).order_by().values("shown")[:1]
    user = get_user_model().objects.filter(pk=OuterRef("responsible_user_id")).annotate(
        shown=_person_name("")).order_by().values("shown")[:1]
    organisation = Organisation.objects.filter(
        pk=OuterRef("responsible_organisation_id")).order_by().values("name")[:1]
    return Coalesce(Subquery(member), Subquery(user), Subquery(organisation), Value(""),
                    output_field=CharField())


_ROW_FIELDS = ("pk", "title", "deadline", "status", "responsible_shown")


def _row_values(qs: QuerySet[Task], *more: str) -> Any:
    """The columns of a TaskRow (and `more`) of `qs`, as value rows."""
    return qs.annotate(responsible_shown=responsible_name_sql()).values_list(*_ROW_FIELDS, *more)


def open_task_rows(council: PoliceCouncil, user: Any, limit: int = 100) -> list[TaskRow]:
    """`open_tasks` as rows, its SQL built once per reader (policy.rows): the council page
    reads this list again after every task write of the council (issue #12)."""
    found = policy.rows(f"politirad.council_open_tasks:{council.pk}", user, lambda: (
        _row_values(open_tasks(council, user))[:limit]))
    return [TaskRow(*row) for row in found]


def visible_tasks(user: Any) -> QuerySet[Task]:
    """Every task the user may read, in every app (SLT links, evaluations, home pages)."""
    return Task.objects.restrict(access.principal(user), policy.VIEW)


def my_tasks(user: Any, *, mine: str = "assigned", state: str = "open",
             q: str = "", related: bool = True) -> QuerySet[Task]:
    """Tasks assigned to the user (as user or as council member) or created by them.
    `related=False`: no related rows (a caller picks its own, such as the home page's short
    list, which needs the council's name only: every join costs planning time)."""
    today = timezone.localdate()
    if state == "open":
        wanted = Q(status__in_constants=OPEN_TASK_STATUSES)  # samarbeid/lookups.py
    elif state == "overdue":
        wanted = Q(status__in_constants=OPEN_TASK_STATUSES, deadline__lt=today)
    elif state == "done":
        wanted = Q(status__in_constants=[TaskStatus.DONE, TaskStatus.CANCELLED])
    else:
        wanted = Q()
    if mine == "created":
        mine_q = Q(created_by=user)
    else:
        # Two index lookups (the user's tasks, the tasks of the user's active seats) as one
        # id list, not an OR that PostgreSQL runs as a filter over every open task of the
        # country (issue #12). The state is asked inside as well: a police contact named
        # on a thousand tasks over the years has a few dozen open (the id list was hashed
        # whole on every home page built again).
        seats = CouncilMember.objects.active().filter(user=user).order_by().values("pk")
        mine_q = Q(pk__in=Task.objects.filter(wanted, responsible_user=user).order_by()
                   .values("pk")
                   .union(Task.objects.filter(wanted, responsible_member__in=seats).order_by()
                          .values("pk"), all=True))
    # The policy still applies: a user who lost access to the council no longer sees them.
    qs = Task.objects.restrict(access.principal(user), policy.VIEW).filter(mine_q, wanted)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(council__name__icontains=q))
    return (task_list_related(qs) if related else qs).order_by("deadline", "pk")


def my_task_rows(user: Any, *, mine: str = "assigned", state: str = "open", q: str = "",
                 offset: int = 0, limit: int = 25) -> tuple[list[MyTaskRow], int]:
    """One page of `my_tasks` as rows and the number of all of them: the list is read again
    after every write to one of the user's tasks (issue #12). Two queries: the page's ids
    and the total from the restricted query (its SQL built once per reader, filter and page:
    policy.rows), then those tasks' columns by id. One query joining the names too has nine
    tables, and PostgreSQL then plans it to scan every open task of the country (1 ms
    against 30). The total is 0 when the page is past the end (no row carries it)."""
    name = f"politirad.my_tasks:{mine}:{state}:{offset}:{limit}:{q}"
    page = policy.rows(name, user, lambda: (
        my_tasks(user, mine=mine, state=state, q=q, related=False)
        .annotate(total=Window(Count("pk"))).values_list("pk", "total")[offset:offset + limit]))
    if not page:
        return [], 0
    # The ids are the restricted query's: reading their columns needs no policy again.
    found = {row[0]: row for row in policy.rows_by_ids(
        "politirad.my_tasks.columns", [pk for pk, _ in page],
        lambda ids: _row_values(Task.objects.filter(pk__in=ids), "council_id", "council__name",
                                "meeting__starts_at"))}
    rows = [MyTaskRow(*found[pk]) for pk, _ in page if pk in found]
    return rows, page[0][1]
