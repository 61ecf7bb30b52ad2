"""Issue #14: the action-plan PDF fits A4 — no text runs past the page's right edge
(a column ended at 595.8 pt on a 595.3 pt page)."""

from __future__ import annotations

import re
import shutil
import subprocess
from io import BytesIO
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from slt.models import LevelKind

from .helpers import measure, slt_model

pytestmark = pytest.mark.django_db

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')


def _words_past_the_edge(pdf: bytes) -> tuple[list[str], int]:
    """Words (with their right edge) that end beyond their page's width, from pdftotext's
    bounding boxes; and how many words were read at all."""
    width = float(PdfReader(BytesIO(pdf)).pages[0].mediabox.width)
    out = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True,
                         check=True).stdout.decode()
    words = [(float(x1), text) for _x0, x1, text in WORD.findall(out)]
    return [f"{text!r} ends at {x1} pt > {width} pt" for x1, text in words if x1 > width], \
        len(words)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_action_plan_pdf_text_stays_inside_a4(world: Any, client: Any) -> None:
    model = slt_model(world.stavanger)
    client.force_login(world.leader)
    client.post(reverse("slt:action_plan_list", args=[world.stavanger.number]),
                {"year": 2026, "title": "SLT-plan 2026", "goals": "Tryggere oppvekst"})
    plan = model.action_plans.get()
    # Long Norwegian compounds, a long name and an unbroken URL-like string: the worst case.
    for kind in (LevelKind.STEERING, LevelKind.COORDINATING, LevelKind.EXECUTING):
        measure(model, kind=kind, action_plan=plan, age_from=12, age_to=18,
                title="Kriminalitetsforebyggingssamarbeidskoordineringsprosjektet for ungdom",
                responsible_name="Ola Nordmann-Kristiansen Haugesundsdistriktskontaktperson",
                description="https://www.stavanger.kommune.no/slt/tiltak/natteravner/2026")
    response = client.get(reverse("slt:action_plan_pdf", args=[plan.pk]))
    assert response["Content-Type"] == "application/pdf"
    outside, read = _words_past_the_edge(response.content)
    assert read > 30  # the bounding boxes were read: the test can see a column
    assert outside == []
