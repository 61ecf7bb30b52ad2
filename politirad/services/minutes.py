"""Writes for minutes: entries, approval, publishing and corrections (§4.1.5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samarbeid import audit
from samarbeid.models import AuditAction, Organisation
from samarbeid.validators import refuse_identity_numbers

from .. import selectors
from ..models import (
    AgendaItem,
    CouncilMember,
    Decision,
    Meeting,
    Minutes,
    MinutesCorrection,
    MinutesEntry,
    MinutesStatus,
    Task,
)
from ._trail import _task_summary
from .counters import meeting_counters_refresh


@dataclass(frozen=True)
class TaskSpec:
    """A task written together with an item's minutes."""

    title: str
    deadline: dt.date
    responsible_member: CouncilMember | None = None
    responsible_organisation: Organisation | None = None


def minutes_for(meeting: Meeting) -> Minutes:
    minutes, _created = Minutes.objects.get_or_create(meeting=meeting)
    return minutes


def _require_draft(minutes: Minutes) -> None:
    if not minutes.is_draft:
        raise ValidationError(_("The minutes are approved and can no longer be changed. Add a "
                                "dated correction instead."))


@transaction.atomic
def minutes_entry_save(*, meeting: Meeting, agenda_item: AgendaItem, actor: Any, notes: str,
                       decisions: Sequence[str], access_level: str = "open",
                       legal_basis: str = "", tasks: Sequence[TaskSpec] = ()) -> MinutesEntry:
    """Notes, decisions and new tasks of one item in one transaction: a failure half-way
    (e.g. the database going away, issue 7 §4) stores none of it, so the minutes are never
    half-saved."""
    if agenda_item.meeting_id != meeting.pk:
        raise ValidationError(_("The agenda item belongs to another meeting."))
    minutes = minutes_for(meeting)
    _require_draft(minutes)
    # §4.1.5: minutes are about measures, not persons (errors named as the minutes form's).
    refuse_identity_numbers({"notes": notes, "decisions": "\n".join(decisions),
                             "task_title": "\n".join(spec.title for spec in tasks)})
    existing = MinutesEntry.objects.filter(minutes=minutes, agenda_item=agenda_item).first()
    entry = existing or MinutesEntry(minutes=minutes, agenda_item=agenda_item)
    entry.notes, entry.access_level, entry.legal_basis = notes, access_level, legal_basis
    entry.full_clean()
    entry.save()
    for decision in entry.decisions.all():
        decision.delete()
    texts = [d.strip() for d in decisions if d.strip()]
    for number, text in enumerate(texts, start=1):
        Decision.objects.create(entry=entry, number=number, text=text)
    # Notes and decisions may be exempt (offl. § 13): item number, level and counts only.
    audit.record(actor=actor, action=AuditAction.CHANGE if existing else AuditAction.CREATE,
                 obj=entry, summary=f"access={access_level}, {len(texts)} decisions")
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=minutes,
                 summary=f"item {agenda_item.number}: entry {'changed' if existing else 'created'}"
                         f", access={access_level}, {len(texts)} decisions")
    for spec in tasks:
        task_create(meeting=meeting, actor=actor, agenda_item=agenda_item, title=spec.title,
                    deadline=spec.deadline, responsible_member=spec.responsible_member,
                    responsible_organisation=spec.responsible_organisation)
    return entry


@transaction.atomic
def minutes_approve(*, minutes: Minutes, actor: Any) -> Minutes:
    """The chair approves the minutes; from then on they never change."""
    minutes = Minutes.objects.select_for_update().select_related("meeting__council").get(
        pk=minutes.pk)
    if not selectors.is_chair(actor, minutes.meeting.council):
        raise PermissionDenied(_("Only the chair of the council can approve the minutes."))
    _require_draft(minutes)
    meeting = minutes.meeting
    if not meeting.is_past:
        raise ValidationError(_("The meeting has not started yet. Minutes can be approved "
                                "after the meeting is held."))
    if not meeting.attendances.exists():
        raise ValidationError(_("Register who attended before approving the minutes: the "
                                "minutes record who was present (§4.1.2)."))
    if not minutes.entries.exists():
        raise ValidationError(_("The minutes are empty. Write the minutes for at least one "
                                "agenda item before approving."))
    # The follow-up list the minutes show is fixed now: a later task never enters it.
    follow_up = list(selectors.follow_up_all(meeting).values_list("pk", flat=True))
    minutes.status = MinutesStatus.APPROVED
    minutes.approved_at = timezone.now()
    minutes.approved_by = actor
    minutes.save()
    minutes.follow_up.set(follow_up)
    audit.record(actor=actor, action=AuditAction.APPROVE, obj=minutes, summary=str(minutes.meeting))
    return minutes


@transaction.atomic
def minutes_publish(*, minutes: Minutes, actor: Any) -> Minutes:
    minutes = Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes.pk)
    if minutes.status != MinutesStatus.APPROVED:
        raise ValidationError(_("Only approved minutes can be published. Ask the chair to "
                                "approve them first."))
    minutes.status = MinutesStatus.PUBLISHED
    minutes.published_at = timezone.now()
    minutes.save()
    audit.record(actor=actor, action=AuditAction.PUBLISH, obj=minutes, summary=str(minutes.meeting))
    from samarbeid.tasks import enqueue_on_commit

    from .. import tasks

    enqueue_on_commit(tasks.notify_minutes_published, minutes.pk)
    return minutes


@transaction.atomic
def minutes_correction_add(*, minutes: Minutes, actor: Any, text: str,
                           access_level: str = "open", legal_basis: str = "") -> MinutesCorrection:
    """Approved minutes never change; a correction is a new, dated entry."""
    minutes = Minutes.objects.get(pk=minutes.pk)
    if minutes.is_draft:
        raise ValidationError(_("The minutes are still a draft: change the text directly."))
    correction = MinutesCorrection(minutes=minutes, text=text, author=actor,
                                   access_level=access_level, legal_basis=legal_basis)
    correction.full_clean()
    correction.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=correction,
                 summary=f"access={access_level}")
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=minutes,
                 summary=f"correction #{correction.pk} added, access={access_level}")
    return correction


@transaction.atomic
def task_create(*, meeting: Meeting, actor: Any, title: str, deadline: dt.date,
                agenda_item: AgendaItem | None = None,
                responsible_member: CouncilMember | None = None,
                responsible_organisation: Organisation | None = None,
                description: str = "") -> Task:
    """A task from the minutes (§4.1.2: tasks, who is responsible, the deadline)."""
    minutes = minutes_for(meeting)
    _require_draft(minutes)
    if responsible_member is not None and responsible_member.council_id != meeting.council_id:
        raise ValidationError({"responsible_member": _("Choose a member of this council.")})
    entry = None
    if agenda_item is not None:
        if agenda_item.meeting_id != meeting.pk:
            raise ValidationError({"agenda_item": _("Choose an item on this meeting's agenda.")})
        entry = MinutesEntry.objects.filter(minutes=minutes, agenda_item=agenda_item).first()
        if entry is None:
            entry = MinutesEntry(minutes=minutes, agenda_item=agenda_item,
                                 access_level=agenda_item.access_level,
                                 legal_basis=agenda_item.legal_basis)
            entry.full_clean()
            entry.save()
    task = Task(
        council_id=meeting.council_id, meeting=meeting, entry=entry, title=title,
        description=description, deadline=deadline, created_by=actor,
        responsible_member=responsible_member, responsible_organisation=responsible_organisation,
        responsible_user=responsible_member.user if responsible_member else None,
    )
    task.full_clean()
    task.save()  # arms its deadline reminder
    meeting_counters_refresh(meeting_ids=[meeting.pk])
    audit.record(actor=actor, action=AuditAction.CREATE, obj=task, summary=_task_summary(task))
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=minutes,
                 summary=f"task #{task.pk} added")
    return task
