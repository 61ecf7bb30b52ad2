"""A registry of compliance checks, one per rule of the guide, that feature apps register
into (in their AppConfig.ready()) and reports read — the way Django's system checks work.

A check evaluates a whole set of municipalities at once (a fixed number of queries
whatever their count) and returns a Finding per municipality id.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Municipality


class Status(StrEnum):
    OK = "ok"  # the rule is met
    WARN = "warn"  # a "should" of the guide is not met (bør): warn, do not refuse
    FAIL = "fail"  # a "shall" is not met
    DECLINED = "declined"  # the municipality chose not to take part: legitimate (§2.3)
    NOT_APPLICABLE = "na"


STATUS_LABELS: dict[Status, Promise] = {
    Status.OK: _("OK"),
    Status.WARN: _("Warning"),
    Status.FAIL: _("Not met"),
    Status.DECLINED: _("Declined"),
    Status.NOT_APPLICABLE: _("Not applicable"),
}


@dataclass(frozen=True)
class Finding:
    status: Status
    detail: str = ""
    url: str = ""

    @property
    def label(self) -> Any:
        return STATUS_LABELS[self.status]


Evaluate = Callable[[QuerySet[Municipality]], dict[int, Finding]]


@dataclass(frozen=True)
class Check:
    code: str  # stable id, e.g. "agreement_in_force"
    label: Promise  # short column title
    rule: Promise  # the rule in words, with the guide's section
    section: str  # "§3"
    app: str
    evaluate: Evaluate
    order: int = 100


_registry: dict[str, Check] = {}


def register(check: Check) -> Check:
    _registry[check.code] = check
    return check


def unregister(code: str) -> Check | None:
    """Remove a check (tests that swap in their own checks put them back afterwards)."""
    return _registry.pop(code, None)


def checks() -> list[Check]:
    return sorted(_registry.values(), key=lambda c: (c.order, c.code))


def get(code: str) -> Check:
    return _registry[code]


def evaluate(municipalities: QuerySet[Municipality],
             codes: Iterable[str] | None = None, *,
             ids: list[int] | None = None) -> dict[int, dict[str, Finding]]:
    """{municipality id: {check code: Finding}} for every registered check (or `codes`).

    Findings of the full set of checks are cached per municipality (settings.
    COMPLIANCE_CACHE_SECONDS) under a version that every write to the portal's models bumps
    and that changes with the date, so reports and municipality pages read a snapshot that
    is never older than the last change. `ids`: the ids of `municipalities`, when the
    caller has them (a page of one municipality it has read: no query to list them).
    """
    wanted = [c for c in checks() if codes is None or c.code in set(codes)]
    if ids is None:
        ids = list(municipalities.values_list("pk", flat=True))
    seconds = settings.COMPLIANCE_CACHE_SECONDS
    if not seconds or codes is not None:
        return _evaluate(municipalities, ids, wanted)
    from . import pagecache

    # A page built from these findings depends on them, not on the tables they are computed
    # from: their version and pending marks (below) say when they change.
    with pagecache.reads_cached(pagecache.FINDINGS):
        return _evaluate_cached(municipalities, ids, wanted, seconds)


def _evaluate_cached(municipalities: QuerySet[Municipality], ids: list[int],
                     wanted: list[Check], seconds: int) -> dict[int, dict[str, Finding]]:
    language = get_language() or settings.LANGUAGE_CODE
    stamp = f"{_version()}:{timezone.localdate()}"
    versions = _municipality_versions(ids)
    tokens = {pk: f"{stamp}:{versions[pk]}" for pk in ids}
    keys = {pk: f"compliance:c:{language}:{pk}:{tokens[pk]}" for pk in ids}
    # Rows are cached as plain tuples (status, detail, url), not Finding objects: unpickling
    # 357 × 8 dataclasses with enums cost more than the rest of the national report (#12).
    # The whole set as one entry too, under all its tokens: one read and one unpickling for
    # the national report instead of 357 (equal findings are one object in the pickle).
    whole = "compliance:set:" + hashlib.blake2b(
        f"{language}|{sorted(tokens.items())}".encode(), digest_size=16).hexdigest()
    if len(ids) > 1:
        found = cache.get(whole)
        if isinstance(found, dict) and set(found) == set(ids):
            return {pk: found[pk] for pk in ids}
    cached = cache.get_many(list(keys.values()))
    memo: dict[tuple[str, str, str], Finding] = {}
    missing = [pk for pk in ids if keys[pk] not in cached]
    result = {pk: _inflate(cached[keys[pk]], memo) for pk in ids if keys[pk] in cached}
    previous: dict[int, dict[str, list[str]]] = {}
    if missing:
        # The stored snapshot (a worker refreshed it after the last write): what the cache
        # lost to its expiry or to a restart is read back, not computed again.
        stored, previous = _read_snapshots(missing, language, tokens)
        if stored:
            cache.set_many({keys[pk]: row for pk, row in stored.items()}, seconds)
            result.update({pk: _inflate(row, memo) for pk, row in stored.items()})
            missing = [pk for pk in missing if pk not in stored]
    if missing:
        fresh = _evaluate(municipalities.filter(pk__in=missing) if len(missing) < len(ids)
                          else municipalities, missing, wanted)
        compact = {pk: _compact(row) for pk, row in fresh.items()}
        cache.set_many({keys[pk]: row for pk, row in compact.items()}, seconds)
        stored_ok = _store_snapshots(compact, language, tokens)
        # Findings that differ from the stored ones: the pages built from them (the
        # reports) are rebuilt. A first computation has nothing to differ from (no page
        # was built from a stored one); a failed store leaves nothing to compare later.
        if not stored_ok or any(pk in previous and _as_lists(row) != previous[pk]
                                for pk, row in compact.items()):
            from . import pagecache

            pagecache.bump_reports()
        result.update({pk: _inflate(row, memo) for pk, row in compact.items()})
    out = {pk: result[pk] for pk in ids}
    if len(ids) > 1:
        cache.set(whole, out, seconds)
    return out


Compact = dict[str, tuple[str, str, str]]


def _compact(row: dict[str, Finding]) -> Compact:
    return {code: (f.status.value, str(f.detail), str(f.url)) for code, f in row.items()}


def _as_lists(row: Compact) -> dict[str, list[str]]:
    return {code: list(v) for code, v in row.items()}


def _inflate(row: Compact, memo: dict[tuple[str, str, str], Finding]) -> dict[str, Finding]:
    """Findings from their compact form; equal findings share one (frozen) object."""
    out = {}
    for code, value in row.items():
        value = tuple(value)  # type: ignore[assignment]
        finding = memo.get(value)
        if finding is None:
            finding = memo[value] = Finding(Status(value[0]), value[1], value[2])
        out[code] = finding
    return out


def _read_snapshots(ids: list[int], language: str, tokens: dict[int, str]
                    ) -> tuple[dict[int, Compact], dict[int, dict[str, list[str]]]]:
    """(valid rows, every stored row): a row is valid while its token is the municipality's
    current one and it holds the registered checks; the stale ones tell a refresh whether
    the findings changed."""
    from .models import ComplianceSnapshot

    known = {c.code for c in checks()}
    valid: dict[int, Compact] = {}
    stored: dict[int, dict[str, list[str]]] = {}
    for pk, token, data in ComplianceSnapshot.objects.filter(
            municipality_id__in=ids, language=language).values_list(
            "municipality_id", "token", "findings"):
        stored[pk] = data
        if token != tokens.get(pk) or set(data) != known:
            continue  # older than the last write, or made with other checks
        valid[pk] = {code: (v[0], v[1], v[2]) for code, v in data.items()}
    return valid, stored


def _store_snapshots(fresh: dict[int, Compact], language: str,
                     tokens: dict[int, str]) -> bool:
    from django.db import transaction

    from .models import ComplianceSnapshot

    now = timezone.now()
    rows = [ComplianceSnapshot(municipality_id=pk, language=language, token=tokens[pk],
                               computed_at=now, findings=_as_lists(row))
            for pk, row in fresh.items()]
    try:
        with transaction.atomic():  # a savepoint: a failure must not break the request
            ComplianceSnapshot.objects.bulk_create(
                rows, batch_size=500, update_conflicts=True,
                unique_fields=["municipality", "language"],
                update_fields=["token", "findings", "computed_at"])
    except Exception:  # a snapshot is a copy: a failed store costs a later computation
        logging.getLogger("samarbeid.compliance").warning("compliance snapshot not stored",
                                                          exc_info=True)
        return False
    return True


def _evaluate(municipalities: QuerySet[Municipality], ids: list[int],
              wanted: list[Check]) -> dict[int, dict[str, Finding]]:
    from django.db import connection

    from . import pagecache

    result: dict[int, dict[str, Finding]] = {pk: {} for pk in ids}
    skipped = cache.get(_SKIPPED_KEY)
    reader = pagecache.TableReader()
    with connection.execute_wrapper(reader):
        for check in wanted:
            findings = check.evaluate(municipalities)
            for pk, row in result.items():
                row[check.code] = findings.get(pk, Finding(Status.NOT_APPLICABLE))
    if _learn_tables(reader.read) and cache.get(_SKIPPED_KEY) != skipped:
        # A write to a table the checks had never read was let through while they read it
        # for the first time: what was computed may be older than that write. A new version
        # leaves it under a token nobody reads.
        _bump_version()
        mark_pending(None)
    return result


# --- What the checks read ------------------------------------------------------------------
# The findings depend on the tables the checks read (learned while they run, the union over
# every computation, like the page cache's dependencies): a write to a table no check reads
# (a comment on a task) leaves the findings, their snapshot and the reports as they were.

_TABLES_KEY = "compliance:tables"
_SKIPPED_KEY = "compliance:skipped"
_read_tables: set[str] = set()


def _known_tables() -> set[str]:
    if not _read_tables:
        _read_tables.update(cache.get(_TABLES_KEY) or ())
    return _read_tables


def _learn_tables(read: set[str]) -> bool:
    """Add to the tables the checks read; True when some were new."""
    new = read - _known_tables()
    if not new:
        return False
    merged = set(cache.get(_TABLES_KEY) or ()) | _read_tables | read
    _read_tables.update(merged)
    cache.set(_TABLES_KEY, sorted(merged), None)
    return True


def _unread(table: str) -> bool:
    """A table no check has read (False while nothing is learned: every table counts)."""
    known = _known_tables()
    return bool(known) and table not in known


def _bump_version() -> None:
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value invalidates
        cache.set(_VERSION_KEY, int(timezone.now().timestamp()), None)


_VERSION_KEY = "compliance:version"
# Writes to these apps can change a finding; the ledger and the audit trail cannot. The core
# names only its own; each feature app adds itself with watch_app() from its registry, so the
# core knows no feature app (issue #15).
WATCHED_APPS: set[str] = {"samarbeid", "guardian"}
IGNORED_MODELS = {"sentreminder", "auditevent", "userprofile"}


def watch_app(app_label: str) -> None:
    """Writes to the models of `app_label` can change a finding, so they invalidate the cached
    findings. A feature app calls it from its registry (AppConfig.ready()), e.g.
    `compliance.watch_app("slt")`."""
    WATCHED_APPS.add(app_label)


def _version() -> int:
    version = cache.get(_VERSION_KEY)
    if version is None:
        cache.add(_VERSION_KEY, 1, None)
        version = cache.get(_VERSION_KEY, 1)
    return int(version)


def _municipality_key(pk: int) -> str:
    return f"compliance:m:{pk}"


def _municipality_versions(ids: list[int]) -> dict[int, str]:
    """The version of each municipality's findings. A missing version starts at a random
    value, so findings cached under a version that was evicted can never be found again."""
    found = cache.get_many([_municipality_key(pk) for pk in ids])
    versions = {pk: found.get(_municipality_key(pk)) for pk in ids}
    new = {pk: uuid.uuid4().hex[:12] for pk, v in versions.items() if v is None}
    if new:
        for pk, value in new.items():
            if not cache.add(_municipality_key(pk), value, None):
                value = cache.get(_municipality_key(pk)) or value
            versions[pk] = value
    return {pk: str(v) for pk, v in versions.items()}


# --- Which municipalities a write can change -----------------------------------------------
# A write bumps only the municipalities whose findings it can change, so the first report
# after a write recomputes those, not the country. Unknown means every municipality.

ScopeResolver = Callable[[int], "Iterable[int] | None"]
_scopes: dict[str, ScopeResolver] = {}


def register_scope(model_label: str, resolver: ScopeResolver) -> None:
    """`resolver(pk)` gives the municipality ids a row of `model_label` ("app.model") belongs
    to, or None for any (a feature app registers this for a model that spans several
    municipalities, like a regional police council)."""
    _scopes[model_label.lower()] = resolver


def _owner_fks(meta: Any) -> list[Any]:
    fks = [f for f in meta.concrete_fields if f.many_to_one and f.related_model is not None
           and f.related_model._meta.app_label in WATCHED_APPS]
    owners = [f for f in fks if f.related_model is Municipality
              or f.related_model._meta.label_lower in _scopes]
    return owners or fks


def _scope_of(model: Any, pk: Any, values: dict[str, Any] | None, depth: int,
              memo: dict[tuple[str, Any], set[int] | None]) -> set[int] | None:
    meta = model._meta
    label = meta.label_lower
    if model is Municipality:
        return {int(pk)}
    key = (label, pk)
    if key in memo:
        return memo[key]
    result: set[int] | None
    if label in _scopes:
        ids = _scopes[label](int(pk))
        result = None if ids is None else set(ids)
    elif depth > 4:
        result = None
    else:
        fks = _owner_fks(meta)
        if not fks:
            result = None
        else:
            if values is None:
                values = model._base_manager.filter(pk=pk).values(*[f.attname for f in fks]).first()
            if values is None:
                result = None
            else:
                result = set()
                for f in fks:
                    value = values.get(f.attname)
                    if value is None:
                        if f.related_model is Municipality:
                            result = None  # a row of no municipality (a district's): all
                            break
                        continue
                    sub = _scope_of(f.related_model, value, None, depth + 1, memo)
                    if sub is None:
                        result = None
                        break
                    result |= sub
                if result is not None and not result:
                    result = None
    memo[key] = result
    return result


# A person's roles count across municipalities (a police contact's three): every one.
register_scope("samarbeid.membership", lambda pk: None)


def municipalities_of(instance: Any) -> set[int] | None:
    """The municipality ids whose findings a write to `instance` can change (None: any)."""
    meta = instance._meta
    label = meta.label_lower
    try:
        if label in _scopes or isinstance(instance, Municipality):
            return _scope_of(type(instance), instance.pk, None, 0, {})
        values = {f.attname: getattr(instance, f.attname) for f in _owner_fks(meta)}
        scope = _scope_of(type(instance), ("instance", id(instance)), values, 0, {})
    except Exception:  # a row half gone in a cascade: be safe, refresh every municipality
        return None
    return scope


def municipalities_of_rows(model: Any, rows: Iterable[Any]) -> set[int] | None:
    """The municipalities of several rows of one model (a bulk write), their parents read
    once each."""
    memo: dict[tuple[str, Any], set[int] | None] = {}
    fks = _owner_fks(model._meta)
    result: set[int] = set()
    for row in rows:
        if model is Municipality:
            result.add(int(row.pk))
            continue
        values = {f.attname: getattr(row, f.attname) for f in fks}
        sub = _scope_of(model, ("row", id(row)), values, 0, memo)
        if sub is None:
            return None
        result |= sub
    return result


def invalidate(sender: Any = None, instance: Any = None, **kwargs: Any) -> None:
    """The one write hook (post_save, post_delete, m2m_changed of every model): bumps the
    page versions (samarbeid/pagecache.py) and the findings of the municipalities the row
    belongs to, and queues their stored snapshot for a refresh."""
    from . import pagecache

    meta = getattr(sender, "_meta", None)
    if pagecache.unshown(kwargs.get("update_fields") or ()):
        return  # a reminder time moved: no page shows it, no check reads it
    watched = meta is None or watches(meta)
    pages = (instance is not None and getattr(instance, "_meta", None) is not None
             and instance._meta.label_lower not in pagecache.IGNORED)
    if not watched and not pages:
        return
    scope = None
    if instance is not None and "pk_set" not in kwargs and getattr(instance, "_meta", None):
        scope = municipalities_of(instance)
    if pages:
        # A many-to-many change writes the join table too (`sender` is its model).
        through = [meta.db_table] if "pk_set" in kwargs and meta is not None else []
        pagecache.bump_for(instance, scope=scope, known=True,
                           update_fields=kwargs.get("update_fields"), tables=through)
    if watched and meta is not None:
        invalidate_findings(meta.db_table, scope)


def invalidate_findings(table: str, scope: set[int] | None) -> None:
    """A write to `table` in `scope` (None: anywhere): the findings computed from it are
    stale, their municipalities pending until a worker has computed them again."""
    if _unread(table):
        try:
            if not cache.add(_SKIPPED_KEY, 1, None):
                cache.incr(_SKIPPED_KEY)
        except ValueError:
            cache.set(_SKIPPED_KEY, 1, None)
        return
    if scope is not None:
        cache.set_many({_municipality_key(pk): uuid.uuid4().hex[:12] for pk in scope}, None)
    else:
        _bump_version()
    mark_pending(scope)
    refresh_later(scope)


def watches(meta: Any) -> bool:
    """Writes to this model can change a finding (its app is watched)."""
    return meta.app_label in WATCHED_APPS and meta.model_name not in IGNORED_MODELS


# --- Pending findings ----------------------------------------------------------------------
# Between a write and the refresh of its municipalities, a page built from the findings (the
# reports) must not be served from the page cache: the write marks those municipalities
# pending (now and again after commit), and the refresh clears the marks it has computed.
# A report's page key holds the marks of its municipalities, so while one is pending the
# page is built again (computing that one municipality), and once the refresh is done the
# page built before the write is valid again unless the findings changed — which bumps the
# reports' own version (pagecache.bump_reports).

_PENDING = "compliance:pending:"
ALL_PENDING = _PENDING + "all"


def _pending_key(pk: int) -> str:
    return f"{_PENDING}{pk}"


# On Redis the marks are also fields of one hash: a page of many municipalities (the
# national report: 357) reads them all in one small reply instead of a key each, which cost
# the warm report half its time (issue #12). Set and cleared with the keys, atomically.
_PENDING_HASH = _PENDING + "index"
_CLEAR_SCRIPT = """
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    redis.call('HDEL', KEYS[1], ARGV[i])
  end
end
return 0
"""
def _pending_index() -> tuple[Any, Any, str] | None:
    """(the cache, its Redis client, the hash's key), or None on a cache that is not Redis."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend: Any = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    client = getattr(backend, "_cache").get_client(write=True)  # noqa: B009 -- no stubs
    return backend, client, backend.make_and_validate_key(_PENDING_HASH)


def _on_index(operation: str, default: Any, call: Any) -> Any:
    """`call(client, name)` on the hash, as every other cache call: an outage is a miss."""
    index = _pending_index()
    if index is None:
        return default
    backend, client, name = index
    guard = getattr(backend, "_guard", None)
    if guard is None:
        return call(client, name)
    return guard(operation, default, call, client, name)


def _field(key: str) -> str:
    return key.removeprefix(_PENDING)


def mark_pending(scope: Iterable[int] | None) -> None:
    from django.db import transaction

    keys = [ALL_PENDING] if scope is None else [_pending_key(pk) for pk in sorted(set(scope))]

    def now() -> None:
        token = uuid.uuid4().hex[:12]
        try:
            cache.set_many(dict.fromkeys(keys, token), None)
            _on_index("hset", None, lambda client, name: client.hset(
                name, mapping={_field(key): token for key in keys}))
        except Exception:  # without the cache no page is cached either
            logging.getLogger("samarbeid.compliance").warning("cache unavailable: "
                                                              "findings not marked pending")

    now()
    transaction.on_commit(now)


def pending_marks(ids: Iterable[int]) -> list[str]:
    """The pending marks of these municipalities (and of the whole country), as strings for
    a page key: empty when every finding is as refreshed."""
    from . import pagecache

    keys = [ALL_PENDING, *(_pending_key(pk) for pk in ids)]
    # As many as the page cache reads versions of place by place: a key each; more, the hash.
    fields = (_on_index("hgetall", None, lambda client, name: client.hgetall(name))
              if len(keys) > pagecache._PLACES_MAX + 1 else None)
    if fields is not None:
        marks = {k.decode(): v.decode() for k, v in fields.items()}
        found = {key: marks[_field(key)] for key in keys if _field(key) in marks}
    else:
        found = cache.get_many(keys)
    return [f"{key}={found[key]}" for key in keys if key in found]


def _clear_pending(before: dict[str, Any]) -> None:
    """Clear the marks that are still those read before the refresh computed (a write since
    gave a new mark: its own refresh clears that one)."""
    if not before:
        return
    now = cache.get_many(list(before))
    done = [key for key, value in before.items() if now.get(key) == value]
    if done:
        cache.delete_many(done)
    pairs = [part for key, value in before.items() for part in (_field(key), str(value))]
    _on_index("eval", None, lambda client, name: client.eval(_CLEAR_SCRIPT, 1, name, *pairs))


# --- Background refresh --------------------------------------------------------------------
# A write makes its municipalities' findings stale; a worker computes them again after the
# commit, so the next report reads them instead of computing on the user's request. Queued
# once per municipality until the worker starts on it (deduplicated).

_QUEUED = "compliance:queued:"


def refresh_later(scope: Iterable[int] | None) -> None:
    from django.db import transaction

    if not settings.COMPLIANCE_CACHE_SECONDS:
        return
    if scope is None and settings.CELERY_TASK_ALWAYS_EAGER:
        return  # every municipality in the request's own process: the next report does it
    ids = None if scope is None else sorted(set(scope))

    def send() -> None:
        keys = ["all"] if ids is None else [str(pk) for pk in ids]
        fresh = [k for k in keys if cache.add(_QUEUED + k, 1, 300)]
        if not fresh:
            return
        try:
            refresh.delay(None if ids is None else [int(k) for k in fresh])
        except Exception as exc:  # a broker that is down: the next report computes them
            cache.delete_many([_QUEUED + k for k in fresh])
            import logging

            logging.getLogger("samarbeid.compliance").warning(
                "could not queue the compliance refresh: %s", type(exc).__name__)

    transaction.on_commit(send)


def _refresh(ids: list[int] | None) -> int:
    from django.utils import translation

    cache.delete_many([_QUEUED + k for k in (["all"] if ids is None else map(str, ids))])
    municipalities = Municipality.objects.all()
    if ids is not None:
        municipalities = municipalities.filter(pk__in=ids)
    marks = ([ALL_PENDING, *(_pending_key(pk) for pk in municipalities.values_list("pk", flat=True))]
             if ids is None else [_pending_key(pk) for pk in ids])
    before = cache.get_many(marks)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            evaluate(municipalities)
    _clear_pending(before)
    return len(ids) if ids is not None else municipalities.count()


def refresh_all() -> int:
    """Every municipality's findings, for the day (the nightly schedule): the date is part
    of every finding's version, so without it the first report of the day would compute
    the whole country on a user's request."""
    return _refresh(None)


def _make_task() -> Any:
    from celery import shared_task

    return shared_task(name="samarbeid.compliance.refresh", ignore_result=True)(_refresh)


refresh = _make_task()


def _make_daily_task() -> Any:
    from celery import shared_task

    return shared_task(name="samarbeid.compliance.refresh_all", ignore_result=True)(refresh_all)


refresh_all_task = _make_daily_task()
