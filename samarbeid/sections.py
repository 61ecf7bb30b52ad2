"""Places in the core UI that feature apps fill in: home-page sections and municipality panels.

The core shows three places — upcoming meetings, open tasks, reminders — each with a clear
empty state; apps register providers that return the items a user should see there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

SECTIONS = ("meetings", "tasks", "reminders")


@dataclass(frozen=True)
class Item:
    title: str
    url: str
    when: dt.date | dt.datetime | None = None
    detail: str = ""
    overdue: bool = False


Provider = Callable[[Any], list[Item]]
# A provider for several sections at once: {section: items}. One query can then fill two
# places (an app's own tasks and its overdue reminders), issue #12.
GroupProvider = Callable[[Any], dict[str, list[Item]]]
_providers: dict[str, list[Any]] = {s: [] for s in SECTIONS}
_groups: set[Any] = set()


def register(section: str, provider: Provider) -> Provider:
    if section not in _providers:
        raise ValueError(f"unknown home section {section!r}")
    if provider not in _providers[section]:
        _providers[section].append(provider)
    return provider


def register_group(sections: tuple[str, ...], provider: GroupProvider) -> GroupProvider:
    """`provider(user)` gives the items of each of `sections`; it is called once per page."""
    for section in sections:
        if section not in _providers:
            raise ValueError(f"unknown home section {section!r}")
    _groups.add(provider)
    for section in sections:
        if provider not in _providers[section]:
            _providers[section].append(provider)
    return provider


def _sort_key(item: Item) -> tuple[int, str]:
    when = item.when
    if isinstance(when, dt.datetime):
        return (0, when.date().isoformat() + when.time().isoformat())
    return (0 if when else 1, when.isoformat() if when else "")


def home_items(user: Any, wanted: tuple[str, ...] = SECTIONS,
               limit: int = 8) -> dict[str, list[Item]]:
    """The items of each section in `wanted` (each group provider called once)."""
    from . import pagecache

    # Each provider's items are cached on their own (a task's new status rebuilds the
    # tasks, not the meetings: samarbeid/pagecache.py cached_part).
    scope = (pagecache.user_scope(user)
             if pagecache.enabled() and getattr(user, "is_authenticated", False) else None)

    def part(provider: Any) -> Any:
        return pagecache.cached_part(part_name(provider), user, scope, partial(provider, user))

    pagecache.prefetch_parts(user, scope, [(name, "") for name in home_parts(wanted)])

    memo: dict[Any, dict[str, list[Item]]] = {}
    out: dict[str, list[Item]] = {}
    for section in wanted:
        items: list[Item] = []
        for provider in _providers[section]:
            if provider in _groups:
                if provider not in memo:
                    memo[provider] = part(provider)
                items.extend(memo[provider].get(section, []))
            else:
                items.extend(part(provider))
        out[section] = sorted(items, key=_sort_key)[:limit]
    return out


def part_name(provider: Any) -> str:
    """The cached part of a home-page provider (samarbeid/pagecache.py cached_part)."""
    return f"section:{_name(provider)}"


def home_parts(wanted: tuple[str, ...]) -> list[str]:
    """The cached parts `home_items(user, wanted)` reads, for one prefetch of them all."""
    return list(dict.fromkeys(part_name(p) for section in wanted for p in _providers[section]))


def items_for(user: Any, section: str, limit: int = 8) -> list[Item]:
    return home_items(user, (section,), limit)[section]


def _name(fn: Any) -> str:
    """A provider's name, for its cached part's key and learned dependencies."""
    return f"{fn.__module__}.{getattr(fn, '__qualname__', fn)}"


def _panel_context(panel: Panel, user: Any, municipality: Any) -> dict[str, Any] | None:
    """A panel's context with its querysets read (a cached part holds rows, not queries)."""
    ctx = panel.context(user, municipality)
    if ctx is None:
        return None
    from django.db.models import QuerySet

    return {k: list(v) if isinstance(v, QuerySet) else v for k, v in ctx.items()}


# --- Panels on the municipality page ---------------------------------------------------


@dataclass(frozen=True)
class Panel:
    """A block on the municipality page, rendered from `template` with `context(user, m)`.

    `context` returns None to leave the panel out for this user.
    """

    key: str
    order: int
    template: str
    context: Callable[[Any, Any], dict[str, Any] | None]


_panels: dict[str, Panel] = {}


def register_panel(panel: Panel) -> Panel:
    _panels[panel.key] = panel
    return panel


def panels_for(user: Any, municipality: Any) -> list[tuple[Panel, dict[str, Any]]]:
    from . import pagecache

    out = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        ctx = pagecache.cached_part(
            f"panel:{panel.key}:{_name(panel.context)}", user, {municipality.pk},
            partial(_panel_context, panel, user, municipality),
            extra=str(municipality.pk))
        if ctx is not None:
            out.append((panel, ctx))
    return out


# --- Main navigation ---------------------------------------------------------------------


@dataclass(frozen=True)
class NavLink:
    key: str
    label: Any
    url_name: str
    order: int = 100
    visible: Callable[[Any], bool] = lambda user: True


_nav: dict[str, NavLink] = {}


def register_nav(link: NavLink) -> NavLink:
    _nav[link.key] = link
    return link


def nav_for(user: Any) -> list[NavLink]:
    return [n for n in sorted(_nav.values(), key=lambda n: (n.order, n.key)) if n.visible(user)]


# --- Seats on the home page ----------------------------------------------------------------
# A seat on a council or SLT level is not a role of the core; the app that owns it says
# how it reads ("Chair of Politirådet i Stavanger").

SeatLines = Callable[[Any], list[str]]
_seat_lines: list[SeatLines] = []


def register_seat_lines(provider: SeatLines) -> SeatLines:
    if provider not in _seat_lines:
        _seat_lines.append(provider)
    return provider


def seat_lines_for(user: Any) -> list[str]:
    lines: list[str] = []
    for provider in _seat_lines:
        lines.extend(provider(user))
    return lines


# --- The personal calendar feed ------------------------------------------------------------
# The settings page shows the user's feed address; the app that serves the feed (politirad)
# says where it lives, so the core names no feature app's URL (issue #15).

CalendarFeedPath = Callable[[str], str]  # secret token -> path of the feed
_calendar_feed: list[CalendarFeedPath] = []


def register_calendar_feed(path_for: CalendarFeedPath) -> CalendarFeedPath:
    """`path_for(token)` gives the path of the calendar feed for that token, e.g.
    `sections.register_calendar_feed(lambda t: reverse("politirad:calendar_feed", args=[t]))`.
    One feed: a second registration replaces the first."""
    _calendar_feed[:] = [path_for]
    return path_for


def calendar_feed_path(token: str) -> str | None:
    """The path of the feed for `token`, or None when no app serves a calendar feed."""
    return _calendar_feed[0](token) if _calendar_feed else None
