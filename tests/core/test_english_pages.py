"""Issue #14, English complete: with English chosen, the demo's pages show the guide's focus
areas, titles of office and dates in English, not the Norwegian stored text."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from avtaler.models import STANDARD_FOCUS_AREA_LABELS, Agreement
from samarbeid import demo

pytestmark = pytest.mark.django_db


def _english(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _text(response: Any) -> str:
    assert response.status_code == 200
    return re.sub(r"<[^>]+>", " ", response.content.decode())


def test_agreement_pages_in_english() -> None:
    built = demo.build()
    mayor = built.users["ordforer.stavanger"]
    agreement = Agreement.objects.get(municipality__name="Stavanger", status="in_force")
    page = _text(_english(mayor).get(reverse("avtaler:detail", args=[agreement.pk])))
    assert agreement.in_force_version is not None
    chosen = list(agreement.in_force_version.focus_areas.values_list("name", flat=True))
    assert chosen, "the demo agreement has focus areas"
    for name in chosen:
        assert str(STANDARD_FOCUS_AREA_LABELS[name]) in page
        assert name not in page
    assert "Ordfører" not in page and "Politimester" not in page
    assert not re.search(r"\b\d{2}/\d{2}/\d{4}\b", page)  # never the US month first
    assert "in force version" not in page.lower()


def test_the_draft_form_offers_the_focus_areas_in_english() -> None:
    built = demo.build()
    draft = Agreement.objects.get(municipality__name="Sandnes")
    version = draft.latest_version
    assert version is not None
    page = _text(_english(built.users["ordforer.sandnes"]).get(
        reverse("avtaler:edit", args=[draft.pk, version.number])))
    assert "Safe schools" in page and "Trygge skoler" not in page


def test_titles_of_office_in_english_on_the_people_pages() -> None:
    built = demo.build()
    admin = built.users["admin.sorvest"]
    page = _text(_english(admin).get(reverse("people_municipality", args=["1103"])))
    assert "Mayor" in page and "Ordfører" not in page
