"""What the audit trail says about a change (issue 7 §3).

Summaries hold codes, dates, counts and field names, never typed text: titles, notes,
decisions and names may be personal or exempt (offl. § 13, guide §4.1.5), and the trail is
read by people who may not see the object's content."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from ..models import (
    CouncilMember,
    Task,
)

_COUNCIL_FIELDS = ("name", "kind", "theme", "description", "bylaws_review_on", "public_minutes")


_MEETING_FIELDS = ("starts_at", "ends_at", "place", "video_url", "title", "cancelled")


_ITEM_FIELDS = ("title", "description", "presenter", "access_level", "legal_basis")


def _values(obj: Any, fields: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def _fields_summary(changed: Sequence[str]) -> str:
    return ", ".join(changed) if changed else "no change"


def _when(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def _member_summary(member: CouncilMember) -> str:
    who = f"user #{member.user_id}" if member.user_id else "external"
    flags = "".join([", chair" if member.is_chair else "",
                     ", secretary" if member.is_secretary else ""])
    return f"role={member.role}, {who}{flags}"


def _task_summary(task: Task) -> str:
    who = (f"member #{task.responsible_member_id}" if task.responsible_member_id
           else f"organisation #{task.responsible_organisation_id}"
           if task.responsible_organisation_id else f"user #{task.responsible_user_id}"
           if task.responsible_user_id else "no one")
    return f"deadline={task.deadline:%Y-%m-%d}, responsible={who}"
