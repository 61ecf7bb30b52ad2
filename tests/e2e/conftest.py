"""Browser tests in real Chromium (Debian's), with axe-core for WCAG 2.1 A/AA.

See ../shared/STACK.md: Playwright cannot download its own browser here.
"""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlparse

import pytest

from samarbeid import demo, reference_data

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # axe-core is injected as an inline script, which our CSP (rightly) forbids.
    # tests/e2e/test_csp.py checks the pages themselves in a context that keeps the CSP.
    return {**browser_context_args, "bypass_csp": True, "locale": "nb-NO"}


@pytest.fixture
def portal(live_server: Any, transactional_db: Any, settings: Any) -> Any:
    """The live server with reference data and the demo (a transactional test empties the
    database afterwards, so load both every time)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    reference_data.load_all()
    demo.build()
    return live_server


def axe_violations(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core on {page.url}: {violations}"


def login(page: Any, base_url: str, username: str, password: str = demo.DEMO_PASSWORD) -> None:
    page.goto(f"{base_url}/konto/logg-inn/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


# --- The crawler: every page a user can reach by following links -----------------------------

# Links that change state or leave the HTML world; their pages are reached through forms.
SKIP_LINKS = re.compile(r"/(logg-ut|i18n|admin)/|\.(pdf|ics|csv|xlsx)$|/(pdf|eksport|export|ics)/?$")


def page_key(url: str) -> str:
    """Pages that differ only by ?page=N, filters or a #fragment are the same template."""
    return re.sub(r"\?.*$", "", urldefrag(url)[0])


def crawl(page: Any, base_url: str, start: Iterable[str] = ("/",),
          max_pages: int = 60) -> Iterator[tuple[str, Any]]:
    """Follow every same-origin link breadth first (GET only), each page once, from `start`
    (paths). Yields (url, response) for each page loaded, while the page is open, so the
    caller can check it (resize it, run axe) before its links are read."""
    origin = urlparse(base_url).netloc
    queue: deque[str] = deque(base_url + path for path in start)
    seen: set[str] = set()
    visited = 0
    while queue and visited < max_pages:
        url = queue.popleft()
        key = page_key(url)
        if key in seen:
            continue
        seen.add(key)
        response = page.goto(url)
        if response is None:
            continue
        visited += 1
        yield url, response
        if response.status >= 500 or not is_html(response):
            continue
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            parsed = urlparse(href)
            if parsed.netloc == origin and parsed.scheme.startswith("http") \
                    and not SKIP_LINKS.search(parsed.path) and page_key(href) not in seen:
                queue.append(href)


def is_html(response: Any) -> bool:
    return "text/html" in (response.headers.get("content-type") or "")


# --- Reflow (WCAG 1.4.10): nothing scrolls sideways at the common widths ----------------------

WIDTHS = [320, 390, 768, 1024, 1280, 1440]
_WIDTH_JS = """() => {
  const scrollers = [...document.querySelectorAll('.table-responsive, .overflow-auto')]
    .filter(e => e.scrollWidth > e.clientWidth + 1)
    .filter(e => e.tabIndex < 0 && !e.querySelector('a[href], button, input, select, textarea, [tabindex]'))
    .map(e => (e.id ? '#' + e.id : e.className));
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth, scrollers};
}"""
# Only on a fault: the innermost elements that stick out, to name it.
_WIDE_JS = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 4).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                        + (typeof e.className === 'string' && e.className.trim()
                           ? '.' + e.className.trim().split(/\\s+/).join('.') : ''))"""


def reflow_problems(page: Any, widths: Iterable[int] = WIDTHS, height: int = 900) -> list[str]:
    """At each width: is the document wider than the window (it would scroll sideways)? And
    does a box that scrolls sideways on its own (a wide table) hold nothing a keyboard can
    reach, so a keyboard user could not scroll it (WCAG 2.1.1)?"""
    problems = []
    for width in widths:
        page.set_viewport_size({"width": width, "height": height})
        # After a frame: the page's own resize handlers (static/js/site.js) have run.
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
        m = page.evaluate(_WIDTH_JS)
        if m["scroll"] > m["inner"]:
            problems.append(f"{width}px: page is {m['scroll']}px wide {page.evaluate(_WIDE_JS)}")
        problems.extend(f"{width}px: {s} scrolls but takes no keyboard focus"
                        for s in m["scrollers"])
    page.set_viewport_size({"width": 1280, "height": height})
    return problems
