"""PDF/A-2b for the records (issue 13): the minutes (members' and public), the sealed
agreement and the evaluation PDFs claim PDF/A-2 level B in their XMP metadata, carry an sRGB
output intent and embed every font — what Arkade 5 (through veraPDF) needs first."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pikepdf
import pytest
from django.urls import reverse

from evaluering import services as evaluation_services
from evaluering.models import Mode, SubjectKind
from samarbeid.models import EvaluationMethod
from tests.avtaler.helpers import in_force_version
from tests.avtaler.sealing import sealed_pdf
from tests.politirad import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _fonts(resources: Any, seen: set[tuple[int, int]]) -> list[Any]:
    """Every font dictionary reachable from a resource dictionary (pages, form XObjects,
    Type 3 glyph resources)."""
    found: list[Any] = []
    if resources is None:
        return found
    for font in (resources.get("/Font") or {}).values():
        key = font.objgen
        if key in seen:
            continue
        seen.add(key)
        found.append(font)
        found += _fonts(font.get("/Resources"), seen)
    for xobject in (resources.get("/XObject") or {}).values():
        key = xobject.objgen
        if key in seen or xobject.get("/Subtype") != "/Form":
            continue
        seen.add(key)
        found += _fonts(xobject.get("/Resources"), seen)
    return found


def _is_embedded(font: Any) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # glyphs are content streams in the file itself
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0]
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(
        k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def assert_pdfa_2b(content: bytes) -> None:
    with pikepdf.open(io.BytesIO(content)) as pdf:
        assert not pdf.is_encrypted
        with pdf.open_metadata() as meta:
            assert meta.get("pdfaid:part") == "2"
            assert meta.get("pdfaid:conformance") == "B"
            # PDF/A: the document information and the XMP metadata agree.
            if "/Producer" in pdf.docinfo:
                assert str(pdf.docinfo["/Producer"]) == meta.get("pdf:Producer")
        intents = pdf.Root.get("/OutputIntents")
        assert intents is not None and len(intents) >= 1
        intent = intents[0]
        assert intent["/S"] == "/GTS_PDFA1"
        assert intent["/DestOutputProfile"].get("/N") == 3  # an RGB ICC profile
        seen: set[tuple[int, int]] = set()
        fonts = []
        for page in pdf.pages:
            fonts += _fonts(page.get("/Resources"), seen)
            for annot in page.get("/Annots") or []:
                streams = annot.get("/AP")
                appearance = streams.get("/N") if streams else None
                if appearance is not None and hasattr(appearance, "get"):
                    fonts += _fonts(appearance.get("/Resources"), seen)
        assert fonts, "the document has text"
        missing = [str(f.get("/BaseFont")) for f in fonts if not _is_embedded(f)]
        assert missing == [], f"fonts not embedded: {missing}"


def test_members_and_public_minutes_are_pdfa(client: Any, world: Any) -> None:
    meeting = helpers.make_minutes(world, state="published")
    client.force_login(world.leader)
    for name in ("politirad:minutes_pdf", "politirad:minutes_public_pdf"):
        response = client.get(reverse(name, args=[meeting.pk]))
        assert response.status_code == 200
        assert_pdfa_2b(response.content)
    client.logout()
    response = client.get(reverse("politirad:public_minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    assert_pdfa_2b(response.content)


def test_the_sealed_agreement_stays_pdfa(world: Any) -> None:
    content = sealed_pdf(in_force_version(world))
    assert b"/ETSI.CAdES.detached" in content
    assert_pdfa_2b(content)
    with pikepdf.open(io.BytesIO(content)) as pdf:
        # The seal's widget is invisible (zero area) and printable, as PDF/A wants.
        widget = pdf.Root.AcroForm.Fields[0]
        assert [float(v) for v in widget.Rect] == [0, 0, 0, 0]
        assert int(widget.F) & 4


def test_the_evaluation_pdf_is_pdfa(client: Any, world: Any) -> None:
    evaluation = evaluation_services.evaluation_create(
        municipality=world.stavanger, actor=world.leader, period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31), method=EvaluationMethod.GLL, mode=Mode.JOINT,
        subject_kind=SubjectKind.POLICE_COUNCIL, subject_name="Politirådet i Stavanger")
    client.force_login(world.leader)
    response = client.get(reverse("evaluering:evaluation_pdf", args=[evaluation.pk]))
    assert response.status_code == 200
    assert_pdfa_2b(response.content)
