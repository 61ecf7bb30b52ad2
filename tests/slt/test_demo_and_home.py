"""The demo for Stavanger, and the home-page providers for measures."""

from __future__ import annotations

import pytest
from django.urls import reverse

from samarbeid import demo, sections
from slt.demo import build_demo
from slt.models import SltMeasure, SltModel


@pytest.fixture(autouse=True)
def _only_slt_builder(monkeypatch):
    # The core demo plus the SLT builder alone, so this tests what slt adds.
    monkeypatch.setattr(demo, "_builders", [(60, build_demo)])


def test_demo_builds_stavanger_slt_idempotently(db):
    built = demo.build()
    demo.build()
    model = SltModel.objects.get(municipality__name="Stavanger")
    assert model.coordinator == built.users["slt.stavanger"]
    assert model.levels.count() == 3
    assert all(level.members.exists() for level in model.levels.all())
    assert SltMeasure.objects.filter(slt_model=model).count() == 5
    assert set(model.measures.values_list("level__kind", flat=True)) == {
        "steering", "coordinating", "executing"}
    assert model.measures.overdue().count() == 1
    assert model.action_plans.count() == 1


def test_home_sections_for_coordinator(db, client):
    built = demo.build()
    coordinator = built.users["slt.stavanger"]
    tasks = sections.items_for(coordinator, "tasks", limit=50)
    mine = [i for i in tasks if i.title.startswith("SLT-tiltak")]
    assert len(mine) == 2  # open measures slt.stavanger is responsible for
    assert any(i.overdue for i in mine)
    mayor = built.users["kommunedirektor.stavanger"]
    assert not [i for i in sections.items_for(mayor, "reminders", limit=50)
                if "SLT" in i.title]
    outsider = built.users["ordforer.bergen"]
    assert not [i for i in sections.items_for(outsider, "tasks", limit=50) if "SLT" in i.title]
    overdue = SltMeasure.objects.overdue().get()
    assert f'{reverse("slt:measure_detail", args=[overdue.pk])}' in [i.url for i in mine]
