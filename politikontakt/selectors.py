"""Reads for police contacts, shared by views, the panel, compliance checks and reminders.
Every function runs a fixed number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from samarbeid import access
from samarbeid.models import Membership, Municipality, PoliceDistrict, Role

from .models import Assignment, DirectorateApproval, PreventiveFunction, PreventiveFunctionKind

# The functions in the order the guide names them (§2.1), "other" last.
KIND_ORDER = Case(*[When(kind=value, then=Value(i))
                    for i, value in enumerate(PreventiveFunctionKind.values)],
                  default=Value(len(PreventiveFunctionKind.values)), output_field=IntegerField())


def municipality_pairs(*, contact_ids: Iterable[int],
                       on: dt.date | None = None) -> dict[int, set[int]]:
    """{contact id: municipality ids served or planned} — assignments not ended plus
    police-contact memberships made outside this app (2 queries)."""
    today = on or timezone.localdate()
    ids = list(contact_ids)
    result: dict[int, set[int]] = defaultdict(set)
    for cid, mid in (Assignment.objects.current_or_planned(today).filter(contact_id__in=ids)
                     .values_list("contact_id", "municipality_id")):
        result[cid].add(mid)
    for uid, mid in (Membership.objects.filter(user_id__in=ids, role=Role.POLICE_CONTACT)
                     .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))
                     .exclude(municipality=None).values_list("user_id", "municipality_id")):
        result[uid].add(mid)
    return result


def municipality_counts(*, contact_ids: Iterable[int], on: dt.date | None = None) -> dict[int, int]:
    return {cid: len(mids) for cid, mids in municipality_pairs(contact_ids=contact_ids,
                                                                on=on).items()}


def _police_role_q(districts: Any) -> Q:
    return (Q(role=Role.POLICE_CONTACT, municipality__police_district__in=districts)
            | Q(role=Role.POLICE_LEADERSHIP, operational_unit__police_district__in=districts)
            | Q(role=Role.DISTRICT_ADMIN, police_district__in=districts))


def eligible_contacts_in(*, districts: Any) -> QuerySet[Any]:
    """Who may be made a police contact in the districts: an active user with an active
    police role there (police contact, police leadership of one of its units, district
    administrator). The core has no plain "police employee" role; §5.3 notes the function
    may be held by a service-unit leader, so police leadership counts."""
    memberships = Membership.objects.active().filter(_police_role_q(districts),
                                                     user=OuterRef("pk"))
    return (get_user_model().objects.filter(is_active=True).filter(Exists(memberships))
            .order_by("first_name", "last_name", "username"))


def eligible_contacts(*, police_district: PoliceDistrict) -> QuerySet[Any]:
    return eligible_contacts_in(districts=PoliceDistrict.objects.filter(pk=police_district.pk))


def contact_district(*, contact: Any, districts: Any) -> PoliceDistrict | None:
    """The district (among `districts`) where the contact has a police role."""
    m = (Membership.objects.active().filter(_police_role_q(districts), user=contact)
         .select_related("municipality", "operational_unit").first())
    if m is None:
        return None
    pk = m.police_district_id or (m.municipality.police_district_id if m.municipality
                                  else m.operational_unit.police_district_id
                                  if m.operational_unit else None)
    return PoliceDistrict.objects.filter(pk=pk).first() if pk else None


def assignment_list(*, user: Any, q: str = "", status: str = "active",
                    police_district: str = "") -> QuerySet[Assignment]:
    """Assignments of the municipalities the user may see (status: active, ended, all)."""
    qs: Any = access.scope(Assignment.objects.all(), user, access.Level.VIEW).select_related(
        "contact", "municipality", "municipality__police_district", "operational_unit")
    today = timezone.localdate()
    if status == "active":
        qs = qs.current_or_planned(today)
    elif status == "ended":
        qs = qs.filter(ends_on__lte=today)
    if q:
        qs = qs.filter(Q(municipality__name__icontains=q) | Q(contact__first_name__icontains=q)
                       | Q(contact__last_name__icontains=q) | Q(contact__username__icontains=q))
    if police_district:
        qs = qs.filter(municipality__police_district__code=police_district)
    return qs.order_by("municipality__name", "-starts_on", "pk")


def visible_districts(user: Any) -> QuerySet[PoliceDistrict]:
    """Police districts whose directory the user may read: those of the municipalities they
    may see, plus their own police districts."""
    r = access.roles(user)
    if r.national_admin:
        return PoliceDistrict.objects.all()
    visible = access.municipalities(user).values("police_district_id")
    return PoliceDistrict.objects.filter(Q(pk__in=visible) | Q(pk__in=r.police_districts))


def admin_districts(user: Any) -> QuerySet[PoliceDistrict]:
    r = access.roles(user)
    if r.national_admin:
        return PoliceDistrict.objects.all()
    return PoliceDistrict.objects.filter(pk__in=r.admin_districts)


def can_administer_district(user: Any, district: PoliceDistrict) -> bool:
    r = access.roles(user)
    return r.national_admin or district.pk in r.admin_districts


def directory(*, police_district: PoliceDistrict, kind: str = "",
              q: str = "") -> QuerySet[PreventiveFunction]:
    qs = PreventiveFunction.objects.filter(police_district=police_district)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(holder_name__icontains=q) | Q(other_name__icontains=q)
                       | Q(note__icontains=q))
    return qs.order_by(KIND_ORDER, "holder_name", "pk")


@dataclass
class ContactLoad:
    contact: Any
    assignments: list[Assignment] = field(default_factory=list)
    municipality_count: int = 0
    share_total: int = 0
    approval: DirectorateApproval | None = None

    @property
    def over_three(self) -> bool:
        return self.municipality_count > 3

    @property
    def needs_approval(self) -> bool:
        return self.over_three and (self.approval is None
                                    or self.approval.max_municipalities < self.municipality_count)


@dataclass
class CoveredMunicipality:
    municipality: Municipality
    contacts: list[Any]


@dataclass
class Coverage:
    police_district: PoliceDistrict
    uncovered: list[Municipality]
    loads: list[ContactLoad]
    municipality_total: int
    covered: list[CoveredMunicipality] = field(default_factory=list)


# Whose own municipalities count on the coverage page besides the administrators' districts
# and a unit leader's unit (access.municipality_q): the police contact's — not a mayor's or
# an SLT coordinator's (§5: the coverage is the police's to keep).
COVERAGE_ROLES = frozenset({Role.POLICE_CONTACT})


def coverage_municipalities(user: Any) -> QuerySet[Municipality]:
    """Municipalities whose police-contact coverage the user may read (issue #14): district
    administrators their district's, national administrators all, a police contact the
    municipalities they serve, a unit leader (police leadership) the unit's. Answered by the
    policy (`access.municipality_q`), nothing of its own."""
    p = access.principal(user)
    if p.national_admin:
        return Municipality.objects.all()
    q = access.municipality_q(p, access.Level.VIEW, roles=COVERAGE_ROLES)
    return Municipality.objects.filter(q)


def reads_coverage(user: Any) -> bool:
    """Whether the coverage page has anything for the user (the principal only, no query)."""
    p = access.principal(user)
    return (p.is_administrator or bool(p.leadership_units)
            or bool(p.municipalities_with(COVERAGE_ROLES)))


def coverage(*, police_district: PoliceDistrict, on: dt.date | None = None,
             municipalities: QuerySet[Municipality] | None = None) -> Coverage:
    """Municipalities of the district without a contact (§5: every municipality shall have
    one), those with one and who, and each contact's load — of the whole district, or only
    of `municipalities` (what the reader may see). Five queries whatever the size."""
    today = on or timezone.localdate()
    scope = (Municipality.objects.all() if municipalities is None else municipalities).filter(
        police_district=police_district)
    municipality_list = list(scope.select_related("operational_unit").order_by("name"))
    assignments = list(
        Assignment.objects.active(today).filter(municipality__in=scope.values("pk"))
        .select_related("contact", "municipality").order_by("municipality__name", "starts_on")
    )
    by_municipality: dict[int, list[Any]] = defaultdict(list)
    for a in assignments:
        by_municipality[a.municipality_id].append(a.contact)
    # A police-contact membership made outside this app still means someone is the contact.
    for m in (Membership.objects.active(today).filter(
            role=Role.POLICE_CONTACT, municipality__in=scope.values("pk"))
            .select_related("user").order_by("starts_on", "pk")):
        if m.user not in by_municipality[m.municipality_id or 0]:
            by_municipality[m.municipality_id or 0].append(m.user)
    covered = {pk for pk, people in by_municipality.items() if people}
    by_contact: dict[int, ContactLoad] = {}
    for a in assignments:
        load = by_contact.setdefault(a.contact_id, ContactLoad(contact=a.contact))
        load.assignments.append(a)
        load.share_total += a.share_of_position
    counts = municipality_counts(contact_ids=by_contact.keys(), on=today)
    approvals = {}
    for approval in (DirectorateApproval.objects.valid(today)
                     .filter(contact_id__in=by_contact.keys()).order_by("max_municipalities")):
        approvals[approval.contact_id] = approval
    for cid, load in by_contact.items():
        load.municipality_count = counts.get(cid, len(load.assignments))
        load.approval = approvals.get(cid)
    loads = sorted(by_contact.values(),
                   key=lambda c: (-c.municipality_count, c.contact.get_full_name()))
    return Coverage(
        police_district=police_district,
        uncovered=[m for m in municipality_list if m.pk not in covered],
        loads=loads,
        municipality_total=len(municipality_list),
        covered=[CoveredMunicipality(m, by_municipality[m.pk]) for m in municipality_list
                 if m.pk in covered],
    )


def approvals_for(user: Any) -> QuerySet[DirectorateApproval]:
    """National administrators see every request; district administrators their district's."""
    qs = DirectorateApproval.objects.select_related(
        "contact", "police_district", "municipality", "requested_by", "decided_by")
    r = access.roles(user)
    if r.national_admin:
        return qs
    return qs.filter(police_district_id__in=r.admin_districts)


def panel_assignments(*, municipality: Municipality) -> list[Assignment]:
    return list(Assignment.objects.active().filter(municipality=municipality)
                .select_related("contact").order_by("starts_on", "pk"))


def panel(*, municipality: Municipality) -> dict[str, Any]:
    """The municipality page's "your police contact" panel: 2 queries. Former contacts are
    shown too (issue #14), from the same query as the current ones."""
    today = timezone.localdate()
    every = list(Assignment.objects.filter(municipality=municipality, starts_on__lte=today)
                 .select_related("contact").order_by("starts_on", "pk"))
    assignments = [a for a in every if a.ends_on is None or a.ends_on > today]
    former = sorted((a for a in every if a.ends_on is not None and a.ends_on <= today),
                    key=lambda a: a.ends_on or today, reverse=True)[:10]
    functions = list(PreventiveFunction.objects.filter(
        police_district_id=municipality.police_district_id).order_by(KIND_ORDER, "holder_name"))
    return {"assignments": assignments, "former": former, "functions": functions}


def home_reminders(user: Any) -> list[Any]:
    """Items for the home page's reminders section (at most 3 queries)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    from samarbeid.sections import Item

    from .models import ApprovalStatus

    r = access.roles(user)
    items: list[Item] = []
    if r.national_admin:
        pending = list(DirectorateApproval.objects.filter(status=ApprovalStatus.PENDING)
                       .select_related("contact").order_by("requested_at")[:5])
        for a in pending:
            items.append(Item(
                title=_("Decide on approval for %(name)s") % {
                    "name": a.contact.get_full_name() or a.contact.get_username()},
                url=reverse("politikontakt:approval_decide", args=[a.pk]),
                when=a.requested_at.date(),
                detail=_("A police contact for more than three municipalities (guide §5)."),
            ))
    elif r.admin_districts:
        today = timezone.localdate()
        uncovered = Municipality.objects.filter(police_district_id__in=r.admin_districts).exclude(
            pk__in=Assignment.objects.active(today).values("municipality_id")).exclude(
            pk__in=Membership.objects.active(today).filter(role=Role.POLICE_CONTACT)
            .values("municipality_id")).count()
        if uncovered:
            items.append(Item(
                title=ngettext("%(n)d municipality has no police contact",
                               "%(n)d municipalities have no police contact", uncovered)
                % {"n": uncovered},
                url=reverse("politikontakt:coverage"),
                detail=_("Every municipality shall have a police contact (guide §5)."),
            ))
        # Issue #14: an expired approval the district still relies on (the expiry e-mail
        # points here too): a contact above three municipalities with no valid approval.
        expired = list(DirectorateApproval.objects.expired(today)
                       .filter(police_district_id__in=r.admin_districts)
                       .exclude(contact_id__in=DirectorateApproval.objects.valid(today)
                                .values("contact_id"))
                       .select_related("contact").order_by("-expires_on")[:5])
        for a in expired:
            items.append(Item(
                title=_("The approval for %(name)s has expired") % {
                    "name": a.contact.get_full_name() or a.contact.get_username()},
                url=reverse("politikontakt:approval_decide", args=[a.pk]),
                when=a.expires_on, overdue=True,
                detail=_("Request a new approval or end an assignment (guide §5, footnote 15)."),
            ))
    return items
