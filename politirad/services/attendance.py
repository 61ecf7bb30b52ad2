"""Writes for attendance (§4.1.1, §5.2)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samarbeid import audit
from samarbeid.models import AuditAction

from .. import selectors
from ..models import (
    Attendance,
    AttendanceStatus,
    Meeting,
)
from .counters import meeting_counters_refresh
from .meetings import _refuse_if_minutes_approved


@transaction.atomic
def attendance_record(*, meeting: Meeting, actor: Any, statuses: dict[int, str]) -> None:
    """Present / sent apologies / absent per member (§4.1.1: top leadership should attend)."""
    _refuse_if_minutes_approved(meeting)
    member_ids = set(selectors.council_members(meeting.council).values_list("pk", flat=True))
    for member_id, status in statuses.items():
        if member_id not in member_ids or status not in AttendanceStatus.values:
            raise ValidationError(_("Unknown member or attendance status."))
        Attendance.objects.update_or_create(meeting=meeting, member_id=member_id,
                                            defaults={"status": status})
    meeting_counters_refresh(meeting_ids=[meeting.pk])
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=meeting,
                 summary=f"attendance for {len(statuses)} members")
