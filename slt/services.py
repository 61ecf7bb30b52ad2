"""Writes in SLT (Veileder §6). Keyword-only, typed, atomic; rules live here and in the
models' clean()/save() so the admin and the shell obey them too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samarbeid import access, audit
from samarbeid.models import AuditAction, Municipality

from . import reminders
from .models import (
    LEVEL_ORDER,
    DashboardVisit,
    LevelMeeting,
    LevelMember,
    MeasureUpdate,
    SltActionPlan,
    SltLevel,
    SltMeasure,
    SltModel,
    SltStatus,
)

MEASURE_FIELDS = [
    "title", "description", "age_from", "age_to", "target_group", "focus_area",
    "focus_area_other", "level", "responsible", "responsible_name", "coordination_step",
    "starts_on", "ends_on", "status", "action_plan", "council_task",
]


# What the audit summary names when it changed (issue 7 §3). Values of free-text fields stay
# out of the trail: it is shown to every reader and kept after the text is corrected.
_MODEL_AUDITED = ["status", "status_note", "coordinator_id", "coordinator_title"]


def _summary(*parts: str | list[str]) -> str:
    words: list[str] = []
    for part in parts:
        words.extend([part] if isinstance(part, str) else part)
    return ", ".join(w for w in words if w)


def _check_shared(*, slt_model: SltModel, others: Iterable[Municipality]) -> None:
    """A municipality takes part in one SLT model only (its own, or one shared with others)."""
    others = list(others)
    if any(m.pk == slt_model.municipality_id for m in others):
        raise ValidationError({"other_municipalities": _(
            "The municipality itself cannot be listed among the municipalities it shares "
            "SLT with.")})
    ids = [m.pk for m in others]
    own = SltModel.objects.filter(municipality_id__in=ids).exclude(pk=slt_model.pk).filter(
        status=SltStatus.ESTABLISHED).select_related("municipality")
    shared = (SltModel.other_municipalities.through.objects
              .filter(municipality_id__in=ids).exclude(sltmodel_id=slt_model.pk)
              .select_related("municipality"))
    taken = sorted({str(m.municipality) for m in own} | {str(s.municipality) for s in shared})
    if taken:
        raise ValidationError({"other_municipalities": _(
            "%(names)s already take(s) part in another SLT model. Remove them there first, "
            "or choose other municipalities.") % {"names": ", ".join(taken)}})


def _check_may_share(*, actor: Any, added: list[Municipality]) -> None:
    """Listing a municipality in a shared model takes it out of recording its own SLT (§6):
    only someone who works on SLT there may add it, so one municipality cannot lock another.
    The system (actor None: demo, data loads) is trusted."""
    if actor is None or not added:
        return
    allowed = set(access.municipalities(actor, access.Level.WORK)
                  .filter(pk__in=[m.pk for m in added]).values_list("pk", flat=True))
    refused = sorted(str(m) for m in added if m.pk not in allowed)
    if refused:
        raise ValidationError({"other_municipalities": _(
            "You do not work on SLT in %(names)s, so you cannot add it to this SLT model. Ask "
            "the SLT coordinator or a leader there to add it, or choose other "
            "municipalities.") % {"names": ", ".join(refused)}})


@transaction.atomic
def slt_model_save(
    *,
    municipality: Municipality,
    status: str,
    actor: Any,
    status_note: str = "",
    coordinator: Any = None,
    coordinator_title: str = "SLT-koordinator",
    other_municipalities: Iterable[Municipality] = (),
) -> SltModel:
    """Record (or change) a municipality's SLT model and make sure its three levels exist.

    "Not established" and "other model" are legitimate choices: SLT is voluntary (§6)."""
    slt_model = SltModel.objects.select_for_update().filter(municipality=municipality).first()
    created = slt_model is None
    if slt_model is None:
        slt_model = SltModel(municipality=municipality)
    before = {name: getattr(slt_model, name) for name in _MODEL_AUDITED}
    before_others = (set() if created else
                     set(slt_model.other_municipalities.values_list("pk", flat=True)))
    slt_model.status = status
    slt_model.status_note = status_note
    slt_model.coordinator = coordinator
    slt_model.coordinator_title = coordinator_title or "SLT-koordinator"
    slt_model.full_clean()
    others = list(other_municipalities)
    if status == SltStatus.ESTABLISHED:
        host = (SltModel.objects.filter(other_municipalities=municipality)
                .exclude(municipality=municipality).select_related("municipality").first())
        if host is not None:
            raise ValidationError({"status": _(
                "%(name)s already takes part in the SLT model shared with %(host)s. Remove it "
                "there first, or record SLT as another model here.") % {
                    "name": municipality, "host": host.municipality}})
    _check_shared(slt_model=slt_model, others=others)
    _check_may_share(actor=actor, added=[m for m in others if m.pk not in before_others])
    slt_model.save()
    slt_model.other_municipalities.set(others)
    existing = set(slt_model.levels.values_list("kind", flat=True))
    new_levels = SltLevel.objects.bulk_create(
        [SltLevel(slt_model=slt_model, kind=kind) for kind in LEVEL_ORDER if kind not in existing]
    )
    for level in new_levels:
        audit.record(actor=actor, action=AuditAction.CREATE, obj=level, summary=str(level.kind))
    changed = [name.removesuffix("_id") for name in _MODEL_AUDITED
               if getattr(slt_model, name) != before[name]]
    if {m.pk for m in others} != before_others:
        changed.append("other_municipalities")
    # Issue 7 §3: field names and the status code only, never the free-text note.
    audit.record(actor=actor, action=AuditAction.CREATE if created else AuditAction.CHANGE,
                 obj=slt_model, summary=_summary(f"status={status}", changed))
    return slt_model


@transaction.atomic
def level_update(*, level: SltLevel, description: str, actor: Any,
                 police_council: Any = None) -> SltLevel:
    """Describe a level; the steering level may be linked to the police council (§6)."""
    changed = [name for name, value in (("description", description),
                                        ("police_council", police_council))
               if getattr(level, name) != value]
    level.description = description
    level.police_council = police_council
    level.full_clean()
    level.save()
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=level,
                 summary=_summary(str(level.kind), changed))
    return level


@transaction.atomic
def level_member_add(*, level: SltLevel, actor: Any, user: Any = None, name: str = "",
                     email: str = "", organisation: str = "", role: str = "") -> LevelMember:
    if user is not None and level.members.filter(user=user).exists():
        raise ValidationError({"user": _(
            "%(name)s is already a member of this level.") % {
                "name": user.get_full_name() or user.get_username()}})
    member = LevelMember(level=level, user=user, name=name, email=email,
                         organisation=organisation, role=role)
    member.full_clean()
    member.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=member,
                 summary=_member_summary(member))
    return member


@transaction.atomic
def level_member_remove(*, member: LevelMember, actor: Any) -> None:
    audit.record(actor=actor, action=AuditAction.DELETE, obj=member,
                 summary=_member_summary(member))
    member.delete()


def _member_summary(member: LevelMember) -> str:
    """The level and who: a portal user by username, someone outside the portal by name (the
    member list shows that name too); never the e-mail address."""
    who = member.user.get_username() if member.user_id and member.user else member.name
    return f"{member.level.kind}: {who}"


@transaction.atomic
def level_meeting_add(*, level: SltLevel, date: dt.date, notes: str, actor: Any) -> LevelMeeting:
    meeting = LevelMeeting(level=level, date=date, notes=notes)
    meeting.full_clean()
    meeting.save()
    # The notes may hold personal data (§4.1.5): the date and level only.
    audit.record(actor=actor, action=AuditAction.CREATE, obj=meeting,
                 summary=f"{level.kind}: {meeting.date:%Y-%m-%d}")
    return meeting


@transaction.atomic
def action_plan_create(*, slt_model: SltModel, year: int, actor: Any, title: str = "",
                       goals: str = "") -> SltActionPlan:
    if slt_model.action_plans.filter(year=year).exists():
        raise ValidationError({"year": _(
            "There is already an action plan for %(year)s. Open it and add measures there.")
            % {"year": year}})
    plan = SltActionPlan(slt_model=slt_model, year=year, title=title, goals=goals)
    plan.full_clean()
    plan.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=plan, summary=str(year))
    return plan


def _require_measures_allowed(slt_model: SltModel) -> None:
    if slt_model.status == SltStatus.NOT_ESTABLISHED:
        raise ValidationError(_(
            "SLT is recorded as not established in %(name)s, so measures cannot be added. "
            "If the municipality has established SLT or another model, change the SLT status "
            "first.") % {"name": slt_model.municipality})


@transaction.atomic
def _require_readable_task(task: Any, actor: Any) -> None:
    """A measure links only a council task its author may read (the council policy, as the
    form's choices): the same rule for every entry point. Without an actor (demo, shell) any
    task of the municipality's councils will do (the model checks that)."""
    if task is None or actor is None:
        return
    from politirad.selectors import visible_tasks

    if not visible_tasks(actor).filter(pk=task.pk).exists():
        raise ValidationError({"council_task": _(
            "Choose a task of a police council of this municipality.")})


def measure_create(*, slt_model: SltModel, actor: Any, **fields: Any) -> SltMeasure:
    """Create a measure on one of the model's levels (§6)."""
    _require_measures_allowed(slt_model)
    unknown = set(fields) - set(MEASURE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    _require_readable_task(fields.get("council_task"), actor)
    measure = SltMeasure(slt_model=slt_model, created_by=actor, **fields)
    measure.full_clean()
    measure.next_reminder_at = reminders.measure_next_reminder(measure)
    measure.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=measure,
                 summary=_summary(f"status={measure.status}", f"level={measure.level.kind}"))
    return measure


@transaction.atomic
def measure_update(*, measure: SltMeasure, actor: Any, **fields: Any) -> SltMeasure:
    unknown = set(fields) - set(MEASURE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    changed = [name for name, value in fields.items() if getattr(measure, name) != value]
    if "council_task" in changed:
        _require_readable_task(fields["council_task"], actor)
    for name, value in fields.items():
        setattr(measure, name, value)
    measure.full_clean()
    if "ends_on" in changed or "status" in changed:  # a new deadline is reminded again
        measure.next_reminder_at = reminders.measure_next_reminder(measure)
    measure.save()
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=measure,
                 summary=_summary(changed, [f"status={measure.status}"] if "status" in changed
                                  else []))
    return measure


@transaction.atomic
def measure_add_update(*, measure: SltMeasure, text: str, actor: Any,
                       date: dt.date | None = None, status: str | None = None) -> MeasureUpdate:
    """Write a progress entry; optionally move the measure to a new status at the same time."""
    if not text.strip():
        raise ValidationError({"text": _("Write what has happened since the last update.")})
    entry = MeasureUpdate(measure=measure, text=text, author=actor,
                          date=date or timezone.localdate())
    entry.full_clean()
    entry.save()
    previous = measure.status
    if status and status != measure.status:
        measure.status = status
        measure.full_clean()
        measure.next_reminder_at = reminders.measure_next_reminder(measure)
    # Touch updated_at so the dashboard shows the measure as changed.
    measure.save()
    # The progress text is free text that may name children or families: it stays on the
    # measure (where access is checked), not in the trail (issue 7 §3).
    audit.record(actor=actor, action=AuditAction.PROGRESS, obj=measure, summary=_summary(
        f"{entry.date:%Y-%m-%d}",
        f"status {previous}->{measure.status}" if previous != measure.status else ""))
    return entry


def dashboard_visit(*, user: Any) -> dt.datetime | None:
    """Mark this visit and return the previous one (None on the first visit)."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        # One statement instead of a read and a write, and no IntegrityError when two tabs
        # open the dashboard at once: an upsert whose RETURNING subquery still sees the row
        # as it was before the statement (PostgreSQL evaluates it on the statement's snapshot).
        table = DashboardVisit._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f'INSERT INTO "{table}" (user_id, seen_at) VALUES (%s, %s) '  # noqa: S608
                f"ON CONFLICT (user_id) DO UPDATE SET seen_at = EXCLUDED.seen_at "
                f'RETURNING (SELECT v.seen_at FROM "{table}" v WHERE v.user_id = %s)',
                [user.pk, now, user.pk])
            previous: dt.datetime | None = cursor.fetchone()[0]
        return previous
    visit = DashboardVisit.objects.filter(user=user).first()
    if visit is None:
        DashboardVisit.objects.create(user=user, seen_at=now)
        return None
    DashboardVisit.objects.filter(pk=visit.pk).update(seen_at=now)
    return visit.seen_at
