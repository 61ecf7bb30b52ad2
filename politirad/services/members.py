"""Writes for a council's seats."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samarbeid import audit
from samarbeid.models import AuditAction, Organisation

from .. import selectors
from ..models import (
    CouncilMember,
    PoliceCouncil,
)
from ._trail import _member_summary


@transaction.atomic
def council_member_add(*, council: PoliceCouncil, actor: Any, role: str, user: Any = None,
                       name: str = "", email: str = "", organisation: Organisation | None = None,
                       is_chair: bool = False, is_secretary: bool = False,
                       invited: bool = False) -> CouncilMember:
    """Add a member. A portal user's seat gives them this council and nothing else.

    Only someone who works in the council's municipalities or district can be seated by
    user name (others come in as external members or by invitation), and no one can make
    themselves chair: the chair approves the minutes (§4.1.2).
    """
    if user is not None and CouncilMember.objects.active().filter(council=council,
                                                                  user=user).exists():
        raise ValidationError({"user": _("This person is already a member of the council.")})
    # `invited`: the person accepted an invitation to this council (they hold no role of
    # their own, e.g. business, volunteers, schools — §4.2); the forms never pass it.
    if user is not None and not invited \
            and not selectors.eligible_members(council).filter(pk=user.pk).exists():
        raise ValidationError({"username": _(
            "No one with this user name or e-mail works in the council's municipalities. "
            "Check the spelling, or add the person as an external member with name and "
            "e-mail.")})
    if is_chair and user is not None and actor is not None and user.pk == actor.pk:
        raise ValidationError({"is_chair": _(
            "You cannot make yourself chair: the chair approves the minutes. Ask the other "
            "party or the district administrator to appoint the chair.")})
    member = CouncilMember(council=council, user=user, name=name, email=email,
                           organisation=organisation, role=role, is_chair=is_chair,
                           is_secretary=is_secretary)
    member.full_clean()
    if is_chair:  # one chair at a time
        # Row by row, not update(): each save bumps the former chair's principal.
        for former in CouncilMember.objects.filter(council=council, is_chair=True):
            former.is_chair = False
            former.save(update_fields=["is_chair"])
    member.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=member,
                 summary=_member_summary(member))
    return member


@transaction.atomic
def council_member_remove(*, member: CouncilMember, actor: Any) -> CouncilMember:
    """End the seat; the access it gave ends with it (the policy reads `ends_on`)."""
    if member.ends_on is not None:
        raise ValidationError(_("The member has already left the council."))
    member.ends_on = timezone.localdate()
    member.is_chair = False
    member.save(update_fields=["ends_on", "is_chair"])
    audit.record(actor=actor, action=AuditAction.END, obj=member,
                 summary=_member_summary(member))
    return member
