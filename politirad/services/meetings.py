"""Writes for meetings: planning and changing them, with the agreement's agenda deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samarbeid import audit
from samarbeid.models import AuditAction

from .. import selectors
from ..models import (
    Meeting,
    Minutes,
    MinutesStatus,
    PoliceCouncil,
)
from ._trail import _MEETING_FIELDS, _changed, _fields_summary, _values, _when


def _agenda_deadline(council: PoliceCouncil, starts_at: dt.datetime) -> dt.datetime:
    """Lead time from the agreement in force (§3, §4.1.2: agenda «in good time»)."""
    lead = selectors.terms_for([council])[council.pk].agenda_lead_days
    return starts_at - dt.timedelta(days=lead)


@transaction.atomic
def meeting_create(*, council: PoliceCouncil, actor: Any, starts_at: dt.datetime,
                   ends_at: dt.datetime | None = None, place: str = "", video_url: str = "",
                   title: str = "") -> Meeting:
    meeting = Meeting(council=council, starts_at=starts_at, ends_at=ends_at, place=place,
                      video_url=video_url, title=title, created_by=actor,
                      agenda_deadline=_agenda_deadline(council, starts_at))
    meeting.full_clean()
    meeting.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=meeting,
                 summary=_when(meeting.starts_at))
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, actor: Any, starts_at: dt.datetime,
                   ends_at: dt.datetime | None, place: str, video_url: str, title: str,
                   cancelled: bool = False) -> Meeting:
    before = _values(meeting, _MEETING_FIELDS)
    meeting.starts_at, meeting.ends_at, meeting.place = starts_at, ends_at, place
    meeting.video_url, meeting.title, meeting.cancelled = video_url, title, cancelled
    meeting.agenda_deadline = _agenda_deadline(meeting.council, starts_at)
    meeting.sequence += 1  # calendars replace the earlier version of the event
    meeting.full_clean()
    meeting.save()
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=meeting,
                 summary=_fields_summary(_changed(before, _values(meeting, _MEETING_FIELDS))))
    return meeting


def _refuse_if_minutes_approved(meeting: Meeting) -> None:
    status = Minutes.objects.filter(meeting=meeting).values_list("status", flat=True).first()
    if status and status != MinutesStatus.DRAFT:
        raise ValidationError(_("The minutes of this meeting are approved, so its agenda and "
                                "attendance can no longer change."))
