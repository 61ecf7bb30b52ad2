"""Cached compliance findings: no queries when warm, fresh after any write."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.functional import lazystr

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
        code="test_participation", label=lazystr("Deltakelse"), rule=lazystr("test"), section="§2.3",
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


def test_a_write_refreshes_only_the_municipality_it_belongs_to(participation_check: Any) -> None:
    qs = Municipality.objects.filter(police_district__name="Oslo")
    compliance.evaluate(qs)
    asker = Municipality.objects.get(name="Asker")
    asker.participation = Participation.DECLINED
    asker.save()
    seen: list[int] = []
    original = compliance._evaluate

    def spy(municipalities: Any, ids: list[int], wanted: Any) -> Any:
        seen.extend(ids)
        return original(municipalities, ids, wanted)

    compliance._evaluate = spy  # type: ignore[assignment]
    try:
        fresh = compliance.evaluate(qs)
    finally:
        compliance._evaluate = original  # type: ignore[assignment]
    assert fresh[asker.pk]["test_participation"].status == compliance.Status.DECLINED
    assert seen == [asker.pk]  # the other municipalities came from the cache


def test_scope_of_rows() -> None:
    from samarbeid.models import Membership, PoliceDistrict

    asker = Municipality.objects.get(name="Asker")
    assert compliance.municipalities_of(asker) == {asker.pk}
    assert compliance.municipalities_of(PoliceDistrict.objects.first()) is None  # every one
    assert compliance.municipalities_of(Membership(municipality=asker)) is None  # a person's roles


def test_a_regional_council_write_refreshes_all_its_municipalities() -> None:
    from politirad.models import CouncilMunicipality, Meeting, PoliceCouncil

    asker, baerum = Municipality.objects.filter(name__in=["Asker", "Bærum"]).order_by("name")
    council = PoliceCouncil.objects.create(name="Regionalt råd", kind="regional",
                                           municipality=asker)
    CouncilMunicipality.objects.get_or_create(council=council, municipality=asker)
    CouncilMunicipality.objects.get_or_create(council=council, municipality=baerum)
    meeting = Meeting(council=council, title="Møte")
    assert compliance.municipalities_of(meeting) == {asker.pk, baerum.pk}
