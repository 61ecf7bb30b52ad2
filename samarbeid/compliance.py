"""A registry of compliance checks, one per rule of the guide, that feature apps register
into (in their AppConfig.ready()) and reports read — the way Django's system checks work.

A check evaluates a whole set of municipalities at once (a fixed number of queries
whatever their count) and returns a Finding per municipality id.
"""

from __future__ import annotations

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
    prefix = f"compliance:{_version()}:{timezone.localdate()}:{get_language()}:"
    cached = cache.get_many([f"{prefix}{pk}" for pk in ids])
    missing = [pk for pk in ids if f"{prefix}{pk}" not in cached]
    result = {pk: cached[f"{prefix}{pk}"] for pk in ids if f"{prefix}{pk}" in cached}
    if missing:
        fresh = _evaluate(municipalities.filter(pk__in=missing) if len(missing) < len(ids)
                          else municipalities, missing, wanted)
        cache.set_many({f"{prefix}{pk}": row for pk, row in fresh.items()}, seconds)
        result.update(fresh)
    return {pk: result[pk] for pk in ids}


def _evaluate(municipalities: QuerySet[Municipality], ids: list[int],
              wanted: list[Check]) -> dict[int, dict[str, Finding]]:
    result: dict[int, dict[str, Finding]] = {pk: {} for pk in ids}
    for check in wanted:
        findings = check.evaluate(municipalities)
        for pk, row in result.items():
            row[check.code] = findings.get(pk, Finding(Status.NOT_APPLICABLE))
    return result


_VERSION_KEY = "compliance:version"
# Writes to these apps can change a finding; the ledger and the audit trail cannot.
WATCHED_APPS = {"samarbeid", "avtaler", "politirad", "politikontakt", "slt", "evaluering", "guardian"}
IGNORED_MODELS = {"sentreminder", "auditevent", "userprofile"}


def _version() -> int:
    version = cache.get(_VERSION_KEY)
    if version is None:
        cache.add(_VERSION_KEY, 1, None)
        version = cache.get(_VERSION_KEY, 1)
    return int(version)


def invalidate(sender: Any = None, **kwargs: Any) -> None:
    meta = getattr(sender, "_meta", None)
    if meta is not None and (meta.app_label not in WATCHED_APPS or meta.model_name in IGNORED_MODELS):
        return
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value invalidates
        cache.set(_VERSION_KEY, int(timezone.now().timestamp()), None)
