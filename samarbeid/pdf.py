"""PDF rendering with WeasyPrint, shared by agreements, minutes and evaluations.

PDFs come from the same templates as the web pages. Every PDF is PDF/A-2b (ISO 19005-2,
level B): minutes, signed agreements and evaluations are archive records (arkivlova), and
Arkade 5 accepts only PDF/A-1a/1b/2a/2b/2u in a Noark 5 extract. WeasyPrint's PDF/A variant
embeds the fonts (subsets), writes the XMP `pdfaid` identification and an sRGB output intent;
2b because the documents are not tagged (2a needs a logical structure). WeasyPrint fetches
nothing outside the project: `/static/…` resolves to the project's static files; remote
URLs, `file://` and every other scheme are refused.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint.urls import URLFetcher

# Relative URLs in the HTML ("/static/css/x.css") resolve against this base; the fetcher
# maps it back to files. The host is reserved (.invalid), so nothing can be fetched from it.
BASE_URL = "https://portal.invalid/"


class ForbiddenResource(ValueError):
    pass


def _static_path(url: str) -> Path | None:
    prefix = BASE_URL.rstrip("/") + settings.STATIC_URL
    for start in (prefix, settings.STATIC_URL):
        if url.startswith(start):
            rel = url[len(start):].split("?")[0].split("#")[0]
            if ".." in rel.split("/"):
                return None
            found = finders.find(rel)
            return Path(found).resolve() if isinstance(found, str) else None
    return None


class ProjectOnlyFetcher(URLFetcher):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allowed_protocols=["file"], allow_redirects=False, **kwargs)

    def fetch(self, url: str, headers: Any = None) -> Any:
        path = _static_path(url)
        if path is None:
            raise ForbiddenResource(f"resource not allowed in PDF: {url[:80]}")
        return super().fetch(path.as_uri(), headers)


def url_fetcher(url: str) -> Any:
    """Fetch one URL the way PDF rendering does (raises ForbiddenResource outside static)."""
    return ProjectOnlyFetcher().fetch(url)


# The PDF/A part and conformance level every rendered PDF claims (tests/core/test_pdfa.py).
PDF_VARIANT = "pdf/a-2b"


def font_subsetting() -> str:
    """Which library subsets the fonts every PDF embeds: "harfbuzz" (the system's
    libharfbuzz-subset, >= 4.1), or "fonttools", WeasyPrint's pure-Python fallback when that
    library is missing, which costs a quarter of a second of CPU per agreement PDF (issue #12:
    it made the 12-page agreement take 0.8 s). `make system-deps` and the image install it."""
    from weasyprint.pdf import fonts
    from weasyprint.text.ffi import harfbuzz

    usable = fonts.harfbuzz_subset is not None and harfbuzz.hb_version_atleast(4, 1, 0)
    return "harfbuzz" if usable else "fonttools"


@contextmanager
def _process_heap_outside_gc() -> Iterator[None]:
    """Keep the objects that exist before a render out of the collections made during it.

    WeasyPrint's box trees live through the whole render, so they reach the oldest
    generation, and every time they add a quarter to it Python makes a full collection, which
    walks the whole process: in a web or Celery worker some 190 000 objects of Django, the
    URLconf and the templates, none of them garbage. That cost 0.05-0.13 s CPU of a 12-page
    agreement's render (issue #12). Frozen, they are skipped; what the render allocates is
    collected as usual. A process that froze its heap itself (pre-fork) is left as it is."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def render_pdf(template: str, context: dict[str, Any], *, language: str | None = None) -> bytes:
    from weasyprint import HTML

    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string(template, {"pdf": True, **context})
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=ProjectOnlyFetcher())
        with _process_heap_outside_gc():
            return bytes(document.write_pdf(pdf_variant=PDF_VARIANT))
