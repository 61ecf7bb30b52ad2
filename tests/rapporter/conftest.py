"""Fixtures for the evaluering tests: a compliance registry we control.

Other apps register their checks at import; the report tests swap the registry for known
test checks (plus our own "evaluation done" check) and restore it afterwards, so exact
figures and query counts do not depend on which other apps have landed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils.functional import lazystr

from samarbeid import compliance
from samarbeid.compliance import Check, Finding, Status
from samarbeid.models import Municipality, Participation


def _agreement(municipalities: Any) -> dict[int, Finding]:
    """One query: taking part = OK, declined = DECLINED, otherwise FAIL."""
    out = {}
    for pk, participation in municipalities.values_list("pk", "participation"):
        if participation == Participation.TAKING_PART:
            out[pk] = Finding(Status.OK, "i kraft", "/avtaler/")
        elif participation == Participation.DECLINED:
            out[pk] = Finding(Status.DECLINED, "avslått")
        else:
            out[pk] = Finding(Status.FAIL, "ingen avtale")
    return out


def _contact(municipalities: Any) -> dict[int, Finding]:
    """One query: even municipality numbers have a contact (OK), odd ones WARN."""
    return {pk: Finding(Status.OK if int(number) % 2 == 0 else Status.WARN)
            for pk, number in municipalities.values_list("pk", "number")}


TEST_CHECKS = [
    Check("test_agreement", lazystr("Avtale i kraft (test)"), lazystr("§3 test"), "§3", "tests",
          _agreement, 10),
    Check("test_contact", lazystr("Politikontakt (test)"), lazystr("§5 test"), "§5", "tests",
          _contact, 20),
]


@pytest.fixture
def fake_checks() -> Iterator[list[Check]]:
    saved = dict(compliance._registry)
    ours = saved["evaluation_done"]
    compliance._registry.clear()
    for check in TEST_CHECKS:
        compliance.register(check)
    compliance.register(ours)
    try:
        yield compliance.checks()
    finally:
        compliance._registry.clear()
        compliance._registry.update(saved)


def set_participation(names: list[str], value: str) -> None:
    Municipality.objects.filter(name__in=names).update(participation=value)
