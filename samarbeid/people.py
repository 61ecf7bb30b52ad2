"""Reads for the People pages: who holds which role where, since when, until when, their last
login, and the invitations not yet answered. Each page costs a fixed number of queries,
whatever the number of people (a district page: four).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from . import access, sections
from .models import Invitation, InvitationStatus, Membership, Municipality, PoliceDistrict, Role

ENDED_SHOWN_DAYS = 365


def _current(qs: QuerySet[Membership], today: dt.date) -> QuerySet[Membership]:
    """Roles that give access today or will (planned), not those that ended."""
    return qs.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))


def municipality_people(municipality: Municipality) -> dict[str, Any]:
    today = timezone.localdate()
    base = Membership.objects.filter(municipality=municipality).select_related("user")
    unit_roles: list[Membership] = []
    if municipality.operational_unit_id:
        unit_roles = list(_current(Membership.objects.filter(
            role=Role.POLICE_LEADERSHIP, operational_unit_id=municipality.operational_unit_id),
            today).select_related("user", "operational_unit").order_by("starts_on"))
    return {
        "current": list(_current(base, today).order_by("role", "starts_on", "pk")),
        "ended": list(base.filter(ends_on__lte=today,
                                  ends_on__gt=today - dt.timedelta(days=ENDED_SHOWN_DAYS))
                      .order_by("-ends_on")),
        "unit_roles": unit_roles,
        "invitations": list(Invitation.objects.filter(
            municipality=municipality, status=InvitationStatus.PENDING)
            .select_related("invited_by").order_by("-created_at")),
        "today": today,
    }


@dataclass
class MunicipalityRow:
    """One line of the district's onboarding overview."""

    municipality: Municipality
    signatories: list[Membership] = field(default_factory=list)
    planned_signatories: list[Membership] = field(default_factory=list)
    contacts: list[Membership] = field(default_factory=list)
    others: int = 0
    pending: int = 0

    @property
    def lacks_signatory(self) -> bool:
        return not self.signatories


def district_people(district: PoliceDistrict) -> dict[str, Any]:
    """District roles, every pending invitation in the district, and per municipality who
    signs (and who will, after a handover), the police contacts and what is pending."""
    today = timezone.localdate()
    district_roles = list(_current(Membership.objects.filter(
        Q(police_district=district) | Q(operational_unit__police_district=district)), today)
        .select_related("user", "operational_unit").order_by("role", "starts_on", "pk"))
    pending = list(Invitation.objects.filter(status=InvitationStatus.PENDING).filter(
        Q(police_district=district) | Q(operational_unit__police_district=district)
        | Q(municipality__police_district=district))
        .select_related("municipality", "operational_unit", "police_district", "invited_by")
        .order_by("-created_at"))
    rows = {m.pk: MunicipalityRow(m) for m in Municipality.objects.filter(
        police_district=district).order_by("name")}
    for m in _current(Membership.objects.filter(municipality__police_district=district),
                      today).select_related("user"):
        row = rows.get(m.municipality_id or 0)
        if row is None:
            continue
        active = m.starts_on <= today
        if m.role == Role.MUNICIPAL_LEADER and m.can_sign:
            (row.signatories if active else row.planned_signatories).append(m)
        elif m.role == Role.POLICE_CONTACT and active:
            row.contacts.append(m)
        elif active:
            row.others += 1
    for inv in pending:
        if inv.municipality_id in rows:
            rows[inv.municipality_id].pending += 1
    return {"district_roles": district_roles, "invitations": pending,
            "rows": list(rows.values()), "today": today}


def seat_invitations(kind: str, object_id: int) -> list[Invitation]:
    return list(Invitation.objects.filter(seat_kind=kind, seat_object_id=object_id,
                                          status=InvitationStatus.PENDING)
                .select_related("invited_by").order_by("-created_at"))


def signatories(*, municipality_id: int | None = None, police_district_id: int | None = None
                ) -> list[Membership]:
    """Who may sign for the party today (Veileder §3): after a handover, the new mayor."""
    qs = Membership.objects.active().filter(can_sign=True).select_related("user")
    if municipality_id is not None:
        return list(qs.filter(role=Role.MUNICIPAL_LEADER, municipality_id=municipality_id))
    return list(qs.filter(Q(role=Role.DISTRICT_ADMIN, police_district_id=police_district_id)
                          | Q(role=Role.POLICE_LEADERSHIP,
                              operational_unit__police_district_id=police_district_id)))


def administered_districts(user: Any) -> QuerySet[PoliceDistrict]:
    p = access.principal(user)
    if p.national_admin:
        return PoliceDistrict.objects.all()
    return PoliceDistrict.objects.filter(pk__in=sorted(p.admin_districts))


# --- Where the People pages are linked from -----------------------------------------------------


def _panel(user: Any, municipality: Municipality) -> dict[str, Any] | None:
    # No query: the municipality page has checked that the user may see the municipality.
    return {"can_manage": access.can(user, access.Level.ADMIN, municipality)}


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    sections.register_panel(sections.Panel(key="people", order=95,
                                           template="samarbeid/people/panel.html",
                                           context=_panel))
    sections.register_nav(sections.NavLink(key="people", label=_("People"),
                                           url_name="people_index", order=90,
                                           visible=lambda user: access.is_administrator(user)))
