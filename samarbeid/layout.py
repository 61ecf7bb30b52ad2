"""The site header (skip link, language switcher, the user's name and log-out form, the main
menu) rendered once and reused: issue #12's cheap logged-in layout.

Rendering it costs more than a bare page's whole body (seven URL reversals, translations, the
menu's links, a loop over the languages), yet it depends on few things: the language, the
user's name, what the principal may reach (the menu), and whether the page is an error page.
So `templates/includes/site_header.html` is rendered once per such combination, with the
per-request parts as holes, and kept in the shared cache (Redis: every web worker reuses it)
and in a small per-process memo in front of it. Per request the holes are filled in:

- the CSRF token of the language and log-out forms (the request's own, as `{% csrf_token %}`
  gives it),
- `next` of the language switcher (the request's path and query),
- `aria-current` of the menu link of the page being shown.

The key holds the user's id and name (the fragment names the user: never shown to another
user), the principal's fingerprint (samarbeid/pagecache.py: any role, seat or grant change
gives a new key at once, and so does a new day), the language, the URL prefix and URLconf,
the registered menu links, and a build mark (the fragment's template and the compiled
translations), so a deploy that changes either never serves an old header.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

TEMPLATE = "includes/site_header.html"
CACHE_SECONDS = 3600
_MEMO_MAX = 1000
_HOLE = re.compile("\x00([a-z0-9_]+)\x00")
_CSRF = "\x00csrf\x00"
_NEXT = "\x00next\x00"
_CURRENT = ' aria-current="page"'

# key -> (html with holes, the menu links' URLs in the order of their holes)
_memo: dict[str, tuple[str, tuple[str, ...]]] = {}
_build: str | None = None


def _build_mark() -> str:
    """What a deploy can change in the fragment besides its key: the template and the
    translations (their compiled catalogues' sizes and times)."""
    global _build
    if _build is None:
        from pathlib import Path

        from django.apps import apps

        template: Any = get_template(TEMPLATE)  # Django's backend template: its source
        parts = [template.template.source]
        dirs = [Path(p) for p in settings.LOCALE_PATHS]
        dirs += [Path(app.path) / "locale" for app in apps.get_app_configs()]
        for folder in dirs:
            for mo in sorted(folder.glob("*/LC_MESSAGES/*.mo")):
                stat = mo.stat()
                parts.append(f"{mo}:{stat.st_size}:{stat.st_mtime_ns}")
        _build = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).hexdigest()
    return _build


def header(context: Any) -> SafeString:
    """The header for the page being rendered (`{% site_header %}` in base.html)."""
    from . import context_processors, pagecache, policy, sections

    request = context.get("request")
    user = context.get("user")
    error_page = bool(context.get("error_page"))
    show_user = bool(not error_page and user is not None and user.is_authenticated)
    csrf_token = context.get("csrf_token")
    # `{% csrf_token %}` prints nothing without a token and no field for "NOTPROVIDED"
    # (a view exempt from CSRF): pass those through as they are, as part of the key.
    csrf_hole = bool(csrf_token) and str(csrf_token) != "NOTPROVIDED"
    language = get_language() or ""
    languages = context.get("LANGUAGES")
    parts = [_build_mark(), language, get_script_prefix(), str(get_urlconf()),
             repr(languages), "csrf" if csrf_hole else repr(csrf_token and str(csrf_token)),
             "error" if error_page else "page"]
    user_name = ""
    if show_user:
        user_name = user.get_full_name() or user.username
        parts += [str(user.pk), user_name, pagecache.fingerprint(policy.for_user(user), user),
                  ",".join(sections._nav)]
    key = "layout:header:" + hashlib.blake2b("\x1f".join(parts).encode(),
                                             digest_size=20).hexdigest()

    entry = _memo.get(key)
    if entry is None:
        entry = cache.get(key)
        if entry is None:
            links = context_processors._nav_links(user) if show_user else []
            html = get_template(TEMPLATE).render({
                "csrf_token": _CSRF if csrf_hole else csrf_token,
                "next_hole": _NEXT,
                "LANGUAGES": languages, "LANGUAGE_CODE": language,
                "show_user": show_user, "user_name": user_name,
                "home_current": "\x00cur_home\x00",
                "municipalities_current": "\x00cur_municipalities\x00",
                "nav_links": [{**link, "current": f"\x00cur{i}\x00"}
                              for i, link in enumerate(links)],
            })
            # base.html places the fragment on a line of its own: no newline of the file's.
            entry = (html.removesuffix("\n"), tuple(link["url"] for link in links))
            cache.set(key, entry, CACHE_SECONDS)
        if len(_memo) >= _MEMO_MAX:
            _memo.clear()
        _memo[key] = entry
    return _fill(entry, request, csrf_token)


def _fill(entry: tuple[str, tuple[str, ...]], request: Any, csrf_token: Any) -> SafeString:
    html, urls = entry
    path = getattr(request, "path", "")
    match = getattr(request, "resolver_match", None)
    values = {
        "next": escape(request.get_full_path()) if request is not None else "",
        "cur_home": _CURRENT if path == "/" else "",
        "cur_municipalities": (_CURRENT if getattr(match, "url_name", None) == "municipality_list"
                               else ""),
    }
    if _CSRF in html:
        values["csrf"] = str(csrf_token)
    for i, url in enumerate(urls):
        values[f"cur{i}"] = _CURRENT if url != "/" and path.startswith(url) else ""
    # A hole the fragment did not make (a name holding such bytes) stays as it is.
    return mark_safe(_HOLE.sub(lambda m: values.get(m.group(1), m.group(0)), html))  # noqa: S308
