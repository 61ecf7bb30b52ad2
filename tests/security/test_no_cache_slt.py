"""Logged-in SLT pages are never cached (issue 7 §2): measures name children's age groups,
schools and families' services, and the PDF is an export of the action plan."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from slt import services
from tests.slt.helpers import measure, slt_model

pytestmark = pytest.mark.django_db


def test_slt_list_detail_and_pdf_pages_are_not_cached(client: Any, world: Any,
                                                      reader: Any) -> None:
    model = slt_model(world.stavanger)
    plan = services.action_plan_create(slt_model=model, year=2026, actor=None)
    m = measure(model, action_plan=plan)
    number = world.stavanger.number
    urls = [
        reverse("slt:dashboard"),
        reverse("slt:overview", args=[number]),
        reverse("slt:level_detail", args=[number, "steering"]),
        reverse("slt:measure_list", args=[number]),
        reverse("slt:measure_detail", args=[m.pk]),
        reverse("slt:action_plan_list", args=[number]),
        reverse("slt:action_plan_detail", args=[plan.pk]),
        reverse("slt:action_plan_pdf", args=[plan.pk]),
    ]
    for user, extra in ((reader, []), (world.leader, [
            reverse("slt:model_edit", args=[number]),
            reverse("slt:measure_edit", args=[m.pk]),
            reverse("slt:measure_create", args=[number])])):
        client.force_login(user)
        for url in urls + extra:
            response = client.get(url)
            assert response.status_code == 200, (user, url)
            cache_control = {p.strip() for p in response["Cache-Control"].split(",")}
            assert {"no-store", "private"} <= cache_control, (url, cache_control)
