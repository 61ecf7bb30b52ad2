"""Issue #15 for the national demo (issue #14): the core makes the people, and each feature
app adds its part of the country through `demo_national.register`, in an order that also
fixes the seeded random sequence (so the picture stays the same from run to run)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model

from samarbeid import demo_national
from samarbeid.models import Membership, Role


@pytest.fixture
def registry() -> Iterator[dict[str, tuple[int, demo_national.Builder]]]:
    saved = dict(demo_national._parts)
    yield demo_national._parts
    demo_national._parts.clear()
    demo_national._parts.update(saved)


def test_every_feature_app_registers_its_part_in_the_order_of_the_picture() -> None:
    # Contacts' assignments first (they draw from the generator before the agreements), and
    # councils before SLT and the evaluations, which build on them.
    assert demo_national.parts() == ["politikontakt", "avtaler", "politirad", "slt", "evaluering"]


def test_an_order_that_is_taken_is_refused_and_registering_again_replaces(registry: dict) -> None:
    with pytest.raises(ValueError, match="avtaler"):
        demo_national.register("other", lambda country: None, order=20)
    demo_national.register("avtaler", lambda country: None, order=25)
    assert demo_national.parts() == ["politikontakt", "avtaler", "politirad", "slt", "evaluering"]
    assert registry["avtaler"][0] == 25


@pytest.mark.django_db
def test_with_no_parts_the_core_makes_only_the_people(registry: dict) -> None:
    registry.clear()
    seen: list[demo_national.Country] = []
    demo_national.register("probe", seen.append, order=1)
    made = demo_national.build()
    [country] = seen
    assert made == {"municipalities": len(country.municipalities),
                    "police_contacts": len(set(country.contact_of.values()))}
    mayor = country.mayor(country.municipalities[0])
    assert Membership.objects.filter(user=mayor, role=Role.MUNICIPAL_LEADER,
                                     municipality=country.municipalities[0]).exists()
    contacts = Membership.objects.filter(role=Role.POLICE_CONTACT,
                                         user__username__startswith=demo_national.PREFIX)
    assert contacts.count() == len(country.contact_of)
    assert get_user_model().objects.filter(username__startswith=demo_national.PREFIX).count() \
        == len(country.districts) + len(country.municipalities) + made["police_contacts"]
