"""The pages themselves obey the Content-Security-Policy (no inline scripts or styles):
Chromium reports every violation on the console, so a page with one fails here."""

from __future__ import annotations

from typing import Any

from .conftest import login

PAGES = ["/", "/kommuner/", "/kommuner/1103/", "/konto/innstillinger/", "/tilgjengelighet/"]


def test_core_pages_have_no_csp_violations(browser: Any, portal: Any) -> None:
    context = browser.new_context()  # keeps the CSP, unlike the default test context
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    login(page, portal.url, "ordforer.stavanger")
    for path in PAGES:
        page.goto(portal.url + path)
        page.wait_for_load_state("networkidle")
    context.close()
    assert violations == []
