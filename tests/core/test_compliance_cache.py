"""Cached compliance findings: no queries when warm, fresh after any write."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samarbeid import compliance
from samarbeid.models import Municipality, Participation

pytestmark = pytest.mark.django_db


@pytest.fixture
def participation_check(settings: Any) -> Any:
    settings.COMPLIANCE_CACHE_SECONDS = 600
    compliance.invalidate()
    calls = {"n": 0}

    def evaluate(qs: Any) -> dict[int, compliance.Finding]:
        calls["n"] += 1
        return {pk: compliance.Finding(compliance.Status.DECLINED if p == "declined"
                                       else compliance.Status.OK)
                for pk, p in qs.values_list("pk", "participation")}

    check = compliance.register(compliance.Check(
        code="test_participation", label="Deltakelse", rule="test", section="§2.3",
        app="tests", evaluate=evaluate))
    yield calls
    compliance._registry.pop(check.code)
    compliance.invalidate()


def test_warm_cache_needs_no_query_and_a_write_refreshes(participation_check: Any) -> None:
    qs = Municipality.objects.filter(police_district__name="Oslo")
    first = compliance.evaluate(qs)
    calls = participation_check["n"]
    with CaptureQueriesContext(connection) as ctx:
        again = compliance.evaluate(qs)
    assert again == first
    assert participation_check["n"] == calls  # served from the cache
    assert len(ctx) == 1  # the ids of the municipalities asked for
    asker = Municipality.objects.get(name="Asker")
    asker.participation = Participation.DECLINED
    asker.save()
    fresh = compliance.evaluate(qs)
    assert fresh[asker.pk]["test_participation"].status == compliance.Status.DECLINED


def test_a_subset_reuses_rows_cached_by_a_larger_report(participation_check: Any) -> None:
    compliance.evaluate(Municipality.objects.filter(police_district__name="Oslo"))
    calls = participation_check["n"]
    compliance.evaluate(Municipality.objects.filter(name="Bærum"))
    assert participation_check["n"] == calls
