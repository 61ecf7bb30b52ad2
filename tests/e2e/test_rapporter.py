"""The report map as people use it (issue #14, "Reports"): a municipality's name shows on
hover and on keyboard focus, the map zooms and moves, and it can be narrowed to one police
district; all of it without inline script (the CSP context checks that) and with axe clean."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .conftest import assert_accessible, login


def _viewbox_width(page: Any) -> float:
    return float(page.locator("[data-map-svg]").get_attribute("viewBox").split()[2])


def test_map_names_on_hover_and_focus_zooms_and_filters_by_district(page: Any,
                                                                   portal: Any) -> None:
    login(page, portal.url, "admin.pod")
    page.goto(portal.url + "/evaluering/rapporter/kart/")
    tooltip = page.locator("#map-tooltip")
    expect(tooltip).to_be_hidden()

    # Hover: the name and status of the municipality under the pointer.
    area = page.locator('[data-map-svg] a[data-name="Kautokeino"]')
    area.locator("path").hover()
    expect(tooltip).to_be_visible()
    expect(tooltip).to_have_text(re.compile(r"^Kautokeino: "))
    page.mouse.move(0, 0)
    expect(tooltip).to_be_hidden()

    # Keyboard: Tab from one municipality to the next shows the next one's name; Escape
    # dismisses it (WCAG 1.4.13).
    first = page.locator("[data-map-svg] a[data-name]").first
    second = page.locator("[data-map-svg] a[data-name]").nth(1)
    first.focus()
    page.keyboard.press("Tab")
    expect(second).to_be_focused()
    expect(tooltip).to_have_text(second.get_attribute("aria-label"))
    page.keyboard.press("Escape")
    expect(tooltip).to_be_hidden()

    # Zoom in and out with the buttons, back to the whole map.
    whole = _viewbox_width(page)
    page.get_by_role("button", name="Zoom inn").click()
    assert _viewbox_width(page) < whole
    page.get_by_role("button", name="Flytt kartet til høyre").click()
    page.get_by_role("button", name="Vis hele kartet").click()
    assert _viewbox_width(page) == whole
    assert_accessible(page)

    # Narrow to one district: the map and its table show Sør-Vest only.
    page.get_by_label("Politidistrikt").select_option(label="Sør-Vest")
    page.get_by_role("button", name="Vis", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sør-Vest politidistrikt")
    expect(page.get_by_role("link", name=re.compile(r"^Stavanger: "))).to_have_count(1)
    expect(page.get_by_role("link", name=re.compile(r"^Bergen: "))).to_have_count(0)
    linked = page.locator("[data-map-svg] a[data-name]").count()
    assert linked == page.locator("#map-table tbody tr").count() > 0
    assert _viewbox_width(page) < whole  # framed around the district
    assert_accessible(page)
