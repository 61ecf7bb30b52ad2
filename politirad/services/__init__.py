"""Writes for police councils. Keyword-only, typed, atomic; each refusal is a
ValidationError with a Norwegian message that says why and what to do."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samarbeid import access, audit, notify, uploads
from samarbeid.models import AuditAction, Municipality, Organisation
from samarbeid.validators import refuse_identity_numbers

from .. import ical, selectors
from ..models import (
    ActionPlan,
    AgendaAttachment,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    CouncilKind,
    CouncilMember,
    CouncilMunicipality,
    CouncilMunicipalityRequest,
    Decision,
    KnowledgeBaseRequest,
    Measure,
    Meeting,
    Minutes,
    MinutesCorrection,
    MinutesEntry,
    MinutesStatus,
    PoliceCouncil,
    Task,
    TaskComment,
    TaskStatus,
    entry_exempt_q,
)

logger = logging.getLogger(__name__)


# --- Audit trail (issue 7 §3) -----------------------------------------------------------------
# Summaries hold codes, dates, counts and field names, never typed text: titles, notes,
# decisions and names may be personal or exempt (offl. § 13, guide §4.1.5), and the trail is
# read by people who may not see the object's content.

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


# --- Councils -------------------------------------------------------------------------------


def _set_municipalities(council: PoliceCouncil, municipalities: Iterable[Municipality],
                        actor: Any) -> list[Municipality]:
    """Link the municipalities the actor works in; ask the others (§4.4: a municipality joins
    a regional council only when someone who works there accepts). Returns those asked."""
    chosen = {m.pk: m for m in municipalities}
    wanted = set(chosen) | {council.municipality_id}
    if council.kind != CouncilKind.REGIONAL:
        wanted = {council.municipality_id}  # §4.4: only regional councils span several
    CouncilMunicipality.objects.filter(council=council).exclude(municipality_id__in=wanted).delete()
    CouncilMunicipalityRequest.objects.filter(
        council=council, status=CouncilMunicipalityRequest.Status.PENDING
    ).exclude(municipality_id__in=wanted).delete()
    existing = set(CouncilMunicipality.objects.filter(council=council)
                   .values_list("municipality_id", flat=True))
    pending = set(CouncilMunicipalityRequest.objects.filter(
        council=council, status=CouncilMunicipalityRequest.Status.PENDING
    ).values_list("municipality_id", flat=True))
    asked = []
    for pk in sorted(wanted - existing):
        municipality = chosen.get(pk) or Municipality.objects.get(pk=pk)
        if pk == council.municipality_id or access.can(actor, access.Level.WORK, municipality):
            CouncilMunicipality.objects.create(council=council, municipality_id=pk)
        elif pk not in pending:
            CouncilMunicipalityRequest.objects.create(council=council, municipality_id=pk,
                                                      requested_by=actor)
            asked.append(municipality)
            audit.record(actor=actor, action=AuditAction.REQUEST, obj=council,
                         summary=f"municipality {municipality.number} asked to join")
    if hasattr(council, "_linked_municipalities"):
        del council._linked_municipalities
    return asked


@transaction.atomic
def council_municipality_decide(*, request: CouncilMunicipalityRequest, actor: Any,
                                accept: bool) -> CouncilMunicipalityRequest:
    """Someone who works in the municipality accepts or declines joining the council."""
    request = CouncilMunicipalityRequest.objects.select_for_update().select_related(
        "municipality", "council").get(pk=request.pk)
    if request.status != CouncilMunicipalityRequest.Status.PENDING:
        raise ValidationError(_("This request is already answered."))
    if not access.can(actor, access.Level.WORK, request.municipality):
        raise PermissionDenied(_("Only someone who works in %(municipality)s can answer for "
                                 "it.") % {"municipality": request.municipality.name})
    request.status = (CouncilMunicipalityRequest.Status.ACCEPTED if accept
                      else CouncilMunicipalityRequest.Status.DECLINED)
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    if accept:
        CouncilMunicipality.objects.get_or_create(council=request.council,
                                                  municipality=request.municipality)
    audit.record(actor=actor, action=AuditAction.APPROVE if accept else AuditAction.DECLINE,
                 obj=request.council,
                 summary=f"municipality {request.municipality.number} "
                         f"{'joined' if accept else 'declined'}")
    return request


@transaction.atomic
def council_create(*, actor: Any, name: str, kind: str, municipality: Municipality,
                   municipalities: Iterable[Municipality] = (), theme: str = "",
                   description: str = "", bylaws_review_on: dt.date | None = None,
                   public_minutes: bool = True) -> PoliceCouncil:
    council = PoliceCouncil(name=name, kind=kind, municipality=municipality, theme=theme,
                            description=description, bylaws_review_on=bylaws_review_on,
                            public_minutes=public_minutes)
    council.full_clean()
    council.save()
    _set_municipalities(council, municipalities, actor)
    # Issue 7 §3: codes and field names only; names and descriptions stay on the object.
    audit.record(actor=actor, action=AuditAction.CREATE, obj=council, summary=f"kind={kind}")
    return council


@transaction.atomic
def council_update(*, council: PoliceCouncil, actor: Any, name: str, kind: str, theme: str = "",
                   description: str = "", bylaws_review_on: dt.date | None = None,
                   municipalities: Iterable[Municipality] = (),
                   public_minutes: bool | None = None) -> PoliceCouncil:
    before = _values(council, _COUNCIL_FIELDS)
    before_municipalities = set(council.council_municipalities.values_list("municipality_id",
                                                                           flat=True))
    council.name, council.kind, council.theme = name, kind, theme
    council.description, council.bylaws_review_on = description, bylaws_review_on
    if public_minutes is not None:  # offentleglova page on or off (None: leave as it is)
        council.public_minutes = public_minutes
    council.full_clean()
    council.save()
    _set_municipalities(council, municipalities, actor)
    changed = _changed(before, _values(council, _COUNCIL_FIELDS))
    if set(council.council_municipalities.values_list("municipality_id", flat=True)) \
            != before_municipalities:
        changed.append("municipalities")
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=council,
                 summary=_fields_summary(changed))
    return council


# --- Members --------------------------------------------------------------------------------


@transaction.atomic
def council_member_add(*, council: PoliceCouncil, actor: Any, role: str, user: Any = None,
                       name: str = "", email: str = "", organisation: Organisation | None = None,
                       is_chair: bool = False, is_secretary: bool = False,
                       invited: bool = False) -> CouncilMember:
    """Add a member. A portal user's seat gives them this council and nothing else.

    Only someone who works in the council's municipalities or district can be seated by
    user name (others come in as external members or by invitation), and no one can make
    themselves chair: the chair approves the minutes (§4.1.2).
    """
    if user is not None and CouncilMember.objects.active().filter(council=council,
                                                                  user=user).exists():
        raise ValidationError({"user": _("This person is already a member of the council.")})
    # `invited`: the person accepted an invitation to this council (they hold no role of
    # their own, e.g. business, volunteers, schools — §4.2); the forms never pass it.
    if user is not None and not invited \
            and not selectors.eligible_members(council).filter(pk=user.pk).exists():
        raise ValidationError({"username": _(
            "No one with this user name or e-mail works in the council's municipalities. "
            "Check the spelling, or add the person as an external member with name and "
            "e-mail.")})
    if is_chair and user is not None and actor is not None and user.pk == actor.pk:
        raise ValidationError({"is_chair": _(
            "You cannot make yourself chair: the chair approves the minutes. Ask the other "
            "party or the district administrator to appoint the chair.")})
    member = CouncilMember(council=council, user=user, name=name, email=email,
                           organisation=organisation, role=role, is_chair=is_chair,
                           is_secretary=is_secretary)
    member.full_clean()
    if is_chair:  # one chair at a time
        # Row by row, not update(): each save bumps the former chair's principal.
        for former in CouncilMember.objects.filter(council=council, is_chair=True):
            former.is_chair = False
            former.save(update_fields=["is_chair"])
    member.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=member,
                 summary=_member_summary(member))
    return member


@transaction.atomic
def council_member_remove(*, member: CouncilMember, actor: Any) -> CouncilMember:
    """End the seat; the access it gave ends with it (the policy reads `ends_on`)."""
    if member.ends_on is not None:
        raise ValidationError(_("The member has already left the council."))
    member.ends_on = timezone.localdate()
    member.is_chair = False
    member.save(update_fields=["ends_on", "is_chair"])
    audit.record(actor=actor, action=AuditAction.END, obj=member,
                 summary=_member_summary(member))
    return member


# --- Meetings and agendas ---------------------------------------------------------------------


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


def check_attachment(upload: UploadedFile) -> tuple[str, str]:
    """(clean file name, content type) or ValidationError (the core's one validator)."""
    return uploads.check_upload(upload, field="attachment")


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, actor: Any, title: str, description: str = "",
                    presenter: str = "", access_level: str = "open", legal_basis: str = "",
                    attachments: Sequence[UploadedFile] = ()) -> AgendaItem:
    _refuse_if_minutes_approved(meeting)
    number = (meeting.agenda_items.aggregate(n=Max("number"))["n"] or 0) + 1
    item = AgendaItem(meeting=meeting, number=number, title=title, description=description,
                      presenter=presenter, access_level=access_level, legal_basis=legal_basis)
    item.full_clean()
    item.save()
    for upload in attachments:
        attachment_add(item=item, upload=upload, actor=actor)
    # The title may name people or exempt matters (offl. § 13): number and level only.
    audit.record(actor=actor, action=AuditAction.CREATE, obj=item,
                 summary=f"item {number}, access={access_level}")
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=meeting,
                 summary=f"agenda item {number} added")
    return item


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, actor: Any, title: str, description: str,
                       presenter: str, access_level: str, legal_basis: str,
                       attachments: Sequence[UploadedFile] = ()) -> AgendaItem:
    _refuse_if_minutes_approved(item.meeting)
    before = _values(item, _ITEM_FIELDS)
    item.title, item.description, item.presenter = title, description, presenter
    item.access_level, item.legal_basis = access_level, legal_basis
    item.full_clean()
    item.save()
    for upload in attachments:
        attachment_add(item=item, upload=upload, actor=actor)
    changed = _changed(before, _values(item, _ITEM_FIELDS))
    if attachments:
        changed.append("attachments")
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=item,
                 summary=_fields_summary(changed))
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=item.meeting,
                 summary=f"agenda item {item.number}: {_fields_summary(changed)}")
    return item


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem, actor: Any) -> None:
    """Remove an item before the agenda is sent; the items after it move up one number.
    Refused once the agenda is sent or the minutes are approved (model guards)."""
    from ..models import refuse_agenda_change_after_sending

    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    _refuse_if_minutes_approved(meeting)
    refuse_agenda_change_after_sending(meeting.pk)
    if item.entries.exists():
        raise ValidationError(_("The minutes already have notes on this item, so it cannot be "
                                "removed."))
    number = item.number
    item.delete()
    # One row at a time, lowest first: each number is free when it is taken (the unique
    # constraint is checked per row in PostgreSQL).
    for later in meeting.agenda_items.filter(number__gt=number).order_by("number"):
        later.number -= 1
        later.save(update_fields=["number"])
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=meeting,
                 summary=f"agenda item {number} removed")


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, actor: Any, up: bool) -> AgendaItem:
    """Swap an item with its neighbour above (`up`) or below, before the agenda is sent."""
    from ..models import refuse_agenda_change_after_sending

    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    _refuse_if_minutes_approved(meeting)
    refuse_agenda_change_after_sending(meeting.pk)
    item.refresh_from_db()
    items = meeting.agenda_items.order_by("number")
    other = (items.filter(number__lt=item.number).last() if up
             else items.filter(number__gt=item.number).first())
    if other is None:
        return item
    mine, theirs = item.number, other.number
    item.number = 0  # free the number for the swap
    item.save(update_fields=["number"])
    other.number = mine
    other.save(update_fields=["number"])
    item.number = theirs
    item.save(update_fields=["number"])
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=meeting,
                 summary=f"agenda item {mine} moved to {theirs}")
    return item


def attachment_add(*, item: AgendaItem, upload: UploadedFile, actor: Any) -> AgendaAttachment:
    name, content_type = check_attachment(upload)
    attachment = AgendaAttachment(item=item, filename=name, content_type=content_type,
                                  size=upload.size or 0, uploaded_by=actor)
    attachment.file.save(name, upload, save=False)
    attachment.save()
    # The file name may say what the document is about: type and size only.
    audit.record(actor=actor, action=AuditAction.CREATE, obj=attachment,
                 summary=f"item {item.number}: {content_type}, {attachment.size} bytes")
    return attachment


def agenda_key(meeting: Meeting) -> str:
    """One ledger key per meeting and version of its invitation: a re-send reaches only those
    who did not get this version; a changed meeting (a new SEQUENCE) reaches everyone."""
    return f"politirad:agenda:{meeting.pk}:{meeting.sequence}"


@transaction.atomic
def agenda_send(*, meeting: Meeting, actor: Any) -> int:
    """Send the agenda with an .ics invitation to every member; record when it went out.

    The e-mails go from a task after commit, through the ledger (one key per member and
    version), so the request never waits on the mail server, a re-send reaches only those
    who did not get it, and a failed address is tried again by the delivery scan. Sending
    after the lead time is allowed but shown as late (§4.1.2). Returns the number of members
    the agenda is for.
    """
    from samarbeid.tasks import enqueue_on_commit

    from .. import tasks

    meeting = Meeting.objects.select_for_update().select_related("council").get(pk=meeting.pk)
    if not meeting.may_send_agenda:
        raise ValidationError(_("The meeting has started (or its minutes are approved), so "
                                "there is no agenda to send any more."))
    if not meeting.agenda_items.exists():
        raise ValidationError(_("The agenda is empty. Add at least one item before you send it."))
    members = [m for m in selectors.council_members(meeting.council) if m.contact_email]
    if not members:
        raise ValidationError(_("No member of the council has an e-mail address. Add members "
                                "before you send the agenda."))
    if meeting.agenda_sent_at is None:
        meeting.agenda_sent_at = timezone.now()
        meeting.save(update_fields=["agenda_sent_at"])
    audit.record(actor=actor, action=AuditAction.SEND, obj=meeting,
                 summary=f"agenda v{meeting.sequence} for {len(members)} members")
    enqueue_on_commit(tasks.send_agenda, meeting.pk)
    return len(members)


def agenda_deliver(*, meeting_id: int) -> int:
    """Send the agenda to each member who has not received this version (ledger). Returns how
    many got it now; a failing address stays FAILED in the ledger and is tried again."""
    meeting = Meeting.objects.select_related("council").get(pk=meeting_id)
    if meeting.agenda_sent_at is None or not meeting.may_send_agenda:
        return 0
    items = list(meeting.agenda_items.all())
    members = [m for m in selectors.council_members(meeting.council) if m.contact_email]
    # E-mail leaves the portal: exempt content (and tasks under exempt items) stays out.
    follow_up = list(selectors.follow_up_all(meeting).exclude(entry_exempt_q("entry__"))
                     .select_related("responsible_member__user", "responsible_organisation",
                                     "responsible_user"))
    ics = ical.calendar_bytes([meeting], method="REQUEST")
    url = settings.SITE_URL.rstrip("/") + reverse("politirad:meeting_detail", args=[meeting.pk])
    subject = _("Agenda: %(council)s %(date)s") % {
        "council": meeting.council.name,
        "date": date_format(timezone.localtime(meeting.starts_at), "SHORT_DATETIME_FORMAT"),
    }
    sent = 0
    for member in members:
        try:
            if notify.send_once(
                key=agenda_key(meeting), recipient=member.contact_email, subject=subject,
                template="politirad/email/agenda.txt", user=member.user,
                context={"meeting": meeting, "items": items, "follow_up": follow_up,
                         "url": url, "member": member},
                attachments=[("invitation.ics", ics, "text/calendar; method=REQUEST")],
            ):
                sent += 1
        except Exception as exc:  # one bad address or a mail-server hiccup must not lose the rest
            logger.warning("agenda for meeting #%s to member #%s failed: %s", meeting.pk,
                           member.pk, type(exc).__name__)
    return sent


def agenda_delivery(meeting: Meeting) -> tuple[int, int]:
    """(members who got this version of the agenda, members with an e-mail address)."""
    from samarbeid.models import SentReminder

    emails = {m.contact_email for m in selectors.council_members(meeting.council)
              if m.contact_email}
    got = set(SentReminder.objects.filter(key=agenda_key(meeting), status="sent",
                                          recipient__in=emails)
              .values_list("recipient", flat=True))
    return len(got), len(emails)


def scan_agenda_delivery() -> int:
    """Retry agendas that did not reach everyone (SMTP was down): upcoming meetings whose
    agenda went out. The ledger makes it send only what is missing."""
    meetings = Meeting.objects.filter(agenda_sent_at__isnull=False, cancelled=False,
                                      starts_at__gt=timezone.now()).values_list("pk", flat=True)
    return sum(agenda_deliver(meeting_id=pk) for pk in meetings)


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
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=meeting,
                 summary=f"attendance for {len(statuses)} members")


# --- Minutes ------------------------------------------------------------------------------------


def minutes_for(meeting: Meeting) -> Minutes:
    minutes, _created = Minutes.objects.get_or_create(meeting=meeting)
    return minutes


def _require_draft(minutes: Minutes) -> None:
    if not minutes.is_draft:
        raise ValidationError(_("The minutes are approved and can no longer be changed. Add a "
                                "dated correction instead."))


@dataclass(frozen=True)
class TaskSpec:
    """A task written together with an item's minutes."""

    title: str
    deadline: dt.date
    responsible_member: CouncilMember | None = None
    responsible_organisation: Organisation | None = None


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
    task.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=task, summary=_task_summary(task))
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=minutes,
                 summary=f"task #{task.pk} added")
    return task


@transaction.atomic
def council_task_create(*, council: PoliceCouncil, actor: Any, title: str, deadline: dt.date,
                        description: str = "", responsible_user: Any = None,
                        responsible_member: CouncilMember | None = None,
                        responsible_organisation: Organisation | None = None) -> Task:
    """A council task that does not come from minutes (e.g. a lesson from an evaluation, §7).
    It shows up as follow-up on the council's next agenda."""
    if responsible_member is not None and responsible_member.council_id != council.pk:
        raise ValidationError({"responsible_member": _("Choose a member of this council.")})
    task = Task(council=council, title=title, description=description, deadline=deadline,
                created_by=actor, responsible_member=responsible_member,
                responsible_organisation=responsible_organisation,
                responsible_user=responsible_user or (
                    responsible_member.user if responsible_member else None))
    task.full_clean()
    task.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=task, summary=_task_summary(task))
    from samarbeid.tasks import enqueue_on_commit

    from .. import tasks

    enqueue_on_commit(tasks.notify_task_assigned, task.pk)
    return task


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


# --- Tasks -----------------------------------------------------------------------------------


def task_may_update(user: Any, task: Task) -> bool:
    if not user.is_authenticated:
        return False
    if user.pk in (task.responsible_user_id, task.created_by_id):
        return True
    if task.responsible_member_id and task.responsible_member \
            and task.responsible_member.user_id == user.pk:
        return True
    return selectors.can_work(user, task.council)


@transaction.atomic
def task_update_status(*, task: Task, actor: Any, status: str, comment: str = "") -> Task:
    """Change status with a comment; the history stays in TaskComment."""
    if not task_may_update(actor, task):
        raise PermissionDenied
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    if status == task.status and not comment.strip():
        raise ValidationError({"comment": _("Change the status or write a comment.")})
    previous = task.status
    TaskComment.objects.create(task=task, author=actor, text=comment.strip(),
                               status_from=previous if previous != status else "",
                               status_to=status if previous != status else "")
    if previous != status:
        task.status = status
        task.completed_at = timezone.now() if status == TaskStatus.DONE else None
        task.save(update_fields=["status", "completed_at"])
    # The comment may name people: the status change only (issue 7 §3).
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=task,
                 summary=f"status {previous}->{status}" if previous != status else "comment")
    return task


# --- Plans and knowledge bases (§4, §4.1.5) --------------------------------------------------------


@transaction.atomic
def plan_create(*, council: PoliceCouncil, actor: Any, kind: str, title: str,
                starts_on: dt.date, ends_on: dt.date, description: str = "") -> ActionPlan:
    plan = ActionPlan(council=council, kind=kind, title=title, starts_on=starts_on,
                      ends_on=ends_on, description=description)
    plan.full_clean()
    plan.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=plan,
                 summary=f"kind={kind}, {starts_on:%Y-%m-%d}–{ends_on:%Y-%m-%d}")
    return plan


@transaction.atomic
def measure_add(*, plan: ActionPlan, actor: Any, title: str, focus_area: str,
                coordination_step: int, responsible: str, starts_on: dt.date, ends_on: dt.date,
                status: str = "planned") -> Measure:
    measure = Measure(plan=plan, title=title, focus_area=focus_area,
                      coordination_step=coordination_step, responsible=responsible,
                      starts_on=starts_on, ends_on=ends_on, status=status)
    measure.full_clean()
    measure.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=measure,
                 summary=f"coordination_step={coordination_step}, status={status}")
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=plan,
                 summary=f"measure #{measure.pk} added")
    return measure


@transaction.atomic
def knowledge_request_add(*, council: PoliceCouncil, actor: Any, agency: str, topic: str,
                          due_on: dt.date | None = None,
                          delivered_on: dt.date | None = None) -> KnowledgeBaseRequest:
    request = KnowledgeBaseRequest(council=council, agency=agency, topic=topic, due_on=due_on,
                                   delivered_on=delivered_on)
    request.full_clean()
    request.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=request,
                 summary=f"agency={agency}")
    return request
