"""A new user logs in through the browser in Norwegian and sees what the role gives them."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from samarbeid import demo

from .conftest import assert_accessible, login

# username → a municipality the user must see on the home page, and one they must not.
EXPECTED = {
    "ordforer.stavanger": ("Stavanger", "Sandnes"),
    "politikontakt.sorvest": ("Sola", "Bergen"),
    "tjenesteleder.sorvest": ("Randaberg", "Haugesund"),
    "slt.stavanger": ("Stavanger", "Sandnes"),
    "admin.sorvest": ("Sirdal", "Bergen"),
    "ordforer.bergen": ("Bergen", "Stavanger"),
}


@pytest.mark.parametrize("username", [u.username for u in demo.USERS])
def test_each_demo_role_logs_in_and_sees_its_home_page(page: Any, portal: Any,
                                                        username: str) -> None:
    login(page, portal.url, username)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Velkommen")
    assert page.locator("html").get_attribute("lang") == "nb"
    if username in EXPECTED:
        sees, not_sees = EXPECTED[username]
        mine = page.locator("section", has=page.get_by_role("heading", name="Mine kommuner"))
        expect(mine.get_by_role("link", name=sees, exact=True)).to_be_visible()
        expect(mine.get_by_role("link", name=not_sees, exact=True)).to_have_count(0)
    if username == "radsmedlem.stavanger":  # a seat, no role: the council, no municipality
        expect(page.locator("#my-roles")).to_contain_text("Medlem av Politirådet i Stavanger")
        mine = page.locator("section", has=page.get_by_role("heading", name="Mine kommuner"))
        expect(mine.get_by_role("link", name="Stavanger", exact=True)).to_have_count(0)
    assert_accessible(page)


def test_municipality_list_search_and_detail(page: Any, portal: Any) -> None:
    login(page, portal.url, "admin.pod")
    page.get_by_role("link", name="Kommuner", exact=True).first.click()
    expect(page.get_by_text("357 kommuner")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Søk").fill("Bærum")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("1 kommune", exact=True)).to_be_visible()
    page.get_by_role("link", name="Bærum").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bærum")
    expect(page.get_by_text("Oslo politidistrikt")).to_be_visible()
    assert_accessible(page)


def test_outsider_gets_404_in_site_layout(page: Any, portal: Any) -> None:
    login(page, portal.url, "ordforer.bergen")
    response = page.goto(f"{portal.url}/kommuner/1103/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Fant ikke siden")
    assert_accessible(page)


def test_language_switch_to_nynorsk_and_english(page: Any, portal: Any) -> None:
    login(page, portal.url, "ordforer.stavanger")
    page.get_by_label("Språk").select_option("en")
    page.get_by_role("button", name="Bytt").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Language").select_option("nn")
    page.get_by_role("button", name="Change").click()
    assert page.locator("html").get_attribute("lang") == "nn"
    assert_accessible(page)


def test_login_pages_are_accessible_and_errors_are_norwegian(page: Any, portal: Any) -> None:
    page.goto(f"{portal.url}/konto/logg-inn/")
    assert_accessible(page)
    page.get_by_label("Brukernavn").fill("ordforer.stavanger")
    page.get_by_label("Passord").fill("feil-passord-her")
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_text("korrekt brukernavn og passord", exact=False)).to_be_visible()
    expect(page.get_by_label("Brukernavn")).to_have_value("ordforer.stavanger")
    assert_accessible(page)
