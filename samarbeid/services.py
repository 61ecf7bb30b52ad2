"""Writes in the core: memberships and a municipality's participation status.

A membership gives access from its start date to its end date by itself: the principal is
read from the rows (`samarbeid.policy`), so no permission is granted, revoked or synced."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import access, audit
from .models import Membership, Municipality, OperationalUnit, Participation, PoliceDistrict

AbstractBaseUser = Any  # users and AnonymousUser alike; access decides, not the type


@transaction.atomic
def membership_create(
    *,
    user: AbstractBaseUser,
    role: str,
    municipality: Municipality | None = None,
    operational_unit: OperationalUnit | None = None,
    police_district: PoliceDistrict | None = None,
    title: str = "",
    can_sign: bool = False,
    starts_on: dt.date | None = None,
    actor: AbstractBaseUser | None = None,
) -> Membership:
    membership = Membership(
        user=user, role=role, municipality=municipality, operational_unit=operational_unit,
        police_district=police_district, title=title, can_sign=can_sign,
        starts_on=starts_on or timezone.localdate(),
    )
    membership.full_clean()
    membership.save()  # the principal's version is bumped by policy.watch(Membership)
    access.forget(user)
    audit.record(actor=actor, action="create", obj=membership, summary=str(membership))
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, ends_on: dt.date | None = None,
                   actor: AbstractBaseUser | None = None) -> Membership:
    """End a role: from `ends_on` it gives nothing (the principal reads the end date)."""
    membership.ends_on = ends_on or timezone.localdate()
    membership.full_clean()
    membership.save(update_fields=["ends_on"])
    access.forget(membership.user)
    audit.record(actor=actor, action="end", obj=membership, summary=str(membership))
    return membership


@transaction.atomic
def membership_set_end(*, membership: Membership, ends_on: dt.date | None,
                       actor: AbstractBaseUser | None = None) -> Membership:
    """Change the day a role ends (a handover date), or clear it (the role goes on)."""
    membership.ends_on = ends_on
    membership.full_clean()
    membership.save(update_fields=["ends_on"])
    access.forget(membership.user)
    audit.record(actor=actor, action="change" if ends_on is None else "end", obj=membership,
                 summary=f"{membership} ends={ends_on.isoformat() if ends_on else '-'}")
    return membership


@transaction.atomic
def municipality_set_participation(
    *, municipality: Municipality, participation: str, note: str, actor: AbstractBaseUser
) -> Municipality:
    """Record whether the municipality takes part; declining is legitimate (§2.3)."""
    municipality.participation = Participation(participation)
    municipality.participation_note = note
    municipality.full_clean()
    municipality.save(update_fields=["participation", "participation_note"])
    audit.record(actor=actor, action="change", obj=municipality,
                 summary=f"participation={participation}")
    return municipality
