from __future__ import annotations

from typing import Any

from avtaler.selectors import agreement_terms

from .helpers import in_force_version


def test_terms_default_without_agreement(world: Any) -> None:
    terms = agreement_terms([world.stavanger.pk])[world.stavanger.pk]
    assert not terms.in_force
    assert terms.meetings_per_year == 2


def test_terms_from_version_in_force(world: Any, django_assert_num_queries: Any) -> None:
    version = in_force_version(world, meetings_per_year=4, agenda_lead_days=10,
                               evaluation_method="gll")
    with django_assert_num_queries(1):
        terms = agreement_terms([world.stavanger.pk, world.sandnes.pk])
    assert terms[world.stavanger.pk].agreement_version_id == version.pk
    assert terms[world.stavanger.pk].meetings_per_year == 4
    assert terms[world.stavanger.pk].agenda_lead_days == 10
    assert terms[world.stavanger.pk].evaluation_method == "gll"
    assert not terms[world.sandnes.pk].in_force
