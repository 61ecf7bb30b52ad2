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

from django.db.models import QuerySet
from django.utils.functional import Promise
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


def checks() -> list[Check]:
    return sorted(_registry.values(), key=lambda c: (c.order, c.code))


def get(code: str) -> Check:
    return _registry[code]


def evaluate(municipalities: QuerySet[Municipality],
             codes: Iterable[str] | None = None) -> dict[int, dict[str, Finding]]:
    """{municipality id: {check code: Finding}} for every registered check (or `codes`)."""
    wanted = [c for c in checks() if codes is None or c.code in set(codes)]
    result: dict[int, dict[str, Finding]] = {pk: {} for pk in municipalities.values_list("pk", flat=True)}
    for check in wanted:
        findings = check.evaluate(municipalities)
        for pk, row in result.items():
            row[check.code] = findings.get(pk, Finding(Status.NOT_APPLICABLE))
    return result
