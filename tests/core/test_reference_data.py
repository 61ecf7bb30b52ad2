from __future__ import annotations

import pytest
from django.core.management import call_command

from samarbeid import reference_data
from samarbeid.models import County, Municipality, PoliceDistrict

pytestmark = pytest.mark.django_db


def test_the_real_municipalities_counties_and_districts_are_loaded() -> None:
    assert Municipality.objects.count() == 357
    assert County.objects.count() == 15
    assert PoliceDistrict.objects.count() == 12


@pytest.mark.parametrize(("name", "district"), [
    ("Bærum", "Oslo"), ("Asker", "Oslo"), ("Oslo", "Oslo"), ("Sirdal", "Sør-Vest"),
    ("Stord", "Sør-Vest"), ("Bergen", "Vest"), ("Tromsø", "Troms"),
])
def test_known_police_district_memberships(name: str, district: str) -> None:
    assert Municipality.objects.get(name=name).police_district.name == district


def test_population_is_loaded_where_known() -> None:
    oslo = Municipality.objects.get(number="0301")
    assert oslo.population == 717710
    assert oslo.county.name == "Oslo"
    utsira = Municipality.objects.get(name="Utsira")
    assert utsira.population is not None and utsira.population < 300


def test_loading_twice_changes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    before = list(Municipality.objects.order_by("number").values_list(
        "number", "name", "county_id", "police_district_id", "population"))
    assert reference_data.load() == {"counties": 0, "police_districts": 0, "municipalities": 0}
    call_command("load_reference_data")
    assert "municipalities created/changed 0" in capsys.readouterr().out
    after = list(Municipality.objects.order_by("number").values_list(
        "number", "name", "county_id", "police_district_id", "population"))
    assert before == after


def test_loading_repairs_a_changed_row_but_keeps_participation() -> None:
    m = Municipality.objects.get(name="Sirdal")
    Municipality.objects.filter(pk=m.pk).update(population=1, participation="declined")
    assert reference_data.load()["municipalities"] == 1
    m.refresh_from_db()
    assert m.population is not None and m.population > 1
    assert m.participation == "declined"
