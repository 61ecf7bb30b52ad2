"""Records that hold up (issue 13), in real Chromium: the mayor checks the sealed agreement
on the verify page — the genuine file matches, a copy with one byte changed is refused and the
page says why — and anyone opens the council's public minutes without logging in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from avtaler.models import AgreementVersion
from politirad.models import Meeting, MinutesStatus
from tests.avtaler.sealing import flip_byte, sealed_pdf

from .conftest import assert_accessible, login


@pytest.fixture(autouse=True)
def _patient_expect() -> Any:
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


def _verify(page: Any, base: str, path: Path) -> Any:
    page.goto(f"{base}/avtaler/verifiser/")
    page.get_by_label("Eller last opp PDF-en").set_input_files(str(path))
    page.get_by_role("button", name="Kontroller", exact=True).click()
    page.wait_for_load_state()
    return page.locator("#verify-result")


def test_a_tampered_sealed_agreement_is_refused_in_the_browser(page: Any, portal: Any,
                                                                tmp_path: Path) -> None:
    version = AgreementVersion.objects.filter(
        agreement__municipality__name="Stavanger", status="in_force").get()
    genuine = sealed_pdf(version)
    (tmp_path / "avtale.pdf").write_bytes(genuine)
    (tmp_path / "endret.pdf").write_bytes(flip_byte(genuine))

    login(page, portal.url, "ordforer.stavanger")
    result = _verify(page, portal.url, tmp_path / "avtale.pdf")
    expect(result).to_contain_text("Det stemmer med versjon 1")
    assert_accessible(page)

    result = _verify(page, portal.url, tmp_path / "endret.pdf")
    expect(result).to_contain_text("Filen er endret etter forseglingen")
    expect(result).not_to_contain_text("Det stemmer")
    assert result.get_attribute("role") == "alert"
    assert_accessible(page)


def test_the_public_minutes_work_logged_out_and_are_accessible(page: Any, portal: Any) -> None:
    meeting = Meeting.objects.filter(minutes__status=MinutesStatus.PUBLISHED).first()
    assert meeting is not None
    page.goto(f"{portal.url}/politirad/offentlig/rad/{meeting.council_id}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referater fra")
    assert "/konto/logg-inn/" not in page.url
    assert_accessible(page)
    page.get_by_role("link", name=meeting.display_title, exact=False).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("offentlig versjon")
    assert_accessible(page)
