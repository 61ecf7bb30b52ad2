"""Hostile text in evaluations (issue 7 §2): answers, summaries, member answers, follow-up
titles and forum names show as text in HTML, literally in the evaluation PDF, and cannot
start a formula in the CSV and XLSX exports (OWASP CSV injection)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from evaluering import services
from evaluering.models import Evaluation, Mode
from rapporter.exporters.base import spreadsheet_safe
from samarbeid.models import EvaluationMethod, Municipality

from .conftest import HOSTILE, PAYLOADS, assert_escaped

pytestmark = pytest.mark.django_db

FORMULAS = ('=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3",
            " =1+1")


def _hostile_evaluation(world: Any, mode: str = Mode.JOINT) -> Evaluation:
    evaluation = services.evaluation_create(
        municipality=world.stavanger, actor=world.leader, period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31), method=EvaluationMethod.GLL, mode=mode,
        subject_kind="police_council", subject_name=HOSTILE)
    answers = {"done": HOSTILE, "learned": HOSTILE, "smart": HOSTILE}
    if mode == Mode.INDIVIDUAL:
        services.response_submit(evaluation=evaluation, respondent=world.police, answers=answers)
        services.evaluation_save_answers(evaluation=evaluation, actor=world.leader, answers={},
                                         summary=HOSTILE)
    else:
        services.evaluation_save_answers(evaluation=evaluation, actor=world.leader,
                                         answers=answers, summary=HOSTILE)
    services.follow_up_create(evaluation=evaluation, actor=world.leader, title=HOSTILE,
                              responsible=HOSTILE)
    return evaluation


@pytest.mark.parametrize("mode", [Mode.JOINT, Mode.INDIVIDUAL])
def test_hostile_text_is_escaped_on_every_evaluation_page(world: Any, client: Any,
                                                          mode: str) -> None:
    evaluation = _hostile_evaluation(world, mode)
    client.force_login(world.leader)
    in_progress = [
        reverse("evaluering:evaluation_detail", args=[evaluation.pk]),
        reverse("evaluering:evaluation_answer", args=[evaluation.pk]),
        reverse("evaluering:index"),
        reverse("evaluering:municipality_history", args=[world.stavanger.number]),
    ]
    completed = [
        reverse("evaluering:evaluation_detail", args=[evaluation.pk]),
        reverse("evaluering:municipality_history", args=[world.stavanger.number]),
        reverse("municipality_detail", args=[world.stavanger.number]),  # the panel
    ]
    for url in in_progress:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content.decode())
    if mode == Mode.INDIVIDUAL:  # the member's own form shows their answers back
        client.force_login(world.police)
        page = client.get(reverse("evaluering:response_submit", args=[evaluation.pk]))
        assert page.status_code == 200
        assert_escaped(page.content.decode())
    services.evaluation_complete(evaluation=evaluation, actor=world.leader)
    client.force_login(world.police)
    for url in completed:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content.decode())


def test_a_refused_form_shows_the_hostile_input_back_escaped(world: Any, client: Any) -> None:
    evaluation = _hostile_evaluation(world)
    client.force_login(world.leader)
    # A deadline that is not a date: the form comes back with the title kept.
    response = client.post(reverse("evaluering:follow_up_create", args=[evaluation.pk]),
                           {"title": HOSTILE, "responsible": HOSTILE, "deadline": "x"})
    assert response.status_code == 400
    assert_escaped(response.content.decode())


def test_hostile_text_is_literal_in_the_pdf(world: Any, client: Any) -> None:
    evaluation = _hostile_evaluation(world)
    client.force_login(world.police)
    response = client.get(reverse("evaluering:evaluation_pdf", args=[evaluation.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    flat = re.sub(r"\s+", "", text)
    for raw in PAYLOADS:
        # At least the subject, summary, three answers and the follow-up title.
        assert flat.count(re.sub(r"\s+", "", raw)) >= 6, raw
    assert "&lt;" not in text and "&quot;" not in text


@pytest.mark.parametrize("value", FORMULAS)
def test_spreadsheet_safe_neutralises_formulas_and_keeps_numbers(value: str) -> None:
    assert spreadsheet_safe(value) == "'" + value
    assert spreadsheet_safe(12) == 12
    assert spreadsheet_safe("Stavanger") == "Stavanger"
    assert spreadsheet_safe("1103") == "1103"


@pytest.fixture
def formula_names(world: Any) -> list[str]:
    """Reference data is trusted, but a name that starts a formula must still not run."""
    names = list(FORMULAS[:3])
    for municipality, name in zip((world.stavanger, world.sandnes), names, strict=False):
        Municipality.objects.filter(pk=municipality.pk).update(name=name)
    Municipality.objects.filter(name="Sola").update(name=names[2])
    return names


def test_csv_export_neutralises_formula_payloads(world: Any, client: Any,
                                                 formula_names: list[str]) -> None:
    client.force_login(world.chief)
    response = client.get(reverse("rapporter:report_export", args=["municipalities", "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    for name in formula_names:
        assert "'" + name in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]


def test_xlsx_export_has_no_formula_cells(world: Any, client: Any,
                                          formula_names: list[str]) -> None:
    client.force_login(world.chief)
    response = client.get(reverse("rapporter:report_export", args=["municipalities", "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = [c.value for c in cells]
    for name in formula_names:
        assert "'" + name in values
    assert not [v for v in values if isinstance(v, str) and v[:1] in ("=", "+", "-", "@")]
    # Numbers stay numbers so the sheet still sums.
    assert any(isinstance(v, int) and v > 0 for v in values)


def test_a_hostile_search_on_the_report_list_is_shown_back_escaped(world: Any,
                                                                   client: Any) -> None:
    client.force_login(world.chief)
    response = client.get(reverse("rapporter:report_list"), {"q": HOSTILE[:100]})
    assert response.status_code == 200
    assert_escaped(response.content.decode())
