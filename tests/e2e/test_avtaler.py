"""The agreement's whole life in real Chromium (Veileder §3): the police contact drafts it, the
mayor and the chief of police sign it, the PDF carries both signatures and the fingerprint,
the signed text cannot be edited, and a revision draft shows what changed."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from avtaler.models import Agreement, AgreementVersion
from samarbeid.models import Municipality

from .conftest import assert_accessible, login


@pytest.fixture(autouse=True)
def _patient_expect() -> Any:
    # Other suites share this machine's CPUs; a page after a POST may take more than 5 s.
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


def _logout(page: Any) -> None:
    page.context.clear_cookies()


def _open_agreement(page: Any, base: str, agreement: Agreement) -> None:
    page.goto(f"{base}/avtaler/{agreement.pk}/")
    assert_accessible(page)


def _sign(page: Any, base: str, username: str, agreement: Agreement) -> None:
    login(page, base, username)
    _open_agreement(page, base, agreement)
    page.get_by_role("link", name="Signer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Signer versjon 1")
    assert_accessible(page)
    page.get_by_label("Jeg har lest avtalen og signerer den på vegne av min part.").check()
    page.get_by_role("button", name="Signer", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Signert.")
    _logout(page)


def test_draft_sign_pdf_refuse_edit_and_revise(page: Any, portal: Any) -> None:
    base = portal.url
    sandnes = Municipality.objects.get(name="Sandnes")

    # The police contact drafts the agreement for Sandnes from the municipality page.
    login(page, base, "politikontakt.sorvest")
    page.goto(f"{base}/kommuner/{sandnes.number}/")
    panel = page.locator("section", has=page.get_by_role("heading", name="Samarbeidsavtale"))
    panel.get_by_role("link", name="Sandnes kommune").click()
    assert_accessible(page)
    page.get_by_role("link", name="Rediger utkast").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rediger versjon 1")
    assert_accessible(page)
    page.get_by_label("Strategier og mål").fill("Færre unge i kriminalitet i Sandnes innen 2030.")
    page.get_by_label("Trafikksikkerhet").check()
    page.get_by_label("Tiltak", exact=True).first.fill("Felles innsats på skolene")
    page.get_by_label("Trinn i samordningstrappen").first.select_option("4")
    page.get_by_label("Politirådsmøter per år").fill("4")
    page.get_by_label("Eller revider hver (måneder)").fill("24")
    page.get_by_role("button", name="Lagre utkast").click()
    expect(page.get_by_role("status").first).to_contain_text("Utkastet er lagret.")
    expect(page.get_by_text("Felles innsats på skolene")).to_be_visible()
    page.get_by_role("link", name="Send til signering").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send til signering").click()
    expect(page.get_by_role("status").first).to_contain_text("sendt til signering")
    _logout(page)

    agreement = Agreement.objects.get(municipality=sandnes, kind="municipality")
    # The mayor signs for the municipality, the chief of police for the police.
    _sign(page, base, "ordforer.sandnes", agreement)
    _sign(page, base, "politimester.sorvest", agreement)
    version = AgreementVersion.objects.get(agreement=agreement, number=1)
    assert version.status == "in_force"

    # The PDF downloads and carries both signatories and the fingerprint.
    login(page, base, "politikontakt.sorvest")
    _open_agreement(page, base, agreement)
    # The signature table (the page's history below names the signatories too).
    expect(page.locator(".signatures").get_by_text("Ingrid Larsen")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned PDF").click()
    pdf_path = download_info.value.path()
    from pypdf import PdfReader

    with open(pdf_path, "rb") as fh:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(fh.read())).pages)
    assert "Ingrid Larsen" in text and "Geir Solberg" in text
    assert version.fingerprint in text.replace("\n", "")
    assert "Side 1 av" in text

    # Editing the signed version is refused, and the page says what to do.
    response = page.goto(f"{base}/avtaler/{agreement.pk}/versjon/1/rediger/")
    assert response.status == 409
    expect(page.get_by_role("alert")).to_contain_text("Opprett et revisjonsutkast")
    assert_accessible(page)

    # A revision draft is created from the previous version and shows its differences.
    page.get_by_role("link", name="Opprett revisjonsutkast").click()
    assert_accessible(page)
    page.get_by_role("button", name="Opprett revisjonsutkast").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rediger versjon 2")
    page.get_by_label("Strategier og mål").fill("Færre unge i kriminalitet og tryggere uteliv.")
    page.get_by_role("button", name="Lagre utkast").click()
    page.get_by_role("link", name="Sammenlign versjoner").click()
    expect(page.locator("ins.diff-added")).to_contain_text("tryggere uteliv")
    expect(page.locator("del.diff-removed")).to_contain_text("innen 2030")
    assert_accessible(page)

    # The register and the verification page.
    page.goto(f"{base}/avtaler/")
    expect(page.get_by_role("link", name="Sandnes kommune")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{base}/avtaler/verifiser/")
    page.get_by_label("Fingeravtrykk (SHA-256)").fill(version.fingerprint)
    page.get_by_role("button", name="Kontroller").click()
    expect(page.get_by_role("status").first).to_contain_text("Det stemmer med versjon 1")
    assert_accessible(page)


def test_offer_then_decline_is_shown_as_a_choice(page: Any, portal: Any) -> None:
    """The police offer Sola an agreement; Sola declines, which is shown as legitimate (§2.3)."""
    base = portal.url
    sola = Municipality.objects.get(name="Sola")
    login(page, base, "politikontakt.sorvest")
    page.goto(f"{base}/kommuner/{sola.number}/")
    page.get_by_role("link", name="Lag utkast til avtale").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ny samarbeidsavtale for Sola")
    assert_accessible(page)
    page.get_by_role("button", name="Opprett utkast").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rediger versjon 1")
    page.get_by_role("link", name="Avbryt").click()
    page.get_by_role("link", name="Registrer at kommunen takker nei").click()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^\s*Vedtak\*?\s*$")).fill("Formannskapet vedtok å samarbeide gjennom SLT.")
    page.get_by_role("button", name="Registrer vedtaket").click()
    expect(page.get_by_role("status").first).to_contain_text("takke nei er registrert")
    expect(page.get_by_text("Deltakelse er frivillig for kommunen").first).to_be_visible()
    assert_accessible(page)
    page.goto(f"{base}/kommuner/{sola.number}/")
    expect(page.get_by_text("Kommunen har takket nei").first).to_be_visible()
