"""Police contacts in real Chromium (Veileder §5): a district administrator assigns a new
contact to three municipalities, is refused on the fourth with the rule explained, requests
approval; Politidirektoratet approves; the fourth goes through. A mayor finds the police
contact and the radicalisation contact from the municipality page."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from politikontakt.models import Assignment, DirectorateApproval
from samarbeid import services
from samarbeid.models import OperationalUnit, Role
from tests.factories import PASSWORD, UserFactory

from .conftest import assert_accessible, login


def _new_contact() -> Any:
    """A police officer new to the portal: leadership of a service unit (guide §5.3 allows
    the contact function to be held by such a leader), which makes them eligible."""
    user = UserFactory(username="nora.nyland", first_name="Nora", last_name="Nyland")
    unit = OperationalUnit.objects.get(name="Haugaland og Sunnhordland driftsenhet (demo)")
    services.membership_create(user=user, role=Role.POLICE_LEADERSHIP, operational_unit=unit,
                               title="Tjenestestedsleder")
    return user


def _assign(page: Any, municipality: str) -> None:
    page.get_by_role("link", name="Politikontakter", exact=True).first.click()
    page.get_by_role("link", name="Dekning", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dekning av politikontakter")
    page.get_by_role("link", name=f"Tildel politikontakt for {municipality}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Tildel politikontakt – {municipality}")
    page.get_by_label("Politikontakt").select_option(label="Nora Nyland (nora.nyland)")
    page.get_by_label("Stillingsandel (%)").fill("25")
    page.get_by_label("Mandat og fullmakter").fill(
        f"Kan avtale møter og felles tiltak med {municipality}.")
    page.get_by_role("button", name="Tildel").click()


def test_rule_of_three_with_directorate_approval(page: Any, portal: Any) -> None:
    contact = _new_contact()
    login(page, portal.url, "admin.sorvest")
    page.get_by_role("link", name="Politikontakter", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Politikontakter")
    assert_accessible(page)
    for municipality in ["Randaberg", "Strand", "Gjesdal"]:
        _assign(page, municipality)
        expect(page.get_by_role("status").filter(
            has_text=f"Nora Nyland er nå politikontakt for {municipality}")).to_be_visible()
        assert_accessible(page)
    page.get_by_role("link", name="Politikontakter", exact=True).first.click()
    page.get_by_role("link", name="Dekning", exact=True).click()
    assert_accessible(page)

    _assign(page, "Klepp")
    alert = page.get_by_role("alert").filter(has_text="høyst tre kommuner")
    expect(alert).to_contain_text("Nora Nyland er allerede politikontakt for 3 kommuner")
    expect(alert).to_contain_text("Politidirektoratet")
    expect(page.get_by_label("Mandat og fullmakter")).to_have_value(
        "Kan avtale møter og felles tiltak med Klepp.")
    assert_accessible(page)
    assert not Assignment.objects.filter(contact=contact, municipality__name="Klepp").exists()

    page.get_by_role("link", name="Søk om godkjenning fra Politidirektoratet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Søk om godkjenning fra Politidirektoratet")
    expect(page.get_by_label("Politikontakt")).to_have_value(str(contact.pk))
    expect(page.get_by_label("Kommunen det gjelder")).to_have_value(
        re.compile(r"^\d+$"))
    assert_accessible(page)
    page.get_by_label("Begrunnelse").fill("Klepp deler regionalt politiråd med Time og Hå.")
    page.get_by_role("button", name="Send søknaden").click()
    expect(page.get_by_role("status").filter(has_text="Søknaden er sendt")).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    login(page, portal.url, "admin.pod")
    page.goto(f"{portal.url}/politikontakt/godkjenninger/")
    assert_accessible(page)
    page.get_by_role("link", name="Avgjør søknaden for Nora Nyland").click()
    expect(page.get_by_text("Klepp deler regionalt politiråd")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Godkjenn").check()
    page.get_by_label("Gyldig til").fill("2099-12-31")
    page.get_by_role("button", name="Lagre avgjørelsen").click()
    expect(page.get_by_role("status").filter(has_text="Søknaden er godkjent")).to_be_visible()
    assert DirectorateApproval.objects.get(contact=contact).status == "approved"

    page.context.clear_cookies()
    login(page, portal.url, "admin.sorvest")
    page.goto(f"{portal.url}/politikontakt/")
    _assign(page, "Klepp")
    expect(page.get_by_role("status").filter(
        has_text="Nora Nyland er nå politikontakt for Klepp")).to_be_visible()
    expect(page.get_by_text("Godkjent – gyldig til 31.12.2099")).to_be_visible()
    assert_accessible(page)
    assert Assignment.objects.filter(contact=contact).count() == 4


def test_mayor_finds_police_contact_and_radicalisation_contact(page: Any, portal: Any) -> None:
    login(page, portal.url, "ordforer.stavanger")
    mine = page.locator("section", has=page.get_by_role("heading", name="Mine kommuner"))
    mine.get_by_role("link", name="Stavanger", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stavanger")
    panel = page.locator("section", has=page.get_by_role("heading", name="Din politikontakt"))
    expect(panel.get_by_role("heading", name="Ola Berg")).to_be_visible()
    expect(panel.get_by_role("link", name="politikontakt.sorvest@demo.samarbeid.local")).to_be_visible()
    expect(panel).to_contain_text("50 %")
    expect(panel).to_contain_text("tjenesteenhetsleder")
    row = panel.get_by_role("row").filter(has_text="Radikaliseringskontakt")
    expect(row).to_contain_text("Sara Haugen")
    expect(row.get_by_role("link", name="+47 51 89 90 01")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Politikontakter", exact=True).first.click()
    page.get_by_role("link", name="Forebyggende funksjoner").click()
    page.get_by_role("link", name="Sør-Vest politidistrikt").click()
    expect(page.get_by_role("cell", name="Sara Haugen")).to_be_visible()
    expect(page.get_by_role("link", name="Legg til funksjon")).to_have_count(0)
    assert_accessible(page)
    assert PASSWORD
