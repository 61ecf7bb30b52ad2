"""SLT in real Chromium (Veileder §6): the coordinator of Stavanger creates a measure at the
executing level, writes a progress update and sees the measure on the dashboard. axe-core
finds no WCAG 2.1 A/AA violation on any page visited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from playwright.sync_api import expect

from .conftest import assert_accessible, login


def test_coordinator_creates_measure_updates_progress_and_sees_it_on_dashboard(
        page: Any, portal: Any) -> None:
    login(page, portal.url, "slt.stavanger")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="SLT",
                                                                  exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SLT-oversikt")
    expect(page.get_by_text("Dette er ditt første besøk")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="SLT i Stavanger").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SLT – Stavanger")
    expect(page.locator("#main dd", has_text="Aisha Khan")).to_be_visible()
    # The demo's police council is the steering level: linked, not copied (§6).
    expect(page.get_by_text("Politirådet er styringsnivået: Politirådet i Stavanger")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Utførende nivå").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Utførende nivå")
    expect(page.get_by_role("cell", name="Marte Lund", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="SLT", exact=True).last.click()  # breadcrumb
    page.get_by_role("link", name="Tiltak", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SLT-tiltak – Stavanger")
    assert_accessible(page)
    page.get_by_role("link", name="Nytt tiltak").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nytt tiltak")
    assert_accessible(page)

    today = dt.datetime.now(tz=dt.UTC).date()
    page.locator("#id_title").fill("Sommeraktiviteter for ungdom")
    page.locator("#id_level").select_option(label="Utførende nivå")
    page.locator("#id_focus_area").select_option(label="Kriminalitet begått av barn og unge")
    page.locator("#id_age_from").fill("13")
    page.locator("#id_age_to").fill("17")
    page.locator("#id_responsible").select_option(label="Aisha Khan (slt.stavanger)")
    page.locator("#id_coordination_step").select_option("4")
    page.locator("#id_starts_on").fill(today.isoformat())
    page.locator("#id_ends_on").fill((today + dt.timedelta(days=60)).isoformat())
    page.locator("#id_status").select_option(label="Aktivt")
    page.get_by_role("button", name="Opprett tiltak").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sommeraktiviteter for ungdom")
    expect(page.get_by_role("status")).to_contain_text("er opprettet")
    expect(page.get_by_text("Utførende nivå")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Hva har skjedd?").fill("Første samling med 25 ungdommer.")
    page.get_by_role("button", name="Lagre fremdrift").click()
    expect(page.get_by_role("status")).to_contain_text("Fremdriftsoppdateringen er lagret")
    expect(page.get_by_text("Første samling med 25 ungdommer.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="SLT",
                                                                  exact=True).click()
    open_measures = page.locator("section", has=page.get_by_role(
        "heading", name="Åpne tiltak, forsinkede først"))
    expect(open_measures.get_by_role("link", name="Sommeraktiviteter for ungdom")).to_be_visible()
    # The demo's overdue measure comes before the new one.
    first_row = open_measures.locator("tbody tr").first
    expect(first_row).to_contain_text("Oppfølgingsteam for unge lovbrytere")
    changed = page.locator("section", has=page.get_by_role(
        "heading", name="Endret siden forrige besøk"))
    expect(changed.get_by_role("link", name="Sommeraktiviteter for ungdom")).to_be_visible()
    assert_accessible(page)


def test_a_council_member_sees_no_slt_of_the_municipality(page: Any, portal: Any) -> None:
    """A seat on the police council gives that council only (Veileder §4.2): the business
    member gets the portal's 404 page on the municipality's SLT."""
    login(page, portal.url, "radsmedlem.stavanger")
    for path in ("/slt/kommune/1103/tiltak/", "/slt/kommune/1103/tiltak/nytt/"):
        response = page.goto(f"{portal.url}{path}")
        assert response is not None and response.status == 404, path
        assert_accessible(page)


def test_every_slt_page_of_stavanger_is_accessible(page: Any, portal: Any) -> None:
    from slt.models import SltActionPlan, SltMeasure

    measure = SltMeasure.objects.filter(slt_model__municipality__number="1103").first()
    plan = SltActionPlan.objects.filter(slt_model__municipality__number="1103").first()
    assert measure is not None and plan is not None
    login(page, portal.url, "slt.stavanger")
    for path, heading in [
        ("/slt/kommune/1103/rediger/", "SLT-modell – Stavanger"),
        ("/slt/kommune/1103/niva/steering/", "Styringsnivå"),
        ("/slt/kommune/1103/niva/coordinating/", "Koordineringsnivå"),
        ("/slt/kommune/1103/handlingsplaner/", "SLT-handlingsplaner – Stavanger"),
        (f"/slt/handlingsplaner/{plan.pk}/", str(plan.year)),
        (f"/slt/tiltak/{measure.pk}/rediger/", "Rediger tiltak"),
        ("/slt/kommune/1103/tiltak/?status=active&level=executing&q=natt", "SLT-tiltak"),
        ("/slt/?municipality=1103", "SLT-oversikt"),
        ("/kommuner/1103/", "Stavanger"),
    ]:
        response = page.goto(portal.url + path)
        assert response is not None and response.status == 200, path
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_accessible(page)
    # A refused change keeps the input and says why, accessibly.
    page.goto(portal.url + "/slt/kommune/1103/handlingsplaner/")
    page.get_by_label("År").fill(str(plan.year))
    page.get_by_role("button", name="Opprett handlingsplan").click()
    expect(page.get_by_text(f"Det finnes allerede en handlingsplan for {plan.year}")).to_be_visible()
    assert_accessible(page)
