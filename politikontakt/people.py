"""The police-contact role through invitations (issue 11): accepting an invitation creates the
assignment through `assignment_create`, so the rule of three holds (Veileder §5, footnote 15)
— or the acceptance is refused with the rule's message and changes nothing; ending the role on
the People page ends the assignment with it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from samarbeid import invitations
from samarbeid import services as core_services
from samarbeid.models import Membership, Role

from . import services
from .models import Assignment


def _accept(invitation: Any, user: Any, actor: Any) -> Membership:
    assignment = services.assignment_create(
        contact=user, municipality=invitation.municipality,
        share_of_position=int(invitation.extra.get("share_of_position", 100)),
        starts_on=invitation.starts_on, ends_on=invitation.ends_on, actor=actor)
    assert assignment.membership is not None
    return assignment.membership


def _end(membership: Membership, ends_on: dt.date, actor: Any) -> None:
    assignment = Assignment.objects.filter(membership=membership).first()
    if assignment is not None and not assignment.is_ended:
        services.assignment_end(assignment=assignment, ends_on=ends_on, actor=actor)
    else:
        core_services.membership_set_end(membership=membership, ends_on=ends_on, actor=actor)


def register() -> None:
    invitations.register_role_acceptor(Role.POLICE_CONTACT, _accept)
    invitations.register_role_ender(Role.POLICE_CONTACT, _end)
