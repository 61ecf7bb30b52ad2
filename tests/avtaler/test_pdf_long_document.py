"""The 10-page agreement of issue 3's benchmark (its render time lives in `make bench`)."""

from __future__ import annotations

import io
from typing import Any

from avtaler import services
from avtaler.models import FocusArea

from .helpers import draft

PARAGRAPH = ("Kommunen og politiet deler kunnskap om kriminalitetsutviklingen, samordner "
             "forebyggende tiltak og følger opp barn og unge i risiko. ")


def ten_page_version(world: Any) -> Any:
    version = draft(world, strategies="\n\n".join(PARAGRAPH * 4 for _ in range(23)),
                    extended_council_participants="Næringsforeningen, Frivilligsentralen, "
                                                  "St. Svithun videregående skole")
    return services.version_update(
        version=version, actor=world.police, data={},
        focus_areas=FocusArea.objects.filter(is_standard=True),
        measures=[services.MeasureData(f"Tiltak {i}: trygg skolevei og uteliv", i % 4 + 1,
                                       description=PARAGRAPH * 2, responsible="Politikontakten")
                  for i in range(45)],
    )


def test_ten_page_agreement_renders_with_every_section(world: Any) -> None:
    """Issue #3's benchmark document: a 10-page agreement renders with all its measures and
    page numbers. Its render time is measured by `make bench`, not here."""
    from pypdf import PdfReader

    version = services.version_render_pdf(version_id=ten_page_version(world).pk)
    reader = PdfReader(io.BytesIO(version.pdf.read()))
    text = "".join(p.extract_text() for p in reader.pages)
    assert 9 <= len(reader.pages) <= 12
    assert "Tiltak 44" in text and f"Side {len(reader.pages)} av {len(reader.pages)}" in text


def test_each_measure_in_the_pdf_names_its_step_and_who_is_responsible(world: Any) -> None:
    """The PDF lists the measures as numbered paragraphs (not the web page's table): each
    with its description, its step on the coordination staircase and who is responsible."""
    import re

    from pypdf import PdfReader

    from samarbeid.models import CoordinationStep

    version = services.version_render_pdf(version_id=ten_page_version(world).pk)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(version.pdf.read())).pages)
    flat = re.sub(r"\s+", " ", text)
    step = str(CoordinationStep(44 % 4 + 1).label)
    assert re.search(r"Tiltak 44: trygg skolevei og uteliv .*?Trinn i samordningstrappen: "
                     + re.escape(step) + r" · Ansvarlig: Politikontakten", flat)
    assert flat.count("Ansvarlig: Politikontakten") == 45
