"""Writes in the core: memberships (and the object permissions that follow them) and a
municipality's participation status."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from . import access, audit
from .models import Membership, Municipality, OperationalUnit, Participation, PoliceDistrict

AbstractBaseUser = Any  # users and AnonymousUser alike; access decides, not the type


def _sync_municipality_perms(*, user: AbstractBaseUser, municipality: Municipality,
                             on: dt.date | None = None) -> None:
    """Grant exactly the guardian perms the user's active memberships give on `municipality`."""
    wanted: set[str] = set()
    for role in (
        Membership.objects.active(on)
        .filter(user=user, municipality=municipality)
        .values_list("role", flat=True)
    ):
        wanted.update(access.ROLE_PERMS.get(role, ()))
    for perm in (access.VIEW_PERM, access.WORK_PERM):
        if perm in wanted:
            assign_perm(perm, user, municipality)
        else:
            remove_perm(perm, user, municipality)
    access.forget(user)


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
    membership.save()
    if municipality is not None:
        _sync_municipality_perms(user=user, municipality=municipality)
    access.forget(user)
    audit.record(actor=actor, action="create", obj=membership, summary=str(membership))
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, ends_on: dt.date | None = None,
                   actor: AbstractBaseUser | None = None) -> Membership:
    """End a role; the permissions it gave go with it (unless another role still gives them)."""
    membership.ends_on = ends_on or timezone.localdate()
    membership.full_clean()
    membership.save(update_fields=["ends_on"])
    if membership.municipality is not None:
        _sync_municipality_perms(user=membership.user, municipality=membership.municipality)
    access.forget(membership.user)
    audit.record(actor=actor, action="end", obj=membership, summary=str(membership))
    return membership


def membership_sync_due(*, on: dt.date | None = None) -> int:
    """Grant or revoke the permissions of roles that start or end today (or did yesterday,
    in case a scan was missed): dated assignments take effect without anyone acting."""
    today = on or timezone.localdate()
    window = [today - dt.timedelta(days=1), today]
    from django.db.models import Q

    rows = (Membership.objects.exclude(municipality=None)
            .filter(Q(starts_on__in=window) | Q(ends_on__in=window))
            .select_related("user", "municipality"))
    pairs = {(m.user, m.municipality) for m in rows if m.municipality is not None}
    for user, municipality in pairs:
        _sync_municipality_perms(user=user, municipality=municipality, on=today)
    return len(pairs)


def membership_sync_all() -> int:
    """Recompute every municipality permission from memberships (after imports or expiry)."""
    pairs = set(
        Membership.objects.exclude(municipality=None).values_list("user_id", "municipality_id")
    )
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.in_bulk({u for u, _ in pairs})
    municipalities = Municipality.objects.in_bulk({m for _, m in pairs})
    for user_id, municipality_id in pairs:
        _sync_municipality_perms(user=users[user_id], municipality=municipalities[municipality_id])
    return len(pairs)


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
