"""Rendered page bodies cached in the shared cache (Redis), guarded by versions that writes
bump, so a page is never shown stale after a write, in any web worker.

Versions are per table and place. A write to a table bumps that table's version

- everywhere (`T@all`: pages that read the whole country, or whose scope is the reader's),
- in each municipality the written row belongs to (`T@m<pk>`, compliance.municipalities_of),
  or `T@global` when that is unknown (a membership, a regional council's municipalities),
- for the user the row is (their name in the header) and every user its foreign keys name
  (`T@u<pk>`: a task assigned to someone shows on their home and "my tasks", wherever it is),

and `pc:reports` when reference data shows (a municipality, county or police district).

A page depends on the tables its build read: while a cached view runs, the SQL it sends is
watched and the tables it names are the page's dependencies, learned per view (the union
of what its builds read, in the shared cache and in the process). A page key holds the
versions of those tables only, so a comment on a task leaves a page that shows no comments
as it was, and a write in another municipality leaves a municipality's pages as they were.
A body is stored only when its build read nothing outside the dependencies its key was made
from (the first build of a view learns them, under a key that every write bumps: `*`).
What a build reads from a cache instead of the database names its own dependency: the
compliance findings (`findings`: the reports' version and the pending marks, see
compliance.py), the user's own row and profile (the header reads them from the cache).

Parts of a page (home sections, municipality panels) are cached the same way on their own
(`cached_part`); a page built again after a write reads the parts that did not change from
the cache, and depends on what they read.

One place bumps: `bump_for(instance)`, called by the single write hook (compliance.invalidate
on save/delete/m2m); writes that send no signal (QuerySet.update, bulk_create) bump their
table through `bump_table` (installed on QuerySet by samarbeid.apps, see `_watch_bulk`).

A page key holds, besides those versions: the user and their session (nothing rendered for
one person or one login is shown to another), a fingerprint of everything the principal's
reading depends on (roles, seats, grants, exempt flags, scope; the principal is built per
day, so a role ended today changes it at once), the language, the date, the path with its
query and the htmx headers. Versions are read before the view runs and bumped again after
commit, so a body rendered from data older than a write is stored under a key no request
looks up again.

User-specific parts: CSRF tokens are stored as a placeholder and filled in per request;
a request with pending messages is neither served from nor stored to the cache, and a
response that queued messages is not stored. Only 200 HTML responses to GET are cached.
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import pickle
import re
import sys
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

log = logging.getLogger("samarbeid.pagecache")

ALL = "*"  # the table every write bumps: a view's key before its dependencies are learned
GLOBAL = "pc:global"
REPORTS = "pc:reports"
FINDINGS = "findings"  # a dependency of pages that show compliance findings (compliance.py)
# Rows the reports show besides the findings: their writes bump the reports' version.
REFERENCE = {"samarbeid.municipality", "samarbeid.county", "samarbeid.policedistrict"}
PREFIX = "pc:body:"
_CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{32,64}(")')
_CSRF_HOLE = b"\x00csrf\x00"
_CSRF_TEXT = re.compile(_CSRF.pattern.decode())
_HX_HEADERS = ("HTTP_HX_REQUEST", "HTTP_HX_TARGET", "HTTP_HX_TRIGGER", "HTTP_HX_BOOSTED",
               "HTTP_HX_HISTORY_RESTORE_REQUEST")
# Rows whose writes bump no table version: the reminder ledger, sessions, snapshots, which no
# page shows, and the audit trail, whose records bump the trails of their object's kind
# instead (audit.record), or every audit record would make every page with a history cold.
IGNORED = {"samarbeid.auditevent", "samarbeid.sentreminder", "samarbeid.compliancesnapshot",
           "sessions.session",
           "admin.logentry", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog",
           "django_celery_results.taskresult"}


def unshown(fields: Iterable[str]) -> bool:
    """Columns no page shows: when a write changes only these it bumps nothing. The
    reminder times (`…reminder_at`, by convention) are moved by every scan that claims a row
    (issue #12 "reminder scans that read only what is due")."""
    names = list(fields)
    return bool(names) and all(name.endswith("reminder_at") for name in names)


# A page of more municipalities than this reads the tables' country-wide versions: fewer
# keys to read, at the price of going cold on a write anywhere in the table.
_PLACES_MAX = 12
_QUOTED = re.compile(r'"([A-Za-z0-9_]+)"')

Scope = Callable[..., "Iterable[int] | None"]


def _seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 300))


def enabled() -> bool:
    """Pages and parts are cached (PAGE_CACHE_SECONDS > 0)."""
    return _seconds() > 0


def _vkey(table: str, place: str) -> str:
    return f"pc:v:{table}:{place}"


def _user_table() -> str:
    from django.contrib.auth import get_user_model

    return str(get_user_model()._meta.db_table)


def user_version_keys(pk: int) -> list[str]:
    """The versions of a user's own row and profile: the header shows them, read from the
    cache (CachedAuthenticationMiddleware), so every page of theirs depends on them."""
    from .models import UserProfile

    return [_vkey(_user_table(), f"u{pk}"), _vkey(UserProfile._meta.db_table, f"u{pk}")]


def request_version_keys(pk: int, path: str = "") -> list[str]:
    """The versions nearly every cached page of a user reads (the global ones, the user's
    `*` guard and the country's), and those this user's last request for `path` read in this
    process, read with the user's own (the authentication middleware) to save a round trip
    per page: two, when the page is the one the user asked for before."""
    return [GLOBAL, REPORTS, _vkey(ALL, f"u{pk}"), _vkey(ALL, "all"),
            *_path_versions.get((pk, path), ())]


# The version keys a user's request for a path read last (in this process): the page's and
# its `*` guard's. Only a hint of what to read early; the page reads what it lacks. Keys are
# interned (pages share most of them) and the map is bounded: ~50 keys a page, 1 000 pages.
_path_versions: dict[tuple[int, str], tuple[str, ...]] = {}
_PATH_VERSIONS_MAX = 1000


def _note_path_versions(pk: int, path: str, keys: Sequence[str]) -> None:
    if len(_path_versions) >= _PATH_VERSIONS_MAX:
        _path_versions.clear()
    _path_versions[(pk, path)] = tuple(sys.intern(k) for k in dict.fromkeys(keys))


# --- Bumping -------------------------------------------------------------------------------


def bump(municipalities: Iterable[int] | None, user_ids: Iterable[int | None] = (),
         reports: bool = False, tables: Iterable[str] = ()) -> None:
    """Make every page that reads these tables (and every not yet learned page) in these
    municipalities (None: unknown, any) or of these users cold. Now and again after commit
    (a request that read the old rows while the write's transaction was open must not leave
    its body under the new version)."""
    scope = None if municipalities is None else sorted(set(municipalities))
    users = sorted({u for u in user_ids if u is not None})
    names = sorted({ALL, *tables})

    def now() -> None:
        token = uuid.uuid4().hex[:12]
        values: dict[str, str] = {}
        if reports:
            values[REPORTS] = token
        if scope is None:
            values[GLOBAL] = token
        for table in names:
            values[_vkey(table, "all")] = token
            if scope is None:
                values[_vkey(table, "global")] = token
            else:
                values.update({_vkey(table, f"m{pk}"): token for pk in scope})
            values.update({_vkey(table, f"u{pk}"): token for pk in users})
        try:
            cache.set_many(values, None)
        except Exception:  # without the cache nothing is cached, so nothing is stale
            log.warning("cache unavailable: page versions not bumped")
        memo = _memo.get()
        if memo is not None:
            memo.clear()

    now()
    transaction.on_commit(now)


def bump_reports() -> None:
    """The findings changed (compliance.evaluate found them so): rebuild the reports."""
    token = uuid.uuid4().hex[:12]
    try:
        cache.set(REPORTS, token, None)
    except Exception:
        log.warning("cache unavailable: report version not bumped")


def bump_for(instance: Any, *, scope: set[int] | None = None, known: bool = False,
             update_fields: Iterable[str] | None = None, tables: Iterable[str] = ()) -> None:
    """The write hook: bump what a write to `instance` can change. `scope`: the
    municipalities the row belongs to when the caller has worked them out (`known`);
    `tables`: more tables the write changed (the join table of a many-to-many change)."""
    from django.contrib.auth import get_user_model

    from . import compliance

    meta = getattr(instance, "_meta", None)
    if meta is None or meta.label_lower in IGNORED or unshown(update_fields or ()):
        return
    if not known:
        scope = compliance.municipalities_of(instance)
    user_model = get_user_model()
    # Every user the row names (the responsible person of a task, an invited member): the
    # row shows on their own pages wherever it is.
    users: list[int | None] = [getattr(instance, f.attname, None) for f in meta.concrete_fields
                               if f.many_to_one and f.related_model is user_model]
    if isinstance(instance, user_model):
        users.append(instance.pk)
        # A name shows on other people's pages (a council's members): every page, unless
        # the login only stamped the time of the last login (their own row is bumped).
        scope = set() if update_fields and set(update_fields) <= {"last_login"} else None
    bump(scope, users, reports=meta.label_lower in REFERENCE,
         tables=[meta.db_table, *tables])


def bump_table(model: Any, rows: list[Any] | None = None,
               fields: Iterable[str] | None = None) -> None:
    """A write that sent no signal (QuerySet.update, bulk_create): bump the model's table,
    in the municipalities of `rows` when they are given, else everywhere."""
    from . import compliance

    meta = model._meta
    if meta.label_lower in IGNORED or (fields is not None and unshown(fields)):
        return
    try:
        scope = compliance.municipalities_of_rows(model, rows) if rows is not None else None
    except Exception:  # a historical model in a migration, a row gone: everywhere
        scope = None
    bump(scope, (), reports=meta.label_lower in REFERENCE, tables=[meta.db_table])
    if compliance.watches(meta):
        compliance.invalidate_findings(meta.db_table, scope)


_BULK_ROWS = 50


def watch_bulk_writes() -> None:
    """QuerySet.update and bulk_create send no signal: wrap them (once, from the core's
    AppConfig.ready) so they bump their table like every other write. The rows of a small
    update are read first (their foreign keys only) for their municipalities; a large one,
    or one that moves rows (changes a foreign key), bumps the table everywhere."""
    from django.db.models.query import QuerySet

    if getattr(QuerySet.update, "_pagecache", False):
        return
    plain_update, plain_bulk_create = QuerySet.update, QuerySet.bulk_create

    def update(self: Any, **kwargs: Any) -> int:
        meta = self.model._meta
        if meta.label_lower in IGNORED or unshown(kwargs):
            return int(plain_update(self, **kwargs))
        fks = [f.attname for f in meta.concrete_fields if f.many_to_one]
        moves = any(meta.get_field(name).many_to_one for name in kwargs
                    if _is_field(meta, name))
        # Rows no page reads need no municipalities: everywhere is as cheap and as right.
        rows = None if moves or not depended_on(meta.db_table) else _rows(self, fks)
        count = int(plain_update(self, **kwargs))
        if count:
            bump_table(self.model, rows if rows is not None and len(rows) <= _BULK_ROWS
                       else None, fields=kwargs)
        return count

    def bulk_create(self: Any, objs: Any, *args: Any, **kwargs: Any) -> Any:
        created = plain_bulk_create(self, objs, *args, **kwargs)
        if created:
            bump_table(self.model, list(created) if len(created) <= _BULK_ROWS else None)
        return created

    update._pagecache = True  # type: ignore[attr-defined]
    QuerySet.update = update  # type: ignore[method-assign]
    QuerySet.bulk_create = bulk_create  # type: ignore[method-assign]


def _rows(queryset: Any, fks: list[str]) -> list[Any] | None:
    try:
        return list(queryset.only(*fks or ["pk"])[:_BULK_ROWS + 1])
    except Exception:  # a values() queryset, a combined query: everywhere
        return None


def _is_field(meta: Any, name: str) -> bool:
    try:
        meta.get_field(name)
    except Exception:
        return False
    return True


# --- Learning what a page reads ------------------------------------------------------------


class TableReader:
    """An execute wrapper that notes the tables the SQL sent through it names."""

    def __init__(self) -> None:
        self.read: set[str] = set()
        # What the build read itself, outside the parts inside it: a fragment of the page
        # depends on it too (the objects in the fragment's context came from it).
        self.direct: set[str] = set()
        self.paused = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not self.paused:
            names = _sql_tables(sql)
            self.read.update(names)
            builds = _builds.get()
            if builds and builds[-1] is self:
                self.direct.update(names)
        return execute(sql, params, many, context)


# The builds running in this request, outermost first (a page, the parts it reads).
_builds: contextvars.ContextVar[tuple[TableReader, ...]] = contextvars.ContextVar(
    "pc_builds", default=())
# The scope of the cached page being built (a 1-tuple; unset outside one): its fragments
# are cached in the same municipalities.
_page: contextvars.ContextVar[tuple[set[int] | None]] = contextvars.ContextVar("pc_page")
_TABLES: set[str] = set()
_learned: dict[str, frozenset[str]] = {}


def _sql_tables(sql: str) -> frozenset[str]:
    """The tables an SQL text names. Kept per text: a build's SQL is mostly the same text
    each time (kept restricted queries), and a part's build inside a page's is watched by
    both (a 2 000-character search twice)."""
    found = _sql_names.get(sql)
    if found is None:
        known = _tables()
        found = frozenset(name for name in _QUOTED.findall(sql) if name in known)
        if len(_sql_names) >= _SQL_NAMES_MAX:
            _sql_names.clear()
        _sql_names[sql] = found
    return found


_sql_names: dict[str, frozenset[str]] = {}
_SQL_NAMES_MAX = 500  # texts of a few kilobytes each


def _tables() -> set[str]:
    if not _TABLES:
        from django.apps import apps

        _TABLES.update(m._meta.db_table for m in apps.get_models(include_auto_created=True))
    return _TABLES


@contextmanager
def reads_cached(source: str) -> Iterator[None]:
    """A part of a page read from a cache of its own (`source`, e.g. FINDINGS): its SQL is
    not the page's dependency, the source is."""
    builds = _builds.get()
    for build in builds:
        build.read.add(source)
        build.paused += 1
    if builds:
        builds[-1].direct.add(source)
    try:
        yield
    finally:
        for build in builds:
            build.paused -= 1


@contextmanager
def _building(reader: TableReader) -> Iterator[None]:
    token = _builds.set((*_builds.get(), reader))
    try:
        with connection.execute_wrapper(reader):
            yield
    finally:
        _builds.reset(token)


def _learned_for(name: str) -> frozenset[str] | None:
    found = _learned.get(name)
    if found is None:
        stored = cache.get(f"pc:deps:{name}")
        if stored:
            found = _learned[name] = frozenset(stored)
    return found


def _learn(name: str, read: set[str]) -> None:
    """Add what a build read to the view's dependencies (a union: every build of the view
    for any reader; never fewer, so a key never drops a table some body depends on)."""
    known = _learned_for(name) or frozenset()
    merged = known | read
    if merged != known:
        stored = cache.get(f"pc:deps:{name}") or ()
        merged |= frozenset(stored)
        _learned[name] = frozenset(merged)
        # The union over every view first: a bulk write checks it (depended_on) before it
        # decides that no page needs its rows' municipalities.
        cache.set(_ANY_DEPS, sorted(set(cache.get(_ANY_DEPS) or ()) | merged), None)
        cache.set(f"pc:deps:{name}", sorted(merged), None)


_ANY_DEPS = "pc:deps"


def depended_on(table: str) -> bool:
    """Some page or part has read `table` (read from the cache: another worker may have
    learned it)."""
    try:
        return table in set(cache.get(_ANY_DEPS) or ())
    except Exception:
        return True


# --- Reading -------------------------------------------------------------------------------


_fingerprints: dict[tuple[int, Any, bool, bool], tuple[Any, str]] = {}
_FINGERPRINTS_MAX = 2000


def fingerprint(principal: Any, user: Any) -> str:
    """Everything the principal's reading depends on, as a short hash (kept per principal
    object: a page and its parts ask for it a dozen times)."""
    memo_key = (id(principal), principal.on, bool(user.is_staff), bool(user.is_superuser))
    kept = _fingerprints.get(memo_key)
    if kept is not None and kept[0] is principal:
        return kept[1]
    value = _fingerprint(principal, user)
    if len(_fingerprints) >= _FINGERPRINTS_MAX:
        _fingerprints.clear()
    _fingerprints[memo_key] = (principal, value)
    return value


def _fingerprint(principal: Any, user: Any) -> str:
    parts = (principal.user_id, principal.on, principal.national_admin,
             sorted(principal.admin_districts), sorted(principal.leadership_units),
             sorted(principal.police_districts), sorted(principal.signs_for_municipalities),
             sorted(principal.signs_for_police_districts),
             sorted((k, sorted(v)) for k, v in principal.municipal_roles.items()),
             sorted((kind, sorted((pk, seat.role, seat.chair, seat.secretary)
                                  for pk, seat in seats.items()))
                    for kind, seats in principal.seats.items()),
             sorted(principal.grants),
             sorted((m.pk, m.role, m.can_sign, str(m.ends_on)) for m in principal.memberships),
             bool(user.is_staff), bool(user.is_superuser))
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


def _reader(user: Any) -> tuple[str, str]:
    """The day and the principal's fingerprint that every key of this reader holds, made
    once per request (a page and its parts make some 30 keys; the principal's look-up
    reads the local date each time: 0.3 ms a page built again, issue #12). A write in the
    request clears the memo, so a changed principal is looked up again."""
    from . import policy

    return _once_per_request(("reader", user.pk), lambda: (  # type: ignore[no-any-return]
        str(timezone.localdate()), fingerprint(policy.for_user(user), user)))


def _once_per_request(key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    """`make()`, made once per cached page's request and kept in its memo (a write in the
    request clears the memo; the guard's fresh reads bypass it)."""
    memo = None if _fresh.get() else _memo.get()
    if memo is not None and key in memo:
        return memo[key]
    value = make()
    if memo is not None:
        memo[key] = value
    return value


def object_scope(model: Any, pk: Any) -> set[int] | None:
    """The municipality ids a row belongs to, cached under the global version (a write of
    unknown scope, such as a council's municipalities changing, recomputes it)."""
    from . import compliance

    # The global version as the request read it (with the user's, in one round trip), and
    # the scope kept in the process under that versioned key (as user_scope).
    key = f"pc:scope:{model._meta.label_lower}:{pk}:{_versions([GLOBAL])[0]}"
    found = _scope_get(key)
    if found is not None:
        return None if found == "*" else set(found)
    scope = compliance._scope_of(model, pk, None, 0, {})
    stored = "*" if scope is None else sorted(scope)
    cache.set(key, stored, _seconds() * 12)
    _keep_scope(key, stored)
    return scope


def _pending_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    if storage is None:
        return False
    try:
        return bool(storage._queued_messages) or bool(storage._loaded_messages)
    except Exception:
        return True


# The versions a page's request has read (None outside a cached page): a page and its parts
# share most keys (the same tables in the same municipalities), read once per request. A
# write in the request clears it (bump); the guard that checks for writes during a build
# reads past it (_fresh).
_memo: contextvars.ContextVar[dict[Any, Any] | None] = contextvars.ContextVar(
    "pc_memo", default=None)
_fresh: contextvars.ContextVar[bool] = contextvars.ContextVar("pc_fresh", default=False)


def _versions(keys: Sequence[str]) -> list[str]:
    memo = None if _fresh.get() else _memo.get()
    wanted = keys if memo is None else [k for k in dict.fromkeys(keys) if k not in memo]
    found = cache.get_many(wanted) if wanted else {}
    values: dict[str, str] = {}
    for key in wanted:
        value = found.get(key)
        if value is None:
            # A random start, so a body stored under an evicted version is never found.
            value = uuid.uuid4().hex[:12]
            if not cache.add(key, value, None):
                value = cache.get(key) or value
        values[key] = str(value)
    if memo is None:
        return [values[key] for key in keys]
    memo.update(values)
    return [memo[key] for key in keys]


def _dependency_keys(deps: Iterable[str], scope: set[int] | None,
                     user_pk: int) -> tuple[str, ...]:
    """The version keys of a page that read `deps` in `scope` (None: the whole country).
    Kept in the process (a pure function of its arguments): a page and its parts ask for
    them some 25 times per build, ~350 keys made each time (issue #12)."""
    memo_key = (frozenset(deps), None if scope is None else frozenset(scope), user_pk)
    found = _dep_keys.get(memo_key)
    if found is None:
        found = _make_dependency_keys(memo_key[0], scope, user_pk)
        if len(_dep_keys) >= _DEP_KEYS_MAX:
            _dep_keys.clear()
        _dep_keys[memo_key] = found
    return found


_dep_keys: dict[tuple[frozenset[str], frozenset[int] | None, int], tuple[str, ...]] = {}
_DEP_KEYS_MAX = 4000


def _make_dependency_keys(deps: Iterable[str], scope: set[int] | None,
                          user_pk: int) -> tuple[str, ...]:
    keys = user_version_keys(user_pk)
    wide = scope is None or len(scope) > _PLACES_MAX
    for table in sorted(deps):
        if table == FINDINGS:
            continue
        keys.append(_vkey(table, f"u{user_pk}"))
        if wide:
            keys.append(_vkey(table, "all"))
        else:
            assert scope is not None
            keys.append(_vkey(table, "global"))
            keys.extend(_vkey(table, f"m{pk}") for pk in sorted(scope))
    return tuple(sys.intern(k) for k in keys)


def _findings_parts(scope: set[int] | None) -> list[str]:
    """A page that shows findings holds their version and the pending marks of its
    municipalities (between a write and its refresh the findings are not yet known)."""
    from . import compliance
    from .models import Municipality

    version = _versions([REPORTS])[0]
    memo = None if _fresh.get() else _memo.get()
    marks_key = ("marks", None if scope is None else tuple(sorted(scope)))
    if memo is not None and marks_key in memo:
        return [version, *memo[marks_key]]
    if memo is not None and not scope and ("marks", None) in memo:
        # No municipality: the country's own mark, among the country's read already.
        marks = [m for m in memo[("marks", None)]
                 if m.startswith(compliance.ALL_PENDING + "=")]
        memo[marks_key] = marks
        return [version, *marks]
    if scope is None:
        # Kept in the process under the reports' version, as scopes are.
        key = f"pc:mids:{version}"
        ids = _scope_get(key)
        if ids is None:
            ids = list(Municipality.objects.order_by("pk").values_list("pk", flat=True))
            cache.set(key, ids, _seconds() * 12)
            _keep_scope(key, ids)
    else:
        ids = sorted(scope)
    marks = compliance.pending_marks(ids)
    if memo is not None:
        memo[marks_key] = marks
    return [version, *marks]


def _dependency_versions(deps: set[str], scope: set[int] | None, user_pk: int) -> list[str]:
    versions = _versions(_dependency_keys(deps, scope, user_pk))
    if FINDINGS in deps:
        versions.extend(_findings_parts(scope))
    return versions


def _built(name: str, learned: frozenset[str] | None, key: str,
           key_for: Callable[[Iterable[str]], str], run: Callable[[], Any]
           ) -> tuple[Any, set[str], list[str]]:
    """Run a page's or a part's build watching what it reads: its value, the tables it read
    and the keys it may be stored under. Under the key made before it when that key holds
    all it read; else (a first build, a branch no earlier build took) under the
    dependencies learned now, if the `*` versions (which every write bumps) show that
    nothing was written while it ran; else under none."""
    guard = key_for((ALL,))
    reader = TableReader()
    with _building(reader):
        value = run()
    if learned is not None and reader.read <= learned:
        return value, reader.read, [key]
    if reader.read:
        _learn(name, reader.read)
    deps = _learned_for(name) or frozenset(reader.read)
    token = _fresh.set(True)
    try:
        unchanged = key_for((ALL,)) == guard
    finally:
        _fresh.reset(token)
    return value, reader.read, ([key_for(deps)] if unchanged else [])


def _key(request: HttpRequest, name: str, scope: set[int] | None,
         extra: Iterable[str] = (), deps: Iterable[str] = (ALL,)) -> str:
    user: Any = request.user
    today, reader = _reader(user)
    session_key = getattr(request.session, "session_key", None) or "-"
    deps = set(deps)
    versions = _dependency_versions(deps, scope, user.pk)
    hx = "|".join(request.META.get(h, "") for h in _HX_HEADERS)
    raw = "\x1f".join([name, request.get_full_path(), get_language() or "", hx,
                       today, str(user.pk),
                       hashlib.blake2b(session_key.encode(), digest_size=8).hexdigest(),
                       reader, *sorted(deps), *versions, *extra])
    return PREFIX + hashlib.blake2b(raw.encode(), digest_size=20).hexdigest()


# --- The process's own copy of bodies and parts ------------------------------------------
# A body's or a part's key holds the versions of everything it read, so what is stored under
# a key never changes: each process keeps the entries it stored or read (up to
# _LOCAL_MAX_BYTES, least recently used out first) and asks Redis only for those it lacks
# (issue #12: a page built again after a write read each of its five fragments in a round
# trip of its own). An entry keeps the time it expires, so a copy lives no longer than the
# shared one. Values that are not text are kept pickled: each request gets its own copy.


class _Stored:
    """What the shared cache holds for a body or part: the entry and when it expires."""

    __slots__ = ("expires", "value")

    def __init__(self, expires: float, value: Any) -> None:
        self.expires, self.value = expires, value

    def __getstate__(self) -> tuple[float, Any]:
        return self.expires, self.value

    def __setstate__(self, state: tuple[float, Any]) -> None:
        self.expires, self.value = state


_local: OrderedDict[str, tuple[float, int, Any, bool]] = OrderedDict()
_local_bytes = 0
_local_lock = threading.Lock()
_LOCAL_MAX_BYTES = 8 * 2**20


def _shareable(entry: Any) -> bool:
    """A body (content type, bytes) or a fragment ((tables, text)): read-only text."""
    return isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], str | bytes)


def _keep_local(key: str, expires: float, entry: Any) -> None:
    global _local_bytes
    if _shareable(entry):
        raw, pickled, size = entry, False, len(entry[1]) + 200
    else:
        try:
            raw, pickled = pickle.dumps(entry, pickle.HIGHEST_PROTOCOL), True
        except Exception:
            return
        size = len(raw)
    if size > _LOCAL_MAX_BYTES // 8:
        return
    with _local_lock:
        old = _local.pop(key, None)
        if old is not None:
            _local_bytes -= old[1]
        _local[key] = (expires, size, raw, pickled)
        _local_bytes += size
        while _local_bytes > _LOCAL_MAX_BYTES and _local:
            _local_bytes -= _local.popitem(last=False)[1][1]


def _fetch_many(keys: list[str]) -> dict[str, Any]:
    """The stored bodies or parts under `keys` (those found), from the process or Redis."""
    out: dict[str, Any] = {}
    missing = []
    for key in keys:
        found = _fetch_local(key)
        if found is None:
            missing.append(key)
        else:
            out[key] = found
    now = time.time()
    if missing:
        for key, stored in cache.get_many(missing).items():
            if isinstance(stored, _Stored) and stored.expires > now:
                out[key] = stored.value
                _keep_local(key, stored.expires, stored.value)
    return out


def _fetch(key: str) -> Any:
    return _fetch_many([key]).get(key)


# The parts (name, extra, scope) a user's last build of a page asked for, in this process:
# a body that is not in the process is read from Redis with those parts' values (a page
# built again after a write then reads the parts it does not rebuild, and learns which it
# must, in the same round trip as the body; issue #12). Only a hint: a part not in it is
# read when asked for.
_PARTS_ASKED = ("parts asked",)
_part_hints: dict[tuple[str, int, str], tuple[tuple[str, str, frozenset[int] | None], ...]] = {}
_PART_HINTS_MAX = 1000


def _note_parts(name: str, pk: int, path: str,
                asked: list[tuple[str, str, frozenset[int] | None]]) -> None:
    hint_key = (name, pk, path)
    wanted = tuple(dict.fromkeys(asked))
    if _part_hints.get(hint_key) != wanted:
        if len(_part_hints) >= _PART_HINTS_MAX:
            _part_hints.clear()
        _part_hints[hint_key] = wanted


def _fetch_with_parts(key: str, hint_key: tuple[str, int, str], user: Any) -> Any:
    """A page's stored body; when it must be read from Redis, the values of the parts its
    last build asked for come in the same round trip (kept in the request's memo, found or
    not, for cached_part)."""
    found = _fetch_local(key)
    if found is not None:
        return found
    memo = _memo.get()
    hinted = _part_hints.get(hint_key, ())
    if memo is None or not hinted:
        return _fetch(key)
    part_keys = []
    for part, extra, scope in hinted:
        learned = _learned_for(part)
        part_keys.append(_part_key(part, user, None if scope is None else set(scope),
                                   learned if learned is not None else (ALL,), extra))
    values = _fetch_many([key, *part_keys])
    memo.update({("part", k): values.get(k) for k in part_keys if ("part", k) not in memo})
    return values.get(key)


def _fetch_local(key: str) -> Any:
    """The body or part under `key` if this process holds it (None otherwise)."""
    global _local_bytes
    with _local_lock:
        item = _local.get(key)
        if item is None:
            return None
        if item[0] <= time.time():
            _local_bytes -= _local.pop(key)[1]
            return None
        _local.move_to_end(key)
    return pickle.loads(item[2]) if item[3] else item[2]  # noqa: S301 -- our own bytes


def _store(entries: dict[str, Any], what: str) -> None:
    expires = time.time() + _seconds()
    try:
        cache.set_many({k: _Stored(expires, v) for k, v in entries.items()}, _seconds())
    except Exception:  # a value that does not pickle: built each time, still right
        log.warning("%s not cached", what, exc_info=True)
        return
    for key, entry in entries.items():
        _keep_local(key, expires, entry)


def forget_local() -> None:
    """Drop the process's copies (tests that empty the shared cache)."""
    global _local_bytes
    with _local_lock:
        _local.clear()
        _local_bytes = 0


def _serve(request: HttpRequest, entry: tuple[str, bytes]) -> HttpResponse:
    content_type, body = entry
    if _CSRF_HOLE in body:
        body = body.replace(_CSRF_HOLE, get_token(request).encode())
    response = HttpResponse(body, content_type=content_type)
    response.headers["X-Page-Cache"] = "hit"
    return response


def _storable(response: HttpResponse, request: HttpRequest) -> bool:
    return (response.status_code == 200 and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and not response.cookies and not _pending_messages(request))


def cached_page(scope: Scope | None = None,
                depends: Callable[..., Iterable[str]] | None = None) -> Callable[[Any], Any]:
    """Cache a view's body per reader (see the module). `scope(request, **kwargs)` gives
    the municipality ids the page reads (None or no scope: it reads more, any write makes
    it cold; an empty set: no municipality's version, only the global one and `depends`).
    `depends(request, **kwargs)` gives more strings the page's key holds (versions of its
    own)."""

    def decorator(view: Any) -> Any:
        name = f"{view.__module__}.{getattr(view, '__qualname__', view)}"

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            user = getattr(request, "user", None)
            if (not _seconds() or request.method not in ("GET", "HEAD") or user is None
                    or not user.is_authenticated or _pending_messages(request)):
                return view(request, *args, **kwargs)
            # The versions the authentication middleware read in its round trip (the
            # user's, the global ones and the `*` guard's) count as read by this request.
            memo: dict[Any, Any] = dict(getattr(request, "page_versions", None) or {})
            token = _memo.set(memo)
            try:
                return cached(request, *args, **kwargs)
            finally:
                pending = memo.get(_PENDING)
                _memo.reset(token)
                if pending:
                    _store(pending, f"parts of {name}")

        def cached(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            try:
                ids = scope(request, *args, **kwargs) if scope is not None else None
                more = list(depends(request, *args, **kwargs)) if depends is not None else []
                learned = _learned_for(name)
                deps = learned if learned is not None else frozenset((ALL,))
                scoped = None if ids is None else set(ids)
                # The `*` versions the build's guard reads, in the same round trip.
                pk = int(request.user.pk or 0)
                version_keys = _dependency_keys({*deps, ALL}, scoped, pk)
                _versions(version_keys)
                key = _key(request, name, scoped, more, deps)
                path = request.get_full_path()
                entry = _fetch_with_parts(key, (name, pk, path), request.user)
            except Exception:
                log.warning("page cache unavailable: %s rendered", name, exc_info=True)
                return view(request, *args, **kwargs)
            if entry is not None:
                _note_path_versions(pk, path, version_keys)
                return _serve(request, entry)
            ids_set = None if ids is None else set(ids)

            def render() -> Any:
                token = _page.set((ids_set,))
                try:
                    response = view(request, *args, **kwargs)
                    if hasattr(response, "render") and callable(response.render):
                        response = response.render()
                finally:
                    _page.reset(token)
                return response

            asked: list[tuple[str, str, frozenset[int] | None]] = []
            request_memo = _memo.get()
            if request_memo is not None:
                request_memo[_PARTS_ASKED] = asked
            response, _read, keys = _built(
                name, learned, key, lambda deps: _key(request, name, ids_set, more, deps),
                render)
            # What the next request for this page will read (learned now, if not before).
            _note_path_versions(pk, path, _dependency_keys(
                {*(_learned_for(name) or (ALL,)), ALL}, ids_set, pk))
            if request_memo is not None:
                request_memo.pop(_PARTS_ASKED, None)
                _note_parts(name, pk, path, asked)
            if keys and _storable(response, request):
                body = _CSRF.sub(rb"\1" + _CSRF_HOLE + rb"\2", response.content)
                entries = dict.fromkeys(keys, (response["Content-Type"], body))
                memo = _memo.get()
                if memo is not None:  # with the parts the build stored, in one round trip
                    memo.setdefault(_PENDING, {}).update(entries)
                else:
                    _store(entries, name)
            return response

        wrapper.page_cached = True  # type: ignore[attr-defined]
        return wrapper

    return decorator


# --- Parts of pages ------------------------------------------------------------------------
# A page built again after a write need not build every part again: a part (a home-page
# section's provider, a municipality panel) is cached on its own, under the versions of the
# tables it read, so a task's new status rebuilds the tasks of the home page, not its
# meetings, measures and agreements (issue #12, "page bodies and sections").


def _part_key(name: str, user: Any, scope: set[int] | None, deps: Iterable[str],
              extra: str) -> str:
    deps = frozenset(deps)
    # A request asks for a part's key twice (prefetch_parts, then cached_part): made once,
    # while the request's versions stand (a write clears the memo; the guard reads past it).
    memo = None if _fresh.get() else _memo.get()
    memo_key = ("partkey", name, extra, user.pk, get_language(), deps,
                None if scope is None else tuple(sorted(scope)))
    if memo is not None and memo_key in memo:
        return str(memo[memo_key])
    versions = _dependency_versions(set(deps), scope, user.pk)
    today, reader = _reader(user)
    raw = "\x1f".join([name, extra, get_language() or "", today, str(user.pk), reader,
                       *sorted(deps), *versions])
    key = "pc:part:" + hashlib.blake2b(raw.encode(), digest_size=20).hexdigest()
    if memo is not None:
        memo[memo_key] = key
    return key


def cached_part(name: str, user: Any, scope: set[int] | None, build: Callable[[], Any],
                extra: str = "", direct: bool = False) -> Any:
    """`build()`'s value (picklable) for this reader, cached under the versions of what it
    read in `scope` (None: the whole country); the page around it depends on the same.
    `direct`: the value is the page's own context (its object), so the page's fragments
    depend on what it read, as on what the page reads itself."""
    if not _seconds() or not getattr(user, "is_authenticated", False):
        return build()
    try:
        learned = _learned_for(name)
        key = _part_key(name, user, scope, learned if learned is not None else (ALL,), extra)
        memo = _memo.get()
        if memo is not None and _PARTS_ASKED in memo:
            memo[_PARTS_ASKED].append(
                (name, extra, None if scope is None else frozenset(scope)))
        found = memo.pop(("part", key)) if memo and ("part", key) in memo else _fetch(key)
    except Exception:
        log.warning("page cache unavailable: part %s built", name, exc_info=True)
        return build()
    builds = _builds.get()
    if found is not None:
        deps, value = found
        for outer in builds:
            if not outer.paused:
                outer.read.update(deps)
        if direct and builds and not builds[-1].paused:
            builds[-1].direct.update(deps)
        return value
    value, read, keys = _built(name, learned, key,
                               lambda deps: _part_key(name, user, scope, deps, extra), build)
    if direct and builds and not builds[-1].paused:
        builds[-1].direct.update(read)
    if keys:
        entry = (sorted(read), value)
        if not _shareable(entry):
            # The caller gets a copy and the entry stays as the build left it: it is stored
            # at the end of the request, and what the page does to the value meanwhile (a
            # related row read lazily, an attribute set) read tables the part's key does
            # not hold.
            value = pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))  # noqa: S301
        if memo is not None:
            # Stored with the page's body, in one round trip at the end of the request.
            memo.setdefault(_PENDING, {}).update(dict.fromkeys(keys, entry))
        else:
            _store(dict.fromkeys(keys, entry), name)
    return value


_PENDING = ("pending",)  # the parts a cached page's request built, stored when it ends


def page_part(name: str, user: Any, build: Callable[[], Any]) -> Any:
    """`build()` cached as a part of the cached page being built, in the page's scope (a
    page's own object, read on every build of the page, though a write to its tasks leaves
    it as it was); outside the build of a cached page, simply `build()`."""
    page = _page.get(None)
    if page is None:
        return build()
    return cached_part(name, user, page[0], build, direct=True)


def prefetch_parts(user: Any, scope: set[int] | None, parts: Iterable[tuple[str, str]]) -> None:
    """Read the versions and stored values of these parts ((name, extra), as `cached_part`
    will be asked for them) in two round trips instead of two per part; only inside a
    cached page (its request holds what was read)."""
    memo = _memo.get()
    if memo is None or not _seconds() or not getattr(user, "is_authenticated", False):
        return
    try:
        wanted = [(name, extra, _learned_for(name)) for name, extra in parts]
        _versions([key for _name, _extra, learned in wanted
                   for key in _dependency_keys(learned or (ALL,), scope, user.pk)])
        keys = [key for key in (_part_key(name, user, scope, learned or (ALL,), extra)
                                for name, extra, learned in wanted)
                if ("part", key) not in memo]
        found = _fetch_many(keys) if keys else {}
    except Exception:
        log.warning("page cache unavailable: parts not prefetched", exc_info=True)
        return
    memo.update({("part", key): found.get(key) for key in keys})


def cached_fragment(name: str, request: HttpRequest, render: Callable[[], str],
                    extra: Iterable[str] = ()) -> str:
    """A fragment of a cached page's template (`{% cached_fragment %}`), cached on its own
    like a part: under the versions of what it read and of what the page read before it
    (its context came from that), for this reader, path and query. Outside the build of a
    cached page (or a request with messages) it is simply rendered."""
    page = _page.get(None)
    user = getattr(request, "user", None)
    if page is None or user is None or _pending_messages(request):
        return render()
    # What the page (and any fragment around this one) read outside its fragments.
    before = set().union(*(build.direct for build in _builds.get()))
    hx = "|".join(request.META.get(h, "") for h in _HX_HEADERS)

    def build() -> str:
        inner = _builds.get()
        if inner:
            inner[-1].read.update(before)
        return _CSRF_TEXT.sub(r"\1" + _CSRF_HOLE.decode() + r"\2", render())

    html = cached_part(f"fragment:{name}", user, page[0], build,
                       extra="\x1f".join([request.get_full_path(), hx, *extra]))
    if _CSRF_HOLE.decode() in html:
        html = html.replace(_CSRF_HOLE.decode(), get_token(request))
    return html


# --- Scopes the apps' urls.py use ----------------------------------------------------------


def municipality_by_number(request: HttpRequest, number: str, **kwargs: Any) -> set[int] | None:
    from .models import Municipality

    key = f"pc:mnum:{number}"
    pk = _scope_get(key)  # a municipality keeps its number and row
    if pk is None:
        pk = Municipality.objects.filter(number=number).values_list("pk", flat=True).first()
        if pk is None:
            return None  # the view answers 404; nothing is stored
        cache.set(key, pk, None)
        _keep_scope(key, pk)
    return {int(pk)}


def of_object(model_path: str) -> Scope:
    """A scope for `<int:pk>` pages: the municipalities of that row ("app.Model")."""
    from django.apps import apps

    def scope(request: HttpRequest, pk: int, **kwargs: Any) -> set[int] | None:
        return object_scope(apps.get_model(model_path), pk)

    return scope


def principal_scope(request: HttpRequest, *args: Any, **kwargs: Any) -> set[int] | None:
    """The municipalities a user's own pages (home, my tasks) read: those their principal
    reads and those of the councils and levels they sit on (None for a national reader or
    per-object grants: any). Cached per principal under the global and reference versions
    (a new municipality in a district, a council's municipalities changing)."""
    return user_scope(request.user)


def user_scope(user: Any) -> set[int] | None:
    """The municipalities a user's own pages and parts read (principal_scope)."""
    def make() -> frozenset[int] | None:
        ids = _user_scope(user)
        return None if ids is None else frozenset(ids)

    # Asked for three times by a home page (its scope, its view, its sections); each
    # caller gets a set of its own.
    kept = _once_per_request(("user scope", user.pk), make)
    return None if kept is None else set(kept)


def _user_scope(user: Any) -> set[int] | None:
    from . import access, policy

    principal = policy.for_user(user)
    if principal.national_admin or principal.grants or user.is_superuser:
        return None
    versions = _versions([GLOBAL, REPORTS])
    key = f"pc:pscope:{fingerprint(principal, user)}:{':'.join(versions)}"
    # Kept in the process too: the key holds the versions the scope depends on, so a
    # changed scope is a new key (as the shared cache's entry).
    found = _scope_get(key)
    if found is not None:
        return None if found == "*" else set(found)
    ids: set[int] | None = set(access.municipalities(user).values_list("pk", flat=True))
    for kind, seats in principal.seats.items():
        model = _seat_model(kind)
        for pk in seats:
            sub = object_scope(model, pk) if model is not None else None
            if sub is None or ids is None:
                ids = None
                break
            ids |= sub
        if ids is None:
            break
    stored = "*" if ids is None else sorted(ids)
    cache.set(key, stored, _seconds() * 12)
    _keep_scope(key, stored)
    return ids


# Scopes kept in the process under their versioned keys, no longer than the shared cache
# keeps them (a bump missed by some path heals as it does there).
_scopes: dict[str, tuple[float, Any]] = {}
_SCOPES_MAX = 5000


def _kept_scope(key: str) -> Any:
    kept = _scopes.get(key)
    return kept[1] if kept is not None and kept[0] > time.time() else None


def _scope_get(key: str) -> Any:
    """A scope kept in the process, else in the shared cache (then kept here too)."""
    found = _kept_scope(key)
    if found is None:
        found = cache.get(key)
        if found is not None:
            _keep_scope(key, found)
    return found


def _keep_scope(key: str, stored: Any) -> None:
    if _kept_scope(key) is None:
        if len(_scopes) >= _SCOPES_MAX:
            _scopes.clear()
        _scopes[key] = (time.time() + _seconds() * 12, stored)


def _seat_model(kind: str) -> Any:
    """The model a seat of `kind` is on (the council of a council seat), from the seat
    source the feature app registered (policy.register_seats)."""
    from . import policy

    entry = policy._SEAT_SOURCES.get(kind)
    if entry is None:
        return None
    source, fields = entry
    try:
        model = source(0, timezone.localdate()).model
        return model._meta.get_field(fields[0].removesuffix("_id")).related_model
    except Exception:
        return None


def report_scope(request: HttpRequest, *args: Any, **kwargs: Any) -> set[int] | None:
    """The reports read no municipality's page version: they depend on the findings'
    marks (report_depends). Without the findings cache, on every write (None)."""
    return set() if settings.COMPLIANCE_CACHE_SECONDS else None


def report_depends(request: HttpRequest, *args: Any, **kwargs: Any) -> list[str]:
    """The reports' version (bumped when a refresh finds changed findings or reference data
    is written) and the pending marks of every municipality (a write not yet refreshed)."""
    if not settings.COMPLIANCE_CACHE_SECONDS:
        return []
    return _findings_parts(None)
