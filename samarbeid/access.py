"""Municipality-level access, answered from the request's principal (`samarbeid.policy`).

Outsiders get 404 (`get_municipality_or_404`, `scope`), users who may see but not change
get 403 (`require`). Levels, from weakest to strongest:
  VIEW  — see the municipality's cooperation: everyone who works there (municipal leader,
          police contact, SLT coordinator), police leadership of its unit, district and
          national administrators. A council seat gives that council only, not this.
  WORK  — create and change the municipality's cooperation content (the same people)
  ADMIN — administer (district administrator for their district, national administrator)

Every answer comes from the principal's id sets, so lists stay one query and a page asks
the database nothing about permissions once the principal is cached.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from . import policy
from .models import Municipality, Role
from .policy import Principal

# A logged-in user, AnonymousUser, a user fetched by a task, or a principal.
AnyUser = Any

M = TypeVar("M", bound=Model)

# Roles that act for a party of the cooperation in a municipality (Veileder §3, §4.1.1):
# they prepare and follow up the council's meetings and read its exempt content.
PARTY_ROLES = frozenset({Role.MUNICIPAL_LEADER, Role.POLICE_CONTACT})
WORKING_ROLES = frozenset({Role.MUNICIPAL_LEADER, Role.POLICE_CONTACT, Role.SLT_COORDINATOR})


class Level(IntEnum):
    VIEW = 1
    WORK = 2
    ADMIN = 3


# The principal used to be called the user's roles; the name stays for the many readers.
Roles = Principal


def principal(user: AnyUser) -> Principal:
    if isinstance(user, Principal):
        return user
    return policy.for_user(user)


def roles(user: AnyUser) -> Principal:
    """The user's principal for this request (see `samarbeid.policy`)."""
    return principal(user)


def forget(user: AnyUser) -> None:
    """Drop the memoised principal (after a membership change within the same request)."""
    policy.forget(user)


def is_national_admin(user: AnyUser) -> bool:
    return roles(user).national_admin


def is_administrator(user: AnyUser) -> bool:
    r = roles(user)
    return r.national_admin or bool(r.admin_districts)


def municipality_q(user: AnyUser, level: Level = Level.VIEW, prefix: str = "",
                   roles: frozenset[str] | None = None) -> Q:
    """A Q over Municipality (or, with `prefix`, over a model pointing to it).

    `roles` narrows the municipality-bound roles that count (e.g. only the parties); unit
    leadership and district administrators always count, national administrators count
    unless `roles` is given (they are no party to a municipality's cooperation).
    """
    p = principal(user)
    if not p.is_authenticated:
        return policy.NOTHING
    if p.national_admin and roles is None:
        return Q()
    prefix = f"{prefix}__" if prefix else ""
    parts = [policy.ids_q(f"{prefix}police_district_id", p.admin_districts)]
    if level <= Level.WORK:
        parts.append(policy.ids_q(f"{prefix}operational_unit_id", p.leadership_units))
        held = WORKING_ROLES if roles is None else roles
        parts.append(policy.ids_q(f"{prefix}pk", p.municipalities_with(held)))
    return policy.any_of(*parts)


def municipalities(user: AnyUser, level: Level = Level.VIEW) -> QuerySet[Municipality]:
    """Which municipalities may this user see (or work on, or administer)?"""
    return Municipality.objects.filter(municipality_q(user, level))


def scope(qs: QuerySet[M], user: AnyUser, level: Level = Level.VIEW,
          path: str = "municipality") -> QuerySet[M]:
    """Restrict any queryset whose rows belong to a municipality (through `path`)."""
    p = principal(user)
    if p.national_admin:
        return qs
    q = municipality_q(p, level, prefix=path)
    return qs.none() if q is policy.NOTHING else qs.filter(q)


def can(user: AnyUser, level: Level, municipality: Municipality,
        roles: frozenset[str] | None = None) -> bool:
    p = principal(user)
    if not p.is_authenticated:
        return False
    if municipality.police_district_id in p.admin_districts:
        return True
    if p.national_admin and roles is None:
        return True
    if level == Level.ADMIN:
        return False
    if municipality.operational_unit_id and municipality.operational_unit_id in p.leadership_units:
        return True
    held = p.municipal_roles.get(municipality.pk, set())
    return bool(held & (WORKING_ROLES if roles is None else roles))


def require(user: AnyUser, level: Level, municipality: Municipality) -> None:
    """404 for someone who may not see the municipality; 403 for a reader asked to change."""
    if level > Level.VIEW and can(user, level, municipality):
        return
    if not can(user, Level.VIEW, municipality):
        raise Http404
    if level > Level.VIEW:
        raise PermissionDenied


def get_municipality_or_404(user: AnyUser, number: str,
                            level: Level = Level.VIEW) -> Municipality:
    try:
        municipality = Municipality.objects.select_related(
            "county", "police_district", "operational_unit"
        ).get(number=number)
    except Municipality.DoesNotExist as exc:
        raise Http404 from exc
    require(user, level, municipality)
    return municipality


def get_scoped_or_404(qs: QuerySet[M], user: AnyUser, level: Level = Level.VIEW,
                      path: str = "municipality", **lookup: Any) -> M:
    """Fetch one object belonging to a municipality: 404 outside, 403 for readers."""
    try:
        obj = scope(qs, user, Level.VIEW, path).get(**lookup)
    except qs.model.DoesNotExist as exc:  # type: ignore[attr-defined]
        raise Http404 from exc
    if level > Level.VIEW and not scope(qs, user, level, path).filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj


def can_sign_for_municipality(user: AnyUser, municipality: Municipality) -> bool:
    """Mayor or delegate (membership with can_sign) — Veileder §3."""
    return municipality.pk in roles(user).signs_for_municipalities


def can_sign_for_police(user: AnyUser, municipality: Municipality) -> bool:
    """Chief of police or delegate of the municipality's police district — Veileder §3."""
    return municipality.police_district_id in roles(user).signs_for_police_districts


def require_administrator(user: AnyUser) -> Roles:
    """Administrator pages: 403 for everyone logged in who is not an administrator."""
    r = roles(user)
    if not (r.national_admin or r.admin_districts):
        raise PermissionDenied
    return r


def require_national_admin(user: AnyUser) -> None:
    if not is_national_admin(user):
        raise PermissionDenied


class MunicipalQuerySet(policy.RestrictedQuerySet[M]):
    """`restrict(principal, action)` for rows that belong to a municipality through
    `municipality_path`: the rule of this module (VIEW, WORK = change, ADMIN) as a queryset
    restriction, so agreements, SLT measures, evaluations and assignments answer the same
    question the same way as councils do (`politirad.models.council_q`)."""

    municipality_path = "municipality"
    LEVELS = {policy.VIEW: Level.VIEW, policy.CHANGE: Level.WORK, policy.ADMIN: Level.ADMIN}

    def restriction(self, principal: Principal, action: str) -> Q | None:
        level = self.LEVELS.get(action)
        if level is None:  # no exempt content here
            return policy.NOTHING
        if principal.national_admin:
            return None
        return municipality_q(principal, level, prefix=self.municipality_path)
