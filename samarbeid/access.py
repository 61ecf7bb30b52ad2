"""The one place that says who may see and change what.

Every view and selector scopes through these functions, so no view can forget it:
- outsiders get 404 (`get_municipality_or_404`, `scope`),
- users who may see but not change get 403 (`require`).

Levels, from weakest to strongest:
  VIEW  — see the municipality and its cooperation (council members, everyone who works there)
  WORK  — create and change cooperation content (municipal leader, police contact, SLT
          coordinator, police leadership of the unit, district and national administrators)
  ADMIN — administer (district administrator for their district, national administrator)

Municipality-bound roles are object permissions in django-guardian, granted and revoked by
`samarbeid.services` when a membership changes; district, unit and national roles are rules
over the membership rows, evaluated in SQL so that lists stay one query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from .models import Membership, Municipality, MunicipalityUserObjectPermission, Role

# A logged-in user, AnonymousUser, or a user fetched by a task: all answer is_authenticated.
AnyUser = Any

M = TypeVar("M", bound=Model)


class Level(IntEnum):
    VIEW = 1
    WORK = 2
    ADMIN = 3


VIEW_PERM = "view_municipality"
WORK_PERM = "work_in_municipality"

# Which guardian permissions a municipality-bound role gives.
ROLE_PERMS: dict[str, tuple[str, ...]] = {
    Role.MUNICIPAL_LEADER: (VIEW_PERM, WORK_PERM),
    Role.POLICE_CONTACT: (VIEW_PERM, WORK_PERM),
    Role.SLT_COORDINATOR: (VIEW_PERM, WORK_PERM),
    Role.COUNCIL_MEMBER: (VIEW_PERM,),
}


@dataclass
class Roles:
    """A user's active memberships, read once per request."""

    national_admin: bool = False
    admin_districts: set[int] = field(default_factory=set)
    leadership_units: set[int] = field(default_factory=set)
    police_districts: set[int] = field(default_factory=set)  # any police role in the district
    signs_for_municipalities: set[int] = field(default_factory=set)
    signs_for_police_districts: set[int] = field(default_factory=set)
    memberships: list[Membership] = field(default_factory=list)
    # (level, municipality id) -> answer, so the panels of one page ask the database once
    answers: dict[tuple[int, int], bool] = field(default_factory=dict)

    @property
    def is_police(self) -> bool:
        return bool(self.police_districts)


def roles(user: AnyUser) -> Roles:
    """The user's active roles, cached on the user object for the request."""
    if not user.is_authenticated or not user.is_active:
        return Roles()
    cached: Roles | None = getattr(user, "_samarbeid_roles", None)
    if cached is not None:
        return cached
    result = Roles()
    rows = list(
        Membership.objects.active()
        .filter(user=user)
        .select_related("municipality", "operational_unit", "police_district")
    )
    result.memberships = rows
    for m in rows:
        if m.role == Role.NATIONAL_ADMIN:
            result.national_admin = True
        elif m.role == Role.DISTRICT_ADMIN and m.police_district_id:
            result.admin_districts.add(m.police_district_id)
            result.police_districts.add(m.police_district_id)
            if m.can_sign:
                result.signs_for_police_districts.add(m.police_district_id)
        elif m.role == Role.POLICE_LEADERSHIP and m.operational_unit:
            result.leadership_units.add(m.operational_unit.pk)
            result.police_districts.add(m.operational_unit.police_district_id)
            if m.can_sign:
                result.signs_for_police_districts.add(m.operational_unit.police_district_id)
        elif m.role == Role.POLICE_CONTACT and m.municipality:
            result.police_districts.add(m.municipality.police_district_id)
        elif m.role == Role.MUNICIPAL_LEADER and m.can_sign and m.municipality_id:
            result.signs_for_municipalities.add(m.municipality_id)
    user._samarbeid_roles = result
    return result


def forget(user: AnyUser) -> None:
    """Drop the cached roles (after a membership change within the same request)."""
    if hasattr(user, "_samarbeid_roles"):
        del user._samarbeid_roles


def is_national_admin(user: AnyUser) -> bool:
    return roles(user).national_admin


def is_administrator(user: AnyUser) -> bool:
    r = roles(user)
    return r.national_admin or bool(r.admin_districts)


def _guardian_q(user: AnyUser, perm: str) -> Q:
    granted = MunicipalityUserObjectPermission.objects.filter(
        user_id=user.pk, permission__codename=perm
    ).values("content_object_id")
    return Q(pk__in=granted)


def municipality_q(user: AnyUser, level: Level = Level.VIEW, prefix: str = "") -> Q:
    """A Q over Municipality (or, with `prefix`, over a model pointing to it)."""
    r = roles(user)
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if r.national_admin:
        return Q()
    q = Q(police_district_id__in=r.admin_districts) if r.admin_districts else Q(pk__in=[])
    if level <= Level.WORK:
        if r.leadership_units:
            q |= Q(operational_unit_id__in=r.leadership_units)
        q |= _guardian_q(user, VIEW_PERM if level == Level.VIEW else WORK_PERM)
    if not prefix:
        return q
    return Q(**{f"{prefix}__in": Municipality.objects.filter(q).values("pk")})


def municipalities(user: AnyUser, level: Level = Level.VIEW) -> QuerySet[Municipality]:
    """Which municipalities may this user see (or work on, or administer)?"""
    return Municipality.objects.filter(municipality_q(user, level))


def scope(qs: QuerySet[M], user: AnyUser, level: Level = Level.VIEW,
          path: str = "municipality") -> QuerySet[M]:
    """Restrict any queryset whose rows belong to a municipality (through `path`)."""
    r = roles(user)
    if r.national_admin and user.is_active:
        return qs
    return qs.filter(municipality_q(user, level, prefix=path))


def can(user: AnyUser, level: Level, municipality: Municipality) -> bool:
    r = roles(user)
    if not user.is_authenticated or not user.is_active:
        return False
    if r.national_admin or municipality.police_district_id in r.admin_districts:
        return True
    if level == Level.ADMIN:
        return False
    if municipality.operational_unit_id and municipality.operational_unit_id in r.leadership_units:
        return True
    key = (int(level), municipality.pk)
    if key not in r.answers:
        perm = VIEW_PERM if level == Level.VIEW else WORK_PERM
        r.answers[key] = MunicipalityUserObjectPermission.objects.filter(
            user_id=user.pk, permission__codename=perm, content_object=municipality
        ).exists()
    return r.answers[key]


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
