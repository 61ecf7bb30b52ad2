"""The core journey works by keyboard alone: log in, open a municipality, change language."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from samarbeid import demo


def test_keyboard_only_login_and_navigation(page: Any, portal: Any) -> None:
    page.goto(f"{portal.url}/konto/logg-inn/")
    # The user name field has focus when the page opens.
    assert page.evaluate("document.activeElement.name") == "username"
    page.keyboard.type("ordforer.stavanger")
    page.keyboard.press("Tab")
    page.keyboard.type(demo.DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Velkommen")
    page.keyboard.press("Tab")  # the skip link comes first on every page
    assert page.evaluate("document.activeElement.textContent").strip() == "Hopp til hovedinnhold"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    link = page.get_by_role("link", name="Stavanger", exact=True).first
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stavanger")
    focused_outline = page.evaluate(
        "() => { const a = document.querySelector('main a'); a.focus();"
        " return getComputedStyle(a).outlineStyle; }")
    assert focused_outline != "none"
