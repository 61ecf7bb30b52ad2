"""A registry of compliance checks, one per rule of the guide, that feature apps register
into (in their AppConfig.ready()) and reports read — the way Django's system checks work.

A check evaluates a whole set of municipalities at once (a fixed number of queries
whatever their count) and returns a Finding per municipality id.
"""

from __future__ import annotations

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
             codes: Iterable[str] | None = None) -> dict[int, dict[str, Finding]]:
    """{municipality id: {check code: Finding}} for every registered check (or `codes`).

    Findings of the full set of checks are cached per municipality (settings.
    COMPLIANCE_CACHE_SECONDS) under a version that every write to the portal's models bumps
    and that changes with the date, so reports and municipality pages read a snapshot that
    is never older than the last change.
    """
    wanted = [c for c in checks() if codes is None or c.code in set(codes)]
    ids = list(municipalities.values_list("pk", flat=True))
    seconds = settings.COMPLIANCE_CACHE_SECONDS
    if not seconds or codes is not None:
        return _evaluate(municipalities, ids, wanted)
    language = get_language() or settings.LANGUAGE_CODE
    stamp = f"{_version()}:{timezone.localdate()}"
    versions = _municipality_versions(ids)
    tokens = {pk: f"{stamp}:{versions[pk]}" for pk in ids}
    keys = {pk: f"compliance:{language}:{pk}:{tokens[pk]}" for pk in ids}
    cached = cache.get_many(list(keys.values()))
    missing = [pk for pk in ids if keys[pk] not in cached]
    result = {pk: cached[keys[pk]] for pk in ids if keys[pk] in cached}
    if missing:
        # The stored snapshot (a worker refreshed it after the last write): what the cache
        # lost to its expiry or to a restart is read back, not computed again.
        stored = _read_snapshots(missing, language, tokens)
        if stored:
            cache.set_many({keys[pk]: row for pk, row in stored.items()}, seconds)
            result.update(stored)
            missing = [pk for pk in missing if pk not in stored]
    if missing:
        fresh = _evaluate(municipalities.filter(pk__in=missing) if len(missing) < len(ids)
                          else municipalities, missing, wanted)
        cache.set_many({keys[pk]: row for pk, row in fresh.items()}, seconds)
        _store_snapshots(fresh, language, tokens)
        result.update(fresh)
    return {pk: result[pk] for pk in ids}


def _read_snapshots(ids: list[int], language: str,
                    tokens: dict[int, str]) -> dict[int, dict[str, Finding]]:
    from .models import ComplianceSnapshot

    known = {c.code for c in checks()}
    out: dict[int, dict[str, Finding]] = {}
    for pk, token, data in ComplianceSnapshot.objects.filter(
            municipality_id__in=ids, language=language).values_list(
            "municipality_id", "token", "findings"):
        if token != tokens.get(pk) or set(data) != known:
            continue  # older than the last write, or made with other checks
        out[pk] = {code: Finding(Status(v[0]), v[1], v[2]) for code, v in data.items()}
    return out


def _store_snapshots(fresh: dict[int, dict[str, Finding]], language: str,
                     tokens: dict[int, str]) -> None:
    from django.db import transaction

    from .models import ComplianceSnapshot

    now = timezone.now()
    rows = [ComplianceSnapshot(municipality_id=pk, language=language, token=tokens[pk],
                               computed_at=now,
                               findings={code: [f.status.value, str(f.detail), str(f.url)]
                                         for code, f in row.items()})
            for pk, row in fresh.items()]
    try:
        with transaction.atomic():  # a savepoint: a failure must not break the request
            ComplianceSnapshot.objects.bulk_create(
                rows, batch_size=500, update_conflicts=True,
                unique_fields=["municipality", "language"],
                update_fields=["token", "findings", "computed_at"])
    except Exception:  # a snapshot is a copy: a failed store costs a later computation
        import logging

        logging.getLogger("samarbeid.compliance").warning("compliance snapshot not stored",
                                                          exc_info=True)


def _evaluate(municipalities: QuerySet[Municipality], ids: list[int],
              wanted: list[Check]) -> dict[int, dict[str, Finding]]:
    result: dict[int, dict[str, Finding]] = {pk: {} for pk in ids}
    for check in wanted:
        findings = check.evaluate(municipalities)
        for pk, row in result.items():
            row[check.code] = findings.get(pk, Finding(Status.NOT_APPLICABLE))
    return result


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


def invalidate(sender: Any = None, instance: Any = None, **kwargs: Any) -> None:
    """The one write hook (post_save, post_delete, m2m_changed of every model): bumps the
    page versions (samarbeid/pagecache.py) and the findings of the municipalities the row
    belongs to, and queues their stored snapshot for a refresh."""
    from . import pagecache

    meta = getattr(sender, "_meta", None)
    watched = not (meta is not None and (meta.app_label not in WATCHED_APPS
                                         or meta.model_name in IGNORED_MODELS))
    pages = (instance is not None and getattr(instance, "_meta", None) is not None
             and instance._meta.label_lower not in pagecache.IGNORED)
    if not watched and not pages:
        return
    scope = None
    if instance is not None and "pk_set" not in kwargs and getattr(instance, "_meta", None):
        scope = municipalities_of(instance)
    if pages:
        pagecache.bump_for(instance, scope=scope, known=True,
                           update_fields=kwargs.get("update_fields"))
    if not watched:
        return
    try:
        if scope is not None:
            cache.set_many({_municipality_key(pk): uuid.uuid4().hex[:12] for pk in scope}, None)
        else:
            cache.incr(_VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value invalidates
        cache.set(_VERSION_KEY, int(timezone.now().timestamp()), None)
    refresh_later(scope)


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
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            evaluate(municipalities)
    return len(ids) if ids is not None else municipalities.count()


def _make_task() -> Any:
    from celery import shared_task

    return shared_task(name="samarbeid.compliance.refresh", ignore_result=True)(_refresh)


refresh = _make_task()
