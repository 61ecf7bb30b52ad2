"""Onboarding in Chromium, with MFA_REQUIRED on: the district administrator invites a mayor,
the invitation e-mail is read back from the e-mail backend, the mayor follows the link, sets a
password, sets up TOTP, logs in again and sees only her municipality."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django_otp.oath import TOTP
from playwright.sync_api import expect

from samarbeid import demo

from .conftest import assert_accessible, login

EMAIL = "nora.ny@sola.kommune.no"
PASSWORD = "Sola-ordforer-2027-ny"


def _code_from_secret(secret: str, ahead: int = 0) -> str:
    import base64

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key, drift=ahead).token():06d}"


def test_district_admin_invites_a_mayor_who_enrols_and_sees_only_her_municipality(
        page: Any, portal: Any, settings: Any) -> None:
    settings.MFA_REQUIRED = True
    base = portal.url
    mail.outbox.clear()

    # The district administrator logs in with a password and the demo's second factor.
    login(page, base, "admin.sorvest")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bekreft med totrinnsinnlogging")
    assert_accessible(page)
    page.get_by_label("Kode").fill(demo.totp_now("admin.sorvest"))
    page.get_by_role("button", name="Bekreft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Velkommen")

    # People → the district overview → invite the new mayor of Sola.
    page.get_by_role("link", name="Personer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Personer: Sør-Vest")
    assert_accessible(page)
    page.get_by_role("link", name="Sola", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personer: Sola")
    assert_accessible(page)
    page.get_by_role("link", name="Inviter en person").first.click()
    assert_accessible(page)
    page.get_by_label("E-post").fill(EMAIL)
    page.get_by_label("Fullt navn").fill("Nora Ny")
    page.get_by_label("Rolle").select_option("municipal_leader")
    expect(page.get_by_label("Kommune")).to_have_value("1124")  # Sola, from the page
    page.get_by_label("Tittel").fill("Ordfører")
    page.get_by_label("Kan signere avtaler").check()
    page.get_by_role("button", name="Send invitasjonen").click()
    expect(page.get_by_text(f"Invitasjonen er sendt til {EMAIL}")).to_be_visible()
    expect(page.get_by_role("cell", name="Nora Ny")).to_be_visible()

    # The e-mail, read back from the e-mail backend.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [EMAIL] and message.subject.startswith("Invitasjon til Samarbeidsportalen")
    path = re.search(r"(/konto/invitasjon/[A-Za-z0-9_\-]+/)", str(message.body))
    assert path
    page.get_by_role("button", name="Logg ut").click()

    # The mayor follows the link and makes her account.
    page.goto(base + path.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("Godta invitasjonen")
    expect(page.get_by_text("Ordfører, Sola")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Fornavn").fill("Nora")
    page.get_by_label("Etternavn").fill("Ny")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Godta og opprett kontoen").click()

    # She signs for Sola, so she sets up the authenticator app first.
    expect(page.get_by_role("heading", level=1)).to_have_text("Sett opp totrinnsinnlogging")
    assert_accessible(page)
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Kode").fill(_code_from_secret(secret))
    page.get_by_role("button", name="Bekreft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gjenopprettingskoder")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="Gå videre").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Velkommen")
    page.get_by_role("button", name="Logg ut").click()

    # She logs in again: password, then a code from the app.
    login(page, base, EMAIL, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bekreft med totrinnsinnlogging")
    page.get_by_label("Kode").fill(_code_from_secret(secret, ahead=1))
    page.get_by_role("button", name="Bekreft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Velkommen")
    mine = page.locator("section", has=page.get_by_role("heading", name="Mine kommuner"))
    expect(mine.get_by_role("link", name="Sola", exact=True)).to_be_visible()
    expect(mine.get_by_role("link")).to_have_count(1)
    assert_accessible(page)
    response = page.goto(f"{base}/kommuner/1103/")  # Stavanger
    assert response.status == 404
