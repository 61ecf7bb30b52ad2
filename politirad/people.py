"""A council seat as something people can be invited to (issue 11, Veileder §4.2): the
council's chair or its police contact — and the district's and national administrators —
invite business, volunteers and schools to that council only (`council_member_add` with
`invited=True` when the invitation is accepted)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samarbeid import access, invitations, policy
from samarbeid.models import Role

from . import selectors, services
from .models import CouncilMember, MemberRole, PoliceCouncil


def _get(pk: int) -> PoliceCouncil | None:
    return PoliceCouncil.objects.select_related("municipality__police_district").filter(
        pk=pk).first()


def may_invite(user: Any, council: PoliceCouncil) -> bool:
    p = access.principal(user)
    if not p.is_authenticated:
        return False
    if p.national_admin:
        return True
    seat = p.seat("council", council.pk)
    if seat is not None and seat.chair:
        return True
    for m in selectors.council_municipalities(council):
        if m.police_district_id in p.admin_districts \
                or Role.POLICE_CONTACT in p.municipal_roles.get(m.pk, set()):
            return True
    return False


def _accept(invitation: Any, user: Any, actor: Any) -> None:
    council = PoliceCouncil.objects.get(pk=invitation.seat_object_id)
    services.council_member_add(council=council, actor=actor, role=invitation.seat_role,
                                user=user, invited=True)


def _seats(council: PoliceCouncil) -> list[invitations.SeatRow]:
    rows = []
    for m in council.members.active().select_related("user").order_by("-is_chair", "role", "pk"):
        role = m.get_role_display()
        if m.is_chair:
            role = f"{role} ({_('chair')})"
        elif m.is_secretary:
            role = f"{role} ({_('secretary')})"
        rows.append(invitations.SeatRow(
            pk=m.pk, name=m.display_name, role=str(role), starts_on=m.starts_on,
            ends_on=m.ends_on, last_login=m.user.last_login if m.user_id and m.user else None,
            portal_user=bool(m.user_id)))
    return rows


def _end_seat(council: PoliceCouncil, seat_pk: int, actor: Any) -> None:
    member = CouncilMember.objects.get(council=council, pk=seat_pk)
    services.council_member_remove(member=member, actor=actor)


def register() -> None:
    invitations.register_seat_target(invitations.SeatTarget(
        kind="council", label=_("police council"), get=_get,
        may_see=lambda user, council: selectors.may(user, policy.VIEW, council),
        may_invite=may_invite, roles=lambda: list(MemberRole.choices), accept=_accept,
        seats=_seats, end_seat=_end_seat,
        url=lambda council: reverse("politirad:council_detail", args=[council.pk]),
        district=lambda council: council.municipality.police_district,
    ))
