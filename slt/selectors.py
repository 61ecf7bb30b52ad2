"""Reads of SLT shared by views, the dashboard, home sections, reminders and compliance.

Every read that depends on the user goes through `samarbeid.access` (scoped by the SLT
model's primary municipality), so a new view cannot forget it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from avtaler.models import FOCUS_AREA_OTHER
from samarbeid import access
from samarbeid.models import MeasureStatus, Membership, Municipality, Role

from .models import (
    LEVEL_ORDER,
    OPEN_STATUSES,
    LevelKind,
    LevelMeeting,
    LevelMember,
    MeasureUpdate,
    SltActionPlan,
    SltLevel,
    SltMeasure,
    SltMeasureQuerySet,
    SltModel,
)

MODEL_PATH = "municipality"
MEASURE_PATH = "slt_model__municipality"


def measures_for(user: Any, level: access.Level = access.Level.VIEW) -> SltMeasureQuerySet:
    """Which measures may this user see (or work on)?"""
    return cast(SltMeasureQuerySet,
                access.scope(SltMeasure.objects.all(), user, level, path=MEASURE_PATH))


def with_overdue_flag(qs: QuerySet[SltMeasure], today: dt.date | None = None) -> QuerySet[SltMeasure]:
    """Annotate `overdue` (1/0) in SQL so lists can put overdue measures first."""
    today = today or timezone.localdate()
    return qs.annotate(overdue=Case(
        When(status__in=OPEN_STATUSES, ends_on__lt=today, then=Value(1)),
        default=Value(0), output_field=IntegerField(),
    ))


def slt_model_detail(*, municipality: Municipality) -> SltModel | None:
    """The model with its levels, members and latest meetings, in a fixed number of queries;
    annotated for `steering_last_meeting`."""
    return (
        with_steering_meetings(SltModel.objects.filter(municipality=municipality))
        .select_related("coordinator", "municipality")
        .prefetch_related(
            "other_municipalities",
            Prefetch("levels", queryset=SltLevel.objects.order_by("id").select_related(
                "police_council").prefetch_related(
                Prefetch("members", queryset=LevelMember.objects.select_related("user")),
                Prefetch("meetings", queryset=LevelMeeting.objects.order_by("-date", "-id")),
            )),
        )
        .first()
    )


def with_steering_meetings(models: QuerySet[SltModel]) -> QuerySet[SltModel]:
    """Annotate what `steering_last_meeting` reads (no extra query): the steering level's own
    last recorded meeting and, when the police council is the steering level (§6), the
    council's last held meeting (not cancelled, already started).

    Only dates, the compliance fact the check reports to the same readers: the council's
    meetings are counted, not read, so no title, place or agenda leaves politirad."""
    from politirad.models import Meeting

    now = timezone.now()
    council_meeting = (
        Meeting.objects.filter(council__slt_levels__slt_model=OuterRef("pk"),
                               council__slt_levels__kind=LevelKind.STEERING,
                               cancelled=False, starts_at__lte=now)
        .order_by("-starts_at").values("starts_at")[:1]
    )
    return models.annotate(
        last_level_meeting=Max("levels__meetings__date",
                               filter=Q(levels__kind=LevelKind.STEERING,
                                        levels__meetings__date__lte=timezone.localdate(now))),
        last_council_meeting=Subquery(council_meeting),
    )


def steering_last_meeting(model: SltModel) -> dt.date | None:
    """The date the steering level last met, of a model from `with_steering_meetings`. The SLT
    page and the compliance check both read it here, so they cannot disagree."""
    level_date = model.last_level_meeting  # type: ignore[attr-defined]
    council_at = model.last_council_meeting  # type: ignore[attr-defined]
    dates = [d for d in (level_date, timezone.localtime(council_at).date() if council_at
                         else None) if d is not None]
    return max(dates) if dates else None


def steering_last_meetings(models: QuerySet[SltModel]) -> dict[int, dt.date | None]:
    """`steering_last_meeting` per SLT model id (1 query)."""
    return {m.pk: steering_last_meeting(m) for m in with_steering_meetings(models)}


def ordered_levels(slt_model: SltModel) -> list[SltLevel]:
    return sorted(slt_model.levels.all(), key=lambda lv: lv.position)


def host_models(*, municipality: Municipality) -> QuerySet[SltModel]:
    """SLT models of other municipalities that this municipality shares."""
    return SltModel.objects.filter(other_municipalities=municipality).select_related(
        "municipality")


def measure_list(*, slt_model: SltModel, q: str = "", status: str = "", level: str = "",
                 focus_area: str = "", plan: int | None = None,
                 overdue: bool = False) -> QuerySet[SltMeasure]:
    qs = with_overdue_flag(
        SltMeasure.objects.filter(slt_model=slt_model)
        .select_related("level", "responsible", "action_plan", "focus_area")
    )
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(description__icontains=q)
                       | Q(target_group__icontains=q) | Q(focus_area_other__icontains=q)
                       | Q(responsible_name__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(level__kind=level)
    if focus_area == FOCUS_AREA_OTHER:
        qs = qs.filter(focus_area__isnull=True)
    elif focus_area:
        qs = qs.filter(focus_area__code=focus_area)
    if plan:
        qs = qs.filter(action_plan_id=plan)
    if overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, ends_on__lt=timezone.localdate())
    return qs.order_by("-overdue", "ends_on", "title", "pk")


def measure_detail_qs() -> QuerySet[SltMeasure]:
    # Not the council task: its title may be exempt, so it is read for the reader through the
    # council policy (`council_task_link`), never through the measure.
    return SltMeasure.objects.select_related(
        "slt_model__municipality", "slt_model__coordinator", "level", "responsible",
        "action_plan", "created_by", "focus_area",
    ).prefetch_related(
        Prefetch("updates", queryset=MeasureUpdate.objects.select_related("author"))
    )


def action_plans(*, slt_model: SltModel) -> QuerySet[SltActionPlan]:
    return slt_model.action_plans.annotate(
        measure_count=Count("measures", distinct=True),
        open_count=Count("measures", filter=Q(measures__status__in=OPEN_STATUSES),
                         distinct=True),
    ).order_by("-year")


def councils_covering(municipality: Municipality) -> QuerySet[Any]:
    """Police councils (local or regional, §4.4) that include the municipality."""
    from politirad.models import CouncilMunicipality, PoliceCouncil

    links = CouncilMunicipality.objects.filter(municipality=municipality).values("council_id")
    return PoliceCouncil.objects.filter(Q(municipality=municipality) | Q(pk__in=links)).order_by(
        "name")


def council_tasks_for(municipality: Municipality, user: Any) -> QuerySet[Any]:
    """Tasks of those councils that the user may read, newest first: candidates for the task
    that started a measure. A task under an exempt item is only offered to those who may read
    exempt content (the council policy, `politirad.selectors.visible_tasks`)."""
    from politirad.selectors import visible_tasks

    return visible_tasks(user).filter(
        council__in=councils_covering(municipality).values("pk")).order_by("-created_at")


@dataclass(frozen=True)
class CouncilTaskLink:
    """The council task that started a measure, as the reader may see it: the task itself;
    for an exempt task the reader may not read, only «Unntatt offentlighet» (`withheld`, as
    `samarbeid.confidentiality` stubs exempt rows); otherwise nothing."""

    task: Any | None = None
    withheld: bool = False


def council_task_link(measure: SltMeasure, user: Any) -> CouncilTaskLink:
    if not measure.council_task_id:
        return CouncilTaskLink()
    from politirad.models import Task, entry_exempt_q
    from politirad.selectors import visible_tasks

    task = (visible_tasks(user).filter(pk=measure.council_task_id)
            .select_related("council").first())
    if task is not None:
        return CouncilTaskLink(task=task)
    exempt = Task.objects.filter(entry_exempt_q("entry__"), pk=measure.council_task_id).exists()
    return CouncilTaskLink(withheld=exempt)


def people_of(municipality: Municipality) -> QuerySet[Any]:
    """Portal users with an active role in the municipality: candidates for coordinator,
    responsible person and level member."""
    from django.contrib.auth import get_user_model

    ids = Membership.objects.active().filter(municipality=municipality).values("user_id")
    return get_user_model().objects.filter(pk__in=ids, is_active=True).order_by(
        "first_name", "last_name", "username")


# --- The coordinator's dashboard --------------------------------------------------------


@dataclass
class Dashboard:
    counts: dict[str, dict[str, int]]  # level kind → status → count
    totals: dict[str, int]
    measures: QuerySet[SltMeasure]
    changed: list[SltMeasure]
    new_updates: list[MeasureUpdate]
    since: dt.datetime | None
    overdue_count: int = 0
    open_count: int = 0
    levels: list[tuple[str, Any]] = field(default_factory=list)
    statuses: list[tuple[str, Any]] = field(default_factory=list)


def dashboard(*, user: Any, since: dt.datetime | None, municipality: Municipality | None = None,
              changed_limit: int = 20) -> Dashboard:
    """Measures the user works on: counts by level and status (one GROUP BY), open measures
    with the overdue ones first, and what changed since the previous visit."""
    base = measures_for(user, access.Level.WORK)
    if municipality is not None:
        base = base.filter(slt_model__municipality=municipality)
    counts: dict[str, dict[str, int]] = {k: dict.fromkeys(MeasureStatus.values, 0) for k in LevelKind.values}
    totals = dict.fromkeys(MeasureStatus.values, 0)
    today = timezone.localdate()
    overdue_count = 0
    # The overdue count rides on the same GROUP BY: one query for the whole table.
    rows = base.values("level__kind", "status").annotate(
        n=Count("id"), overdue=Count("id", filter=Q(status__in=OPEN_STATUSES,
                                                    ends_on__lt=today))).order_by()
    for row in rows:
        counts[row["level__kind"]][row["status"]] = row["n"]
        totals[row["status"]] += row["n"]
        overdue_count += row["overdue"]
    measures = (
        with_overdue_flag(base.open().select_related("level", "responsible",
                                                     "slt_model__municipality"), today)
        .order_by("-overdue", "ends_on", "title", "pk")
    )
    changed: list[SltMeasure] = []
    new_updates: list[MeasureUpdate] = []
    if since is not None:
        changed = list(
            base.filter(updated_at__gt=since).select_related("level", "slt_model__municipality")
            .order_by("-updated_at")[:changed_limit]
        )
        new_updates = list(
            MeasureUpdate.objects.filter(measure__in=base.values("pk"), created_at__gt=since)
            .exclude(author=user).select_related("measure", "author")
            .order_by("-created_at")[:changed_limit]
        )
    return Dashboard(
        counts=counts, totals=totals, measures=measures, changed=changed,
        new_updates=new_updates, since=since, overdue_count=overdue_count,
        open_count=sum(totals[s] for s in OPEN_STATUSES),
        levels=[(k.value, k.label) for k in LEVEL_ORDER],
        statuses=list(MeasureStatus.choices),
    )


def coordinates_or_sees_slt(user: Any) -> bool:
    """Nav visibility, from the roles read once per request (no extra query)."""
    if not user.is_authenticated:
        return False
    r = access.roles(user)
    if r.national_admin or r.admin_districts or r.leadership_units:
        return True
    return any(m.role in (Role.SLT_COORDINATOR, Role.MUNICIPAL_LEADER, Role.POLICE_CONTACT)
               for m in r.memberships)


def council_people_and_meetings(level: SltLevel, user: Any) -> tuple[list[Any], list[Any]]:
    """Members and recent meetings of the police council linked to the steering level, so
    they are shown, not copied (§6); read through the council policy, like every council row
    SLT shows."""
    if not level.police_council_id:
        return [], []
    from politirad.models import CouncilMember, Meeting

    members = list(CouncilMember.objects.active().filter(council_id=level.police_council_id)
                   .restrict(user).select_related("user", "organisation"))
    meetings = list(Meeting.objects.filter(council_id=level.police_council_id, cancelled=False)
                    .restrict(user).order_by("-starts_at")[:10])
    return members, meetings
