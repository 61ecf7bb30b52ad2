"""Accessibility sweep: as each demo role, follow every link of the portal (breadth first,
same origin, GET only) and run axe-core (WCAG 2.1 A/AA) on every HTML page reached.

New pages are covered as soon as they are linked from somewhere; no page may answer 500.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import axe_violations, crawl, is_html, login

ROLES = ["ordforer.stavanger", "politikontakt.sorvest", "slt.stavanger", "radsmedlem.stavanger",
         "admin.sorvest", "admin.pod"]
MAX_PAGES = 60


@pytest.mark.parametrize("username", ROLES)
def test_every_reachable_page_is_accessible(page: Any, portal: Any, username: str) -> None:
    login(page, portal.url, username)
    problems: list[str] = []
    visited = 0
    for url, response in crawl(page, portal.url, max_pages=MAX_PAGES):
        visited += 1
        if response.status >= 500:
            problems.append(f"{url}: HTTP {response.status}")
            continue
        if not is_html(response):
            continue
        for v in axe_violations(page):
            problems.append(f"{url}: {v['id']} {v['help']} {v['nodes']}")
        if not page.title().strip() or "–" not in page.title():
            problems.append(f"{url}: page has no title of its own")
    assert visited > 3
    assert problems == [], "\n".join(problems)
