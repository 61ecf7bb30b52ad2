"""Who sees and works in a council, and the council's own reads.

Scoping: a council belongs to all its municipalities (the primary one and, for a regional
council, the others — §4.4). A user sees a council when `samarbeid.access` lets them see any
of them. Everything inside a council (meetings, tasks, plans) is scoped through the council."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from avtaler.selectors import AgreementTerms, agreement_terms
from samarbeid import access, pagecache, policy
from samarbeid.models import Municipality

from ..models import (
    OPEN_TASK_STATUSES,
    CouncilMember,
    CouncilMunicipality,
    Meeting,
    PoliceCouncil,
    Task,
    council_q,
)

M = TypeVar("M", bound=Model)


def _action(level: access.Level) -> str:
    return policy.VIEW if level == access.Level.VIEW else policy.CHANGE


def councils(user: Any, level: access.Level = access.Level.VIEW) -> QuerySet[PoliceCouncil]:
    return PoliceCouncil.objects.restrict(access.principal(user), _action(level))


def get_in_council_or_404(qs: QuerySet[M], user: Any, level: access.Level = access.Level.VIEW,
                          council_path: str = "council", name: str | None = None,
                          **lookup: Any) -> M:
    """One object inside a council: 404 for outsiders, 403 for readers asked to change.
    `name` (which must name `qs` and `lookup`) keeps the query's SQL per reader
    (policy.instances): for a page's own object, read on every build of the page."""
    p = access.principal(user)
    prefix = "" if council_path == "pk" else council_path

    def restricted() -> QuerySet[M]:
        visible = council_q(p, policy.VIEW, prefix=prefix)
        return (qs.filter(visible) if visible is not None else qs).filter(**lookup)

    if name is not None:
        # Kept as a part of the page being built: a task's new status rebuilds the council's
        # and the meeting's pages, not the council or meeting they read (issue #12).
        found = pagecache.page_part(f"object:{name}", user, lambda: policy.instances(
            name, user, lambda: restricted()[:2]))
        if len(found) != 1:
            raise Http404
        obj = found[0]
    else:
        try:
            obj = restricted().get()
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
        council_path="pk", name=f"politirad.council:{pk}", pk=pk,
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


def terms_for(council_list: Iterable[PoliceCouncil]) -> dict[int, AgreementTerms]:
    """{council id: terms of the agreement in force for its primary municipality}."""
    council_list = list(council_list)
    terms = agreement_terms({c.municipality_id for c in council_list})
    return {c.pk: terms[c.municipality_id] for c in council_list}


def council_members(council: PoliceCouncil) -> QuerySet[CouncilMember]:
    return council.members.active().select_related("user", "organisation")


def council_list(user: Any, *, q: str = "", kind: str = "",
                 task_counts: bool = True) -> QuerySet[PoliceCouncil]:
    """Visible councils with their next meeting and (`task_counts`) open tasks, each one
    indexed lookup per listed row (council + starts_at, council + status) instead of a
    GROUP BY over the tasks of every visible council (issue #12)."""
    now = timezone.now()
    qs = councils(user).select_related("municipality")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(municipality__name__icontains=q)
                       | Q(theme__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    next_meeting = Meeting.objects.filter(council=OuterRef("pk"), starts_at__gte=now,
                                          cancelled=False).order_by("starts_at")
    qs = qs.annotate(next_meeting_at=Subquery(next_meeting.values("starts_at")[:1]))
    if task_counts:
        open_tasks = (Task.objects.filter(council=OuterRef("pk"), status__in=OPEN_TASK_STATUSES)
                      .order_by().values("council").annotate(n=Count("pk")).values("n")[:1])
        qs = qs.annotate(open_task_count=Coalesce(
            Subquery(open_tasks, output_field=IntegerField()), Value(0)))
    return qs.order_by("name", "pk")


def councils_for_municipality(user: Any, municipality: Any) -> QuerySet[PoliceCouncil]:
    """The municipality page's panel shows no task counts: none are computed."""
    return council_list(user, task_counts=False).filter(
        pk__in=CouncilMunicipality.objects.filter(municipality=municipality).values("council_id")
    )
