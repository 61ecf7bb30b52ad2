"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from . import sections


def portal(request: HttpRequest) -> dict[str, Any]:
    def nav() -> list[dict[str, Any]]:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        links = []
        for link in sections.nav_for(user):
            try:
                url = reverse(link.url_name)
            except NoReverseMatch:
                continue
            links.append({"label": link.label, "url": url,
                          "active": request.path.startswith(url) and url != "/"})
        return links

    return {"PORTAL_NAME": "Samarbeidsportalen", "LANGUAGES": settings.LANGUAGES,
            "nav_links": nav, "idle_minutes": settings.SESSION_IDLE_SECONDS // 60}
