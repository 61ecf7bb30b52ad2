"""The minutes view model: one for the page, the members' PDF and the public version
(§4.1.5), and the agenda rows it is built from."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    Prefetch,
    Q,
)
from django.utils import timezone

from samarbeid import access

from ..models import (
    AccessLevel,
    AgendaItem,
    Meeting,
    MinutesStatus,
    Task,
)
from .councils import can_work, is_chair
from .meetings import agenda_items, meeting_leadership_flags, minutes_of
from .tasks import task_related

MINUTES_DUE_DAYS = 14  # minutes should be approved within 14 days of the meeting






def minutes_overdue_q(now: dt.datetime | None = None) -> Q:
    """Meetings held more than 14 days ago whose minutes are not approved."""
    now = now or timezone.now()
    return Q(cancelled=False, starts_at__lte=now - dt.timedelta(days=MINUTES_DUE_DAYS)) & (
        Q(minutes__isnull=True) | Q(minutes__status=MinutesStatus.DRAFT)
    )


_LEVEL_ORDER = {AccessLevel.OPEN: 0, AccessLevel.INTERNAL: 1, AccessLevel.EXEMPT: 2}


def _stricter(*levels: str) -> str:
    return max(levels, key=lambda level: _LEVEL_ORDER[AccessLevel(level)])


def agenda_rows(meeting: Meeting, user: Any) -> list[dict[str, Any]]:
    """The agenda as the user may read it: items in full where the policy lets them, exempt
    items they may not read as number and legal basis only («Unntatt offentlighet»)."""
    readable = {i.number: i for i in agenda_items(meeting, user)}
    rows = []
    for number, level, basis in (AgendaItem.objects.filter(meeting=meeting)
                                 .order_by("number").values_list("number", "access_level",
                                                                  "legal_basis")):
        item = readable.get(number)
        if item is not None:
            rows.append({"number": number, "item": item, "hidden": False, "legal_basis": basis})
        elif level == AccessLevel.EXEMPT:
            rows.append({"number": number, "item": None, "hidden": True, "legal_basis": basis})
    return rows


def minutes_view(meeting: Meeting, user: Any, *, public: bool = False) -> dict[str, Any]:
    """What the minutes page and both PDFs show (the same template, the same rules).

    The members' version goes through the policy (`restrict`); the public version
    (offentleglova) shows open rows in full, exempt rows as number, «Unntatt offentlighet»
    and the legal basis, and internal rows not at all (samarbeid.confidentiality).
    """
    from samarbeid.confidentiality import Output, Shown, shows

    from ..models import Decision, MinutesCorrection, MinutesEntry

    p = access.principal(user)
    minutes = minutes_of(meeting)
    if public:
        items = {i.number: i for i in AgendaItem.objects.filter(
            meeting=meeting, access_level=AccessLevel.OPEN)}
    else:
        items = {i.number: i for i in agenda_items(meeting, p)}
    entries: dict[int, Any] = {}
    corrections: list[Any] = []
    if minutes is not None:
        base = MinutesEntry.objects.filter(minutes=minutes).select_related("agenda_item")
        entry_qs = (base.filter(access_level=AccessLevel.OPEN,
                                agenda_item__access_level=AccessLevel.OPEN) if public
                    else base.restrict(p))
        entries = {e.agenda_item.number: e for e in entry_qs.prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.order_by("number")))}
        correction_qs = MinutesCorrection.objects.filter(minutes=minutes)
        corrections = list(correction_qs.filter(access_level=AccessLevel.OPEN) if public
                           else correction_qs.restrict(p))
    entry_levels = dict(MinutesEntry.objects.filter(minutes=minutes).values_list(
        "agenda_item__number", "access_level")) if minutes is not None else {}
    rows = []
    for number, item_level, basis in (AgendaItem.objects.filter(meeting=meeting)
                                      .order_by("number")
                                      .values_list("number", "access_level", "legal_basis")):
        level = _stricter(item_level, entry_levels.get(number, AccessLevel.OPEN))
        item, entry = items.get(number), entries.get(number)
        full = item is not None and (entry is not None or number not in entry_levels)
        if public and shows(Output.PUBLIC, level) is not Shown.FULL:
            full = False
        if full:
            rows.append({"number": number, "item": item, "entry": entry, "hidden": False,
                         "exempt": level == AccessLevel.EXEMPT,
                         "internal": level == AccessLevel.INTERNAL,
                         "legal_basis": basis or (entry.legal_basis if entry else "")})
        elif level == AccessLevel.EXEMPT:
            rows.append({"number": number, "item": None, "entry": None, "hidden": True,
                         "exempt": True, "internal": False, "legal_basis": basis})
        # internal rows a reader may not see (the public) are left out entirely
    tasks = Task.objects.filter(meeting=meeting)
    task_qs = task_related(
        tasks.filter(Q(entry__isnull=True) | Q(entry__access_level=AccessLevel.OPEN,
                                               entry__agenda_item__access_level=AccessLevel.OPEN))
        if public else tasks.restrict(p)).order_by("deadline", "pk")
    return {
        "meeting": meeting, "council": meeting.council, "minutes": minutes, "rows": rows,
        "tasks": list(task_qs), "corrections": corrections, "public": public,
        "attendance": meeting.attendances.select_related("member__user", "member__organisation")
        .order_by("member__role"),
        "flags": meeting_leadership_flags(meeting),
    }


def may_read_minutes(user: Any, meeting: Meeting) -> bool:
    """Members read minutes once published; those who write and approve them read drafts."""
    minutes = minutes_of(meeting)
    if minutes is not None and minutes.status == MinutesStatus.PUBLISHED:
        return True
    return can_work(user, meeting.council) or is_chair(user, meeting.council)
