"""The one access policy of the portal: a *principal* per request and `restrict()` on querysets.

A principal is built once per user and day from the rows that give access — `Membership`
(municipal, unit, district and national roles) and the *seats* the feature apps register
(a seat on a police council, on an SLT level) — in at most two queries, then cached with a
version that every write to those rows bumps. Nothing here depends on a periodic job:

- the cache key holds the date, so a role that ends on day D gives nothing from day D on,
  and a role that starts on day D gives access from that morning, with no scheduler;
- roles are read from the membership rows themselves (no mirror into object permissions),
  so deleting a membership in bulk, in the admin or in the shell removes the access at once.

django-guardian is kept for what it is made for: explicit grants a user makes on one object
(`Principal.grants`), read in the same build.

Every model that holds cooperation content has a `RestrictedQuerySet` whose
`restrict(principal, action)` says which rows the principal may see (`VIEW`), change
(`CHANGE`) or, for content with a confidentiality level, read when exempt (`READ_EXEMPT`).
Views, selectors, reminders, feeds, PDFs, e-mails and exports all read through it.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Cast
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

if TYPE_CHECKING:
    from .models import Membership

log = logging.getLogger("samarbeid.policy")

M = TypeVar("M", bound=models.Model)

# Actions a queryset can be restricted to.
VIEW = "view"
CHANGE = "change"
ADMIN = "admin"
READ_EXEMPT = "read_exempt"
ACTIONS = (VIEW, CHANGE, ADMIN, READ_EXEMPT)

CACHE_SECONDS = 6 * 3600
# Principals read from the cache, kept in the process too under the same versioned key: a
# key names one principal for good (a write bumps a version, so a new key), and the shared
# cache's copy costs a round trip per request (issue #12). Principals are never changed
# after build(). Bounded: cleared when full.
_memo: dict[str, Principal] = {}
_MEMO_MAX = 2000


@dataclass(frozen=True)
class Seat:
    """A seat the user holds on one council or SLT level (registered by the feature app)."""

    role: str = ""
    chair: bool = False
    secretary: bool = False


@dataclass
class Principal:
    """Who the user is to the portal today. Plain data: picklable, cached per user and day."""

    user_id: int | None = None
    on: dt.date | None = None
    national_admin: bool = False
    admin_districts: set[int] = field(default_factory=set)
    leadership_units: set[int] = field(default_factory=set)
    police_districts: set[int] = field(default_factory=set)  # any police role in the district
    signs_for_municipalities: set[int] = field(default_factory=set)
    signs_for_police_districts: set[int] = field(default_factory=set)
    # municipality id -> the municipality-bound roles the user holds there
    municipal_roles: dict[int, set[str]] = field(default_factory=dict)
    # seat kind ("council", "slt_level", ...) -> object id -> seat
    seats: dict[str, dict[int, Seat]] = field(default_factory=dict)
    # explicit per-object grants (django-guardian): (app_label.model, object pk, codename)
    grants: set[tuple[str, str, str]] = field(default_factory=set)
    memberships: list[Membership] = field(default_factory=list)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_police(self) -> bool:
        return bool(self.police_districts)

    @property
    def is_administrator(self) -> bool:
        return self.national_admin or bool(self.admin_districts)

    def municipalities_with(self, roles: Iterable[str] | None = None) -> set[int]:
        """Municipality ids where the user holds one of `roles` (any municipal role if None)."""
        if roles is None:
            return set(self.municipal_roles)
        wanted = set(roles)
        return {pk for pk, held in self.municipal_roles.items() if held & wanted}

    def seat_ids(self, kind: str, *, chair_or_secretary: bool = False) -> set[int]:
        seats = self.seats.get(kind, {})
        if chair_or_secretary:
            return {pk for pk, s in seats.items() if s.chair or s.secretary}
        return set(seats)

    def seat(self, kind: str, pk: int) -> Seat | None:
        return self.seats.get(kind, {}).get(pk)

    def has_grant(self, obj: models.Model, codename: str) -> bool:
        return (obj._meta.label_lower, str(obj.pk), codename) in self.grants


ANONYMOUS = Principal()


# --- Seats registered by the feature apps ----------------------------------------------------

# A seat source returns, for one user and day, a queryset of the rows that seat the user, and
# names the four fields that say (object id, role, chair, secretary); the core casts them to
# text and unions every source with the user's grants into one query.
SeatSource = Callable[[int, dt.date], QuerySet[Any]]
_SEAT_SOURCES: dict[str, tuple[SeatSource, tuple[str, str, str, str]]] = {}


def register_seats(kind: str, source: SeatSource, *, fields: tuple[str, str, str, str],
                   models_to_watch: Iterable[type[models.Model]] = (),
                   user_field: str = "user_id") -> None:
    """Let a feature app add the seats of `kind`. Writes to `models_to_watch` bump the
    version of the affected user's principal (the field `user_field` names the user)."""
    _SEAT_SOURCES[kind] = (source, fields)
    for model in models_to_watch:
        watch(model, user_field=user_field)


def watch(model: type[models.Model], *, user_field: str | None = "user_id") -> None:
    """Bump principals when rows of `model` change: the user named by `user_field`, or
    every principal when `user_field` is None (rows that change many users' access)."""

    def _bump(sender: Any, instance: Any, **kwargs: Any) -> None:
        def bump_now() -> None:
            if user_field is None:
                bump_all()
            else:
                bump(getattr(instance, user_field, None))

        if user_field is not None:
            # The user object this process holds (a test, a service chain) forgets too.
            forget(instance._state.fields_cache.get(user_field.removesuffix("_id")))

        # Now, and again after commit: a request that read the old rows while the
        # transaction was open must not leave its principal under the new version.
        bump_now()
        transaction.on_commit(bump_now)

    uid = f"policy-{model._meta.label_lower}"
    post_save.connect(_bump, sender=model, weak=False, dispatch_uid=uid + "-save")
    post_delete.connect(_bump, sender=model, weak=False, dispatch_uid=uid + "-delete")


def _as_rows(qs: QuerySet[Any], kind: str, fields: tuple[str, ...]) -> QuerySet[Any]:
    text: Any = models.CharField()
    annotations: dict[str, Any] = {"p_kind": models.Value(kind, output_field=text)}
    for n, name in enumerate(fields):
        annotations[f"p_{n}"] = Cast(name, output_field=text)
    return qs.order_by().annotate(**annotations).values_list(
        "p_kind", *(f"p_{n}" for n in range(len(fields))))


# --- Building and caching ------------------------------------------------------------------


def build(user_id: int, on: dt.date | None = None) -> Principal:
    """Read the principal from the database: memberships in one query, seats in another."""
    from guardian.models import UserObjectPermission

    from .models import Membership, Role

    today = on or timezone.localdate()
    p = Principal(user_id=user_id, on=today)
    rows = list(
        Membership.objects.active(today).filter(user_id=user_id)
        .select_related("municipality", "operational_unit", "police_district")
    )
    p.memberships = rows
    for m in rows:
        if m.role == Role.NATIONAL_ADMIN:
            p.national_admin = True
        elif m.role == Role.DISTRICT_ADMIN and m.police_district_id:
            p.admin_districts.add(m.police_district_id)
            p.police_districts.add(m.police_district_id)
            if m.can_sign:
                p.signs_for_police_districts.add(m.police_district_id)
        elif m.role == Role.POLICE_LEADERSHIP and m.operational_unit:
            p.leadership_units.add(m.operational_unit.pk)
            p.police_districts.add(m.operational_unit.police_district_id)
            if m.can_sign:
                p.signs_for_police_districts.add(m.operational_unit.police_district_id)
        elif m.municipality_id and m.municipality:
            p.municipal_roles.setdefault(m.municipality_id, set()).add(m.role)
            if m.role == Role.POLICE_CONTACT:
                p.police_districts.add(m.municipality.police_district_id)
            if m.role == Role.MUNICIPAL_LEADER and m.can_sign:
                p.signs_for_municipalities.add(m.municipality_id)
    union = _as_rows(UserObjectPermission.objects.filter(user_id=user_id), "grant",
                     ("content_type__app_label", "content_type__model", "object_pk",
                      "permission__codename"))
    for kind, (source, fields) in sorted(_SEAT_SOURCES.items()):
        union = union.union(_as_rows(source(user_id, today), kind, fields), all=True)
    for kind, a, b, c, d in union:
        if kind == "grant":
            p.grants.add((f"{a}.{b}", str(c), str(d)))
        else:
            p.seats.setdefault(kind, {})[int(a)] = Seat(
                role=str(b or ""), chair=_truthy(c), secretary=_truthy(d))
    return p


def _truthy(value: Any) -> bool:
    return value in (True, 1, "1", "t", "true", "True")


def _version_key(user_id: int) -> str:
    return f"policy:v:{user_id}"


def _global_key() -> str:
    return "policy:v:all"


def _principal_key(user_id: int, stamp: str, version: str, global_version: str,
                   on: dt.date) -> str:
    return f"policy:p:{user_id}:{stamp}:{global_version}:{version}:{on.isoformat()}"


def _stamp(user: Any) -> str:
    # A user id can come back after a rollback (SQLite) or a restore: the account's creation
    # time tells two accounts with the same id apart.
    joined = getattr(user, "date_joined", None)
    return f"{joined.timestamp():.6f}" if joined is not None else "-"


def version_keys(user_id: int) -> list[str]:
    """The cache keys the principal's key holds (samarbeid/middleware.py reads them in the
    same round trip as the user row's version)."""
    return [_version_key(user_id), _global_key()]


def remember_versions(user: Any, found: dict[str, Any]) -> None:
    """Versions read for this request's user: its first principal look-up uses them instead
    of asking the cache again (a later one, after a write in the request, asks anew)."""
    values = [found.get(key) for key in version_keys(user.pk)]
    if all(v is not None for v in values):
        user._samarbeid_policy_versions = (str(values[0]), str(values[1]))


def _versions(user_id: int) -> tuple[str, str]:
    keys = version_keys(user_id)
    found = cache.get_many(keys)
    values = []
    for key in keys:
        value = found.get(key)
        if value is None:
            # A random start: if the version key was evicted while an old principal stayed
            # in the cache, the old entry can never be found again.
            value = uuid.uuid4().hex
            if not cache.add(key, value, None):
                value = cache.get(key) or value
        values.append(str(value))
    return values[0], values[1]


def for_user(user: Any) -> Principal:
    """The principal of a user (or AnonymousUser), memoised on the user object for the
    request and cached across requests and web workers."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    today = timezone.localdate()
    memo: Principal | None = getattr(user, "_samarbeid_principal", None)
    if memo is not None and memo.on == today:
        return memo
    known = getattr(user, "_samarbeid_policy_versions", None)
    if known is not None:
        del user._samarbeid_policy_versions  # once: a later look-up reads them anew
    principal = _cached(user.pk, _stamp(user), today, known)
    user._samarbeid_principal = principal
    return principal


def _cached(user_id: int, stamp: str, today: dt.date,
            known: tuple[str, str] | None = None) -> Principal:
    try:
        version, global_version = known or _versions(user_id)
        key = _principal_key(user_id, stamp, version, global_version, today)
        principal = _memo.get(key)
        if principal is None:
            principal = cache.get(key)
    except Exception:  # the cache is an optimisation: an outage must not stop a page
        log.warning("cache unavailable: principal built from the database")
        return build(user_id, today)
    if isinstance(principal, Principal):
        _remember(key, principal)
        return principal
    principal = build(user_id, today)
    try:
        cache.set(key, principal, CACHE_SECONDS)
    except Exception:
        log.warning("cache unavailable: principal not stored")
        return principal  # no version to trust either: nothing kept in the process
    _remember(key, principal)
    return principal


def _remember(key: str, principal: Principal) -> None:
    if len(_memo) >= _MEMO_MAX:
        _memo.clear()
    _memo[key] = principal


def forget(user: Any) -> None:
    """Drop the memoised principal of this user object (after a change in the same request)."""
    if user is not None and hasattr(user, "_samarbeid_principal"):
        del user._samarbeid_principal
    if user is not None and hasattr(user, "_samarbeid_policy_versions"):
        del user._samarbeid_policy_versions


def bump(user_id: int | None) -> None:
    """A row that gives this user access changed: their next request builds a new principal."""
    if user_id is None:
        return
    try:
        cache.set(_version_key(user_id), uuid.uuid4().hex, None)
    except Exception:
        # Without the cache there is no stale principal to fear: every request builds anew.
        log.warning("cache unavailable: principal version not bumped for user %s", user_id)


def bump_all() -> None:
    """Rows that change many users' access changed (a council's municipalities, a unit)."""
    try:
        cache.set(_global_key(), uuid.uuid4().hex, None)
    except Exception:
        log.warning("cache unavailable: global principal version not bumped")


# --- Restricted querysets --------------------------------------------------------------------


class RestrictedQuerySet(QuerySet[M]):
    """`restrict(principal, action)` on every queryset of the model (netbox's shape).

    A subclass says how in `restriction(principal, action)`, returning a Q over the model;
    `None` means "everything", an empty Q list means nothing.
    """

    actions: ClassVar[tuple[str, ...]] = (VIEW, CHANGE)

    def restrict(self, principal: Principal | Any, action: str = VIEW) -> QuerySet[M]:
        if not isinstance(principal, Principal):
            principal = for_user(principal)
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if not principal.is_authenticated and action != VIEW:
            return self.none()
        q = self.restriction(principal, action)
        if q is None:
            return self
        return self.filter(q)

    def restriction(self, principal: Principal, action: str) -> Q | None:
        raise NotImplementedError(f"{type(self).__name__} has no restriction")


NOTHING = Q(pk__in=[])


def ids_q(field_name: str, ids: Iterable[int]) -> Q:
    ids = sorted(set(ids))
    return Q(**{f"{field_name}__in": ids}) if ids else NOTHING


def any_of(*parts: Q) -> Q:
    result = NOTHING
    for part in parts:
        if part is not NOTHING:
            result = part if result is NOTHING else result | part
    return result


# --- Rows of a restricted query, its SQL built once per principal --------------------------
# Building a restricted queryset (scope subqueries, unions) and compiling it costs more
# Python than the prepared statement costs PostgreSQL to run (issue #12: ~5 ms for the home
# page's tasks, built again after every task write). The SQL depends only on the reader's
# principal and the day, so it is kept per both, in the process.

_compiled: dict[tuple[Any, ...], tuple[str, str, tuple[Any, ...]] | None] = {}
_COMPILED_MAX = 5000


def _reader_key(name: str, user: Any) -> tuple[Any, ...]:
    """What a kept SQL depends on besides `name`: the reader's principal and the day."""
    from .pagecache import fingerprint

    principal = for_user(user)
    return (name, getattr(user, "pk", None), fingerprint(principal, user), principal.on)


def rows(name: str, user: Any, build: Callable[[], QuerySet[Any]]) -> list[tuple[Any, ...]]:
    """The rows of `build()`, a `values_list` queryset restricted for `user` whose SQL
    depends on nothing but the principal and the day. On PostgreSQL its compiled SQL is
    kept per principal (`name` tells the callers apart); elsewhere (SQLite, whose values
    need Django's converters) the queryset is simply read."""
    from django.core.exceptions import EmptyResultSet
    from django.db import connections

    key = _reader_key(name, user)
    if key not in _compiled:
        qs = build()
        if connections[qs.db].vendor != "postgresql":
            return list(qs)
        try:
            sql, params = qs.query.get_compiler(qs.db).as_sql()
        except EmptyResultSet:
            found = None
        else:
            found = (qs.db, sql, tuple(params))
        if len(_compiled) >= _COMPILED_MAX:
            _compiled.clear()
        _compiled[key] = found
    found = _compiled[key]
    if found is None:
        return []
    db, sql, params = found
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


# Model instances of a restricted query, its SQL (and the compiler's column map) kept as
# `rows` keeps its SQL: a page's own object (the council, the meeting) is read on every
# build of its page, and building and compiling its restricted query cost 2–3 ms against
# 0.3 ms to run it (issue #12). The instances are made as Django's ModelIterable makes them
# (from_db, select_related populators, annotations).
_compiled_models: dict[tuple[Any, ...], Any] = {}


def instances(name: str, user: Any, build: Callable[[], QuerySet[Any]]) -> list[Any]:
    """The objects of `build()`, a queryset restricted for `user` whose SQL depends on
    nothing but the principal and the day (as `rows`; SQLite reads the queryset)."""
    from django.core.exceptions import EmptyResultSet
    from django.db import connections
    from django.db.models.query import (  # type: ignore[attr-defined]
        ModelIterable,
        get_related_populators,
    )

    key = _reader_key(name, user)
    entry: Any = _compiled_models.get(key)
    if entry is None:
        qs = build()
        if (connections[qs.db].vendor != "postgresql"
                or getattr(qs, "_prefetch_related_lookups", None)
                or getattr(qs, "_known_related_objects", None)
                or qs._iterable_class is not ModelIterable):
            return list(qs)
        compiler = qs.query.get_compiler(qs.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            entry = (None,)
        else:
            klass_info = compiler.klass_info
            assert klass_info is not None
            fields = klass_info["select_fields"]
            start, end = fields[0], fields[-1] + 1
            entry = (qs.db, sql, tuple(params), compiler, klass_info["model"], start, end,
                     [f[0].target.attname for f in compiler.select[start:end]],
                     get_related_populators(klass_info, compiler.select, qs.db),
                     dict(compiler.annotation_col_map or {}))
        if len(_compiled_models) >= _COMPILED_MAX:
            _compiled_models.clear()
        _compiled_models[key] = entry
    if entry[0] is None:
        return []
    db, sql, params, compiler, model, start, end, names, populators, annotations = entry
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    objects = []
    for row in compiler.results_iter(results=[found]):
        obj = model.from_db(db, names, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        for attr, position in annotations.items():
            setattr(obj, attr, row[position])
        objects.append(obj)
    return objects


# The rows of objects a restricted query has already chosen (their ids), by a query whose
# SQL is the same for any ids (`= ANY` of an array): compiled once per process (issue #12:
# building the join of a task list's names cost 5× running it).
_by_ids: dict[str, tuple[str, str, list[Any], int]] = {}
_IDS = [-20231]  # stands for the ids while the SQL is compiled


def rows_by_ids(name: str, ids: list[int], build: Callable[[Any], QuerySet[Any]]
                ) -> list[tuple[Any, ...]]:
    """The rows of `build(ids)`, a `values_list` queryset filtered by `pk__in=ids` and
    nothing else: `ids` come from a restricted query (the policy chose them). The columns'
    constants (a blank between two names) are compiled once, with the SQL, under `name`."""
    from django.db import connections
    from django.db.models.expressions import RawSQL

    if not ids:
        return []
    entry = _by_ids.get(name)
    if entry is None:
        qs = build(RawSQL("SELECT unnest(%s::bigint[])", (_IDS,)))
        if connections[qs.db].vendor != "postgresql":
            return list(build(ids))
        compiler = qs.query.get_compiler(qs.db)
        sql, params = compiler.as_sql()
        _where, filters = compiler.compile(qs.query.where)
        places = [i for i, p in enumerate(params) if p == _IDS]
        if list(filters) != [_IDS] or len(places) != 1:
            raise ValueError(f"{name}: the query may filter by nothing but its ids")
        entry = _by_ids[name] = (qs.db, sql, list(params), places[0])
    db, sql, constants, at = entry
    with connections[db].cursor() as cursor:
        cursor.execute(sql, [*constants[:at], list(ids), *constants[at + 1:]])
        return [tuple(row) for row in cursor.fetchall()]
