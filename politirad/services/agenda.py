"""Writes for the agenda: items, order, attachments, sending and delivery (§4.1.2)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samarbeid import audit, notify, uploads
from samarbeid.models import AuditAction

from .. import ical, selectors
from ..models import (
    AgendaAttachment,
    AgendaItem,
    Meeting,
    entry_exempt_q,
)
from ._trail import _ITEM_FIELDS, _changed, _fields_summary, _values
from .meetings import _refuse_if_minutes_approved

logger = logging.getLogger(__name__)


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
    # A late agenda says whose deadline it missed: the agreement's or the portal's default.
    in_force = selectors.terms_for([meeting.council])[meeting.council_id].in_force
    notify.preload([agenda_key(meeting)])  # in a scan run: those who got it cost no claim
    sent = 0
    for member in members:
        try:
            if notify.send_once(
                key=agenda_key(meeting), recipient=member.contact_email, subject=subject,
                template="politirad/email/agenda.txt", user=member.user,
                context={"meeting": meeting, "items": items, "follow_up": follow_up,
                         "url": url, "member": member, "agreement_in_force": in_force},
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
