"""Issue #14: the level dropdown follows the guide (styrende, koordinerende, utførende)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.forms import ModelChoiceField

from slt.forms import MeasureForm
from slt.models import LEVEL_ORDER

from . import helpers

pytestmark = pytest.mark.django_db


def test_level_choices_in_the_guides_order(world: Any) -> None:
    model = helpers.slt_model(world.stavanger)
    form = MeasureForm(slt_model=model, people=get_user_model().objects.none(),
                      tasks=get_user_model().objects.none())
    field = form.fields["level"]
    assert isinstance(field, ModelChoiceField) and field.queryset is not None
    kinds = [lv.kind for lv in field.queryset]
    assert kinds == [k.value for k in LEVEL_ORDER]
