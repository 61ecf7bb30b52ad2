"""Issue #14: one date format per language, and English never puts the month first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.template import Context, Template
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]


def _render(language: str) -> str:
    with translation.override(language):
        return Template('{{ d|date:"SHORT_DATE_FORMAT" }}|{{ d|date:"DATE_FORMAT" }}').render(
            Context({"d": dt.date(2025, 10, 3)}))


def test_short_and_long_dates_per_language() -> None:
    assert _render("nb") == "03.10.2025|3. oktober 2025"
    assert _render("nn") == "03.10.2025|3. oktober 2025"
    assert _render("en") == "3 Oct 2025|3 October 2025"


def test_templates_use_the_named_formats_only() -> None:
    import re

    pattern = re.compile(r'date:"([^"]*)"')
    allowed = {"SHORT_DATE_FORMAT", "DATE_FORMAT", "SHORT_DATETIME_FORMAT", "DATETIME_FORMAT",
               "H:i", "Y", "r", "c"}
    found = {(str(p.relative_to(ROOT)), f) for p in ROOT.glob("**/templates/**/*")
             if ".venv" not in p.parts and p.is_file()
             for f in pattern.findall(p.read_text(errors="ignore")) if f not in allowed}
    assert found == set()


def test_english_reads_a_typed_date_day_first() -> None:
    from django import forms

    class Form(forms.Form):
        day = forms.DateField()

    with translation.override("en"):
        form = Form({"day": "03/10/2025"})
        assert form.is_valid() and form.cleaned_data["day"] == dt.date(2025, 10, 3)
