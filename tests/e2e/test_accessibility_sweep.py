"""Accessibility sweep: as each demo role, follow every link of the portal (breadth first,
same origin, GET only) and run axe-core (WCAG 2.1 A/AA) on every HTML page reached.

New pages are covered as soon as they are linked from somewhere; no page may answer 500.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any
from urllib.parse import urldefrag, urlparse

import pytest

from .conftest import axe_violations, login

ROLES = ["ordforer.stavanger", "politikontakt.sorvest", "slt.stavanger", "radsmedlem.stavanger",
         "admin.sorvest", "admin.pod"]
MAX_PAGES = 60
# Links that change state or leave the HTML world; their pages are reached through forms.
SKIP = re.compile(r"/(logg-ut|i18n|admin)/|\.(pdf|ics|csv|xlsx)$|/(pdf|eksport|export|ics)/?$")


def _normalise(url: str) -> str:
    url = urldefrag(url)[0]
    # Pages that differ only by ?page=N or filters are the same template: visit one.
    return re.sub(r"\?.*$", "", url)


@pytest.mark.parametrize("username", ROLES)
def test_every_reachable_page_is_accessible(page: Any, portal: Any, username: str) -> None:
    login(page, portal.url, username)
    origin = urlparse(portal.url).netloc
    queue: deque[str] = deque([portal.url + "/"])
    seen: set[str] = set()
    problems: list[str] = []
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.popleft()
        key = _normalise(url)
        if key in seen:
            continue
        seen.add(key)
        response = page.goto(url)
        if response is None:
            continue
        visited += 1
        if response.status >= 500:
            problems.append(f"{url}: HTTP {response.status}")
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        for v in axe_violations(page):
            problems.append(f"{url}: {v['id']} {v['help']} {v['nodes']}")
        if not page.title().strip() or "–" not in page.title():
            problems.append(f"{url}: page has no title of its own")
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            parsed = urlparse(href)
            if parsed.netloc == origin and parsed.scheme.startswith("http") \
                    and not SKIP.search(parsed.path) and _normalise(href) not in seen:
                queue.append(href)
    assert visited > 3
    assert problems == [], "\n".join(problems)
