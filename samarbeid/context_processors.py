"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils.translation import get_language

from . import policy, sections

# The menu depends only on the code (the registered links) and the user's role set, so it is
# built once per process for each role set, language and URLconf; a new role set is a new key,
# so no menu is ever stale. Bounded: role sets are few, but the memo must not grow unchecked.
_NAV_MEMO: dict[tuple[Any, ...], list[dict[str, str]]] = {}
_NAV_MEMO_MAX = 2000


def role_set(user: Any) -> tuple[Any, ...]:
    """What a menu may depend on: the kinds of roles the user holds, not which objects."""
    p = policy.for_user(user)
    seats = tuple(sorted((kind, bool(ids)) for kind, ids in p.seats.items()))
    return (p.national_admin, bool(p.admin_districts), bool(p.leadership_units),
            bool(p.police_districts), bool(p.signs_for_municipalities),
            bool(p.signs_for_police_districts),
            tuple(sorted({m.role for m in p.memberships})),
            tuple(sorted({r for roles in p.municipal_roles.values() for r in roles})), seats,
            bool(user.is_staff), bool(user.is_superuser))


def _nav_links(user: Any) -> list[dict[str, str]]:
    key = (role_set(user), get_language(), get_urlconf(), tuple(sections._nav))
    links = _NAV_MEMO.get(key)
    if links is None:
        links = []
        for link in sections.nav_for(user):
            try:
                links.append({"label": str(link.label), "url": reverse(link.url_name)})
            except NoReverseMatch:
                continue
        if len(_NAV_MEMO) >= _NAV_MEMO_MAX:
            _NAV_MEMO.clear()
        _NAV_MEMO[key] = links
    return links


def portal(request: HttpRequest) -> dict[str, Any]:
    # The menu is part of the cached header (samarbeid/layout.py), which reads _nav_links.
    return {"PORTAL_NAME": "Samarbeidsportalen", "LANGUAGES": settings.LANGUAGES,
            "idle_minutes": settings.SESSION_IDLE_SECONDS // 60}
