"""Reflow (WCAG 1.4.10, issue #14): as every demo role, no page the role can reach scrolls
sideways at 320, 390, 768, 1024, 1280 or 1440 px; the open menu fits a phone; the language
switch names the current language in words that fit its box.

One crawl per role (the sweep's crawler, tests/e2e/conftest.py); each page is resized in
place, so a width costs a layout, not a page load."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from samarbeid import demo

from .conftest import assert_accessible, crawl, is_html, login, reflow_problems

MAX_PAGES = 60


def _start_paths() -> list[str]:
    """Home, and the two pages that were wider than a phone: an agreement with its measures
    and a council with its meetings (a role that may not read them gets the 404 page)."""
    from avtaler.models import Agreement
    from politirad.models import PoliceCouncil

    paths = ["/"]
    agreement = Agreement.objects.order_by("pk").first()
    council = PoliceCouncil.objects.order_by("pk").first()
    if agreement is not None:
        paths.append(reverse("avtaler:detail", args=[agreement.pk]))
    if council is not None:
        paths.append(reverse("politirad:council_detail", args=[council.pk]))
    return paths


def _one_user_per_role() -> list[str]:
    """The first demo user of each role (a superuser counts as a role of its own): users of
    one role see the same templates, so a second crawl would only cost time."""
    users: dict[tuple[str | None, bool], str] = {}
    for u in demo.USERS:
        users.setdefault((u.role, u.superuser), u.username)
    return list(users.values())


@pytest.mark.parametrize("username", _one_user_per_role())
def test_no_page_scrolls_sideways_at_any_width(page: Any, portal: Any, username: str) -> None:
    login(page, portal.url, username)
    problems: list[str] = []
    checked = 0
    for url, response in crawl(page, portal.url, start=_start_paths(), max_pages=MAX_PAGES):
        if response.status >= 500 or not is_html(response):
            continue
        checked += 1
        problems.extend(f"{url} {p}" for p in reflow_problems(page))
    assert checked >= 3
    assert problems == [], "\n".join(problems)


def test_pages_before_login_and_error_pages_reflow(page: Any, portal: Any) -> None:
    problems: list[str] = []
    for path in ("/konto/logg-inn/", "/konto/passord/glemt/", reverse("accessibility"),
                 "/finnes-ikke/"):
        page.goto(portal.url + path)
        problems.extend(f"{path} {p}" for p in reflow_problems(page))
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("width", [320, 768, 1024])
def test_open_menu_fits_the_window(page: Any, portal: Any, width: int) -> None:
    """Below 1200 px the main menu folds behind a button; opened (by keyboard), every link
    lies inside the window and nothing scrolls sideways."""
    page.set_viewport_size({"width": width, "height": 800})
    login(page, portal.url, "admin.pod")  # the longest menu: every area
    toggler = page.get_by_role("button", name="Vis meny")
    toggler.focus()
    page.keyboard.press("Enter")
    expect(toggler).to_have_attribute("aria-expanded", "true")
    menu = page.locator("#mainnav")
    expect(menu).to_be_visible()
    page.wait_for_function("() => !document.querySelector('#mainnav.collapsing')")
    links = menu.get_by_role("link")
    assert links.count() >= 4
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, \
            f"{links.nth(i).inner_text()} at {box}"
    assert reflow_problems(page, widths=[width], height=800) == []
    assert_accessible(page)


_FITS_JS = """(select) => {
  const style = getComputedStyle(select);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = style.font;
  const text = select.options[select.selectedIndex].text;
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return {text, needed: ctx.measureText(text).width, room};
}"""


@pytest.mark.parametrize("width", [320, 1280])
def test_language_switch_shows_the_current_language_in_words(page: Any, portal: Any,
                                                             width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    login(page, portal.url, "admin.pod")
    for code, name, label, button in (("nn", "Norsk (nynorsk)", "Språk", "Bytt"),
                                      ("en", "English", "Språk", "Byt"),
                                      ("nb", "Norsk (bokmål)", "Language", "Change")):
        select = page.get_by_label(label, exact=True)
        select.select_option(code)
        page.get_by_role("button", name=button, exact=True).click()
        page.wait_for_load_state()
        expect(page.locator("html")).to_have_attribute("lang", code)
        select = page.locator("#language-select")
        expect(select.locator("option:checked")).to_have_text(name)
        fit = select.evaluate(_FITS_JS)
        assert fit["text"] == name
        # The words are readable, not cut to "Norsk (bo…" or hidden behind the chevron.
        assert fit["needed"] <= fit["room"], f"{name!r} needs {fit['needed']} px, box has {fit['room']}"
    assert reflow_problems(page, widths=[width], height=800) == []
    assert_accessible(page)


def test_a_wide_table_scrolls_in_its_own_box_by_keyboard(page: Any, portal: Any) -> None:
    """At 768 px an agreement's measures table is wider than the window: it scrolls in its
    own box, which is in the tab order (tabindex 0, so arrow keys scroll it) and is named
    after the table's caption."""
    page.set_viewport_size({"width": 768, "height": 900})
    login(page, portal.url, "ordforer.stavanger")
    page.goto(portal.url + _start_paths()[1])
    box = page.locator(".table-responsive[tabindex='0']").first
    expect(box).to_have_attribute("role", "region")
    assert box.get_attribute("aria-label")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")
    assert reflow_problems(page, widths=[768]) == []
    page.set_viewport_size({"width": 768, "height": 900})
    assert_accessible(page)
