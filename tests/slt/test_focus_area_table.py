"""One focus-area table (#15): SLT and council measures choose the guide's rows of
avtaler.FocusArea by code, «Other» keeps the measure's own words, and the rows show in the
reader's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import translation

from avtaler.models import FocusArea
from politirad import services as council_services
from politirad.models import CouncilMeasure
from tests.politirad import helpers as council_helpers

from .helpers import measure, slt_model


def test_the_guides_seventeen_rows_carry_the_codes_slt_used(db: Any) -> None:
    codes = list(FocusArea.objects.standard().values_list("code", flat=True))
    assert len(codes) == 17 and codes[0] == "societal_security" and codes[-1] == "plivo"
    assert FocusArea.objects.by_code("youth_crime").name == "Kriminalitet begått av barn og unge"


def test_slt_list_filters_by_code_and_by_other(world: Any, client: Any) -> None:
    model = slt_model(world.stavanger)
    measure(model, title="Natteravner")  # youth_crime
    measure(model, title="Trygg skolevei", focus_area=FocusArea.objects.by_code("traffic_safety"))
    measure(model, title="Lokalt tiltak", focus_area=None, focus_area_other="Fritidsklubb")
    client.force_login(world.police)
    url = reverse("slt:measure_list", args=[world.stavanger.number])
    html = client.get(url, {"focus_area": "traffic_safety"}).content.decode()
    assert "Trygg skolevei" in html and "Natteravner" not in html
    html = client.get(url, {"focus_area": "other"}).content.decode()
    assert "Fritidsklubb" in html and "Natteravner" not in html and "Trygg skolevei" not in html


def test_focus_area_shows_in_the_readers_language(world: Any) -> None:
    m = measure(slt_model(world.stavanger))
    with translation.override("en"):
        assert m.focus_area_display == "Crime committed by children and youth"
    with translation.override("nb"):
        assert m.focus_area_display == "Kriminalitet begått av barn og unge"


def test_council_measure_chooses_a_row_or_keeps_its_own_words(world: Any, client: Any) -> None:
    council = council_helpers.make_council(world)
    plan = council_services.plan_create(council=council, actor=world.police, kind="action",
                                        title="Plan", starts_on=dt.date(2027, 1, 1),
                                        ends_on=dt.date(2027, 12, 31))
    client.force_login(world.police)
    url = reverse("politirad:plan_detail", args=[plan.pk])
    base = {"coordination_step": "1", "responsible": "Politiet", "starts_on": "2027-01-01",
            "ends_on": "2027-06-30", "status": "active"}
    assert client.post(url, {**base, "title": "Vakthold", "focus_area": "public_safety"}
                       ).status_code == 302
    assert client.post(url, {**base, "title": "Eget", "focus_area": "other",
                             "focus_area_other": "Trygg havn"}).status_code == 302
    refused = client.post(url, {**base, "title": "Uten", "focus_area": "other"})
    assert refused.status_code == 200 and not CouncilMeasure.objects.filter(title="Uten").exists()
    by_title = {m.title: m for m in CouncilMeasure.objects.filter(plan=plan)}
    assert by_title["Vakthold"].focus_area == FocusArea.objects.by_code("public_safety")
    assert by_title["Eget"].focus_area is None and by_title["Eget"].focus_area_other == "Trygg havn"
    html = client.get(url).content.decode()
    assert "Trygghet i det offentlige rom / trygt uteliv" in html and "Trygg havn" in html


def test_data_migrations_map_council_words_and_statuses(world: Any) -> None:
    """politirad 0006/0007 run on the current models: the words that name a guide row (Norwegian,
    English or code, case and spaces aside) become the row; other words stay as «Other»."""
    import importlib

    from django.apps import apps

    statuses = importlib.import_module("politirad.migrations.0006_measure_status_shared")
    areas = importlib.import_module("politirad.migrations.0007_measure_focus_area_table")
    council = council_helpers.make_council(world)
    plan = council_services.plan_create(council=council, actor=world.police, kind="action",
                                        title="Plan", starts_on=dt.date(2027, 1, 1),
                                        ends_on=dt.date(2027, 12, 31))
    words = {"a": "  traffic SAFETY ", "b": "Hatkriminalitet", "c": "plivo", "d": "Trygt uteliv"}
    for title, text in words.items():
        CouncilMeasure.objects.create(plan=plan, title=title, focus_area_other=text,
                                      coordination_step=1, responsible="x",
                                      starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 2, 1))
    CouncilMeasure.objects.filter(title="a").update(status="ongoing")
    CouncilMeasure.objects.filter(title="b").update(status="done")
    statuses.forwards(apps, None)
    areas.forwards(apps, None)
    got = {m.title: (m.focus_area.code if m.focus_area else None, m.focus_area_other, m.status)
           for m in CouncilMeasure.objects.select_related("focus_area")}
    assert got == {"a": ("traffic_safety", "", "active"), "b": ("hate_crime", "", "completed"),
                   "c": ("plivo", "", "planned"), "d": (None, "Trygt uteliv", "planned")}


def test_editing_an_other_measure_keeps_other_chosen(world: Any, client: Any) -> None:
    m = measure(slt_model(world.stavanger), focus_area=None, focus_area_other="Fritidsklubb")
    client.force_login(world.leader)
    html = client.get(reverse("slt:measure_edit", args=[m.pk])).content.decode()
    assert '<option value="other" selected>' in html
    assert '<option value="youth_crime" selected>' not in html
