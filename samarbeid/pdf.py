"""PDF rendering with WeasyPrint, shared by agreements, minutes and evaluations.

PDFs come from the same templates as the web pages. WeasyPrint fetches nothing outside the
project: remote URLs and file:// outside the static folders are refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation


class ForbiddenResource(ValueError):
    pass


def _allowed_roots() -> list[Path]:
    roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]
    roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def url_fetcher(url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
    """Serve /static/… from the project's static files; refuse everything else."""
    from weasyprint.urls import default_url_fetcher

    path: Path | None = None
    if url.startswith("static:") or url.startswith(settings.STATIC_URL):
        rel = url.split(settings.STATIC_URL, 1)[-1] if url.startswith(settings.STATIC_URL) \
            else url[len("static:"):]
        found = finders.find(rel.lstrip("/"))
        path = Path(found).resolve() if found else None
    elif url.startswith("file://"):
        path = Path(url[len("file://"):]).resolve()
    if path is None or not any(path.is_relative_to(root) for root in _allowed_roots()):
        raise ForbiddenResource(f"resource not allowed in PDF: {url[:80]}")
    return default_url_fetcher(path.as_uri())


def render_pdf(template: str, context: dict[str, Any], *, language: str | None = None) -> bytes:
    from weasyprint import HTML

    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string(template, {"pdf": True, **context})
        return HTML(string=html, base_url="static:/", url_fetcher=url_fetcher).write_pdf()
