"""The guide's common challenges (Veileder §2) as standard focus areas: `load_reference_data`
puts them back from avtaler/focus_areas.py (no migration module is imported for it)."""

from __future__ import annotations

import pytest

from avtaler import focus_areas
from avtaler.models import FocusArea
from samarbeid import reference_data

pytestmark = pytest.mark.django_db


def test_loading_reference_data_restores_the_standard_focus_areas_in_the_guides_order() -> None:
    FocusArea.objects.filter(is_standard=True).delete()
    FocusArea.objects.create(name="Egen satsing", is_standard=False, order=99)
    reference_data.load_all()
    reference_data.load_all()  # twice: no duplicates
    standard = list(FocusArea.objects.filter(is_standard=True).order_by("order")
                    .values_list("name", "code"))
    assert standard == focus_areas.FOCUS_AREAS  # with the codes SLT and council measures use
    assert FocusArea.objects.filter(name="Egen satsing", is_standard=False).exists()
