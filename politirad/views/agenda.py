"""The agenda: items, their order and attachments, and sending it (§4.1.2)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samarbeid import access, audit, pages
from samarbeid.models import AuditAction

from .. import forms, selectors, services
from ..models import (
    AgendaAttachment,
    AgendaItem,
)
from ._common import WORK, _form_page, _frozen, _get_meeting


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk, WORK)
    if meeting.is_frozen:
        return _frozen(request, meeting)
    form = forms.AgendaItemForm(request.POST or None, request.FILES or None)
    return _form_page(request, form=form, council=meeting.council,
                      back=reverse("politirad:meeting_detail", args=[meeting.pk]),
                      title=_("Add an agenda item"),
                      save=lambda data: services.agenda_item_add(
                          meeting=meeting, actor=request.user, **_with_attachments(data)),
                      success=_("The item is added to the agenda."))


def _with_attachments(data: dict[str, Any]) -> dict[str, Any]:
    """The form's one optional upload as the services' list of attachments."""
    fields = dict(data)
    upload = fields.pop("attachment")
    return {**fields, "attachments": [upload] if upload else []}


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_in_council_or_404(
        AgendaItem.objects.restrict(access.principal(request.user))
        .select_related("meeting__council"), request.user, WORK,
        council_path="meeting__council", pk=pk)
    if item.meeting.is_frozen:
        return _frozen(request, item.meeting)
    form = forms.AgendaItemForm(request.POST or None, request.FILES or None, initial={
        "title": item.title, "description": item.description, "presenter": item.presenter,
        "access_level": item.access_level, "legal_basis": item.legal_basis})
    return _form_page(request, form=form, council=item.meeting.council,
                      back=reverse("politirad:meeting_detail", args=[item.meeting_id]),
                      title=_("Change agenda item %(number)s") % {"number": item.number},
                      save=lambda data: services.agenda_item_update(
                          item=item, actor=request.user, **_with_attachments(data)),
                      success=_("The agenda item is saved."))


def _item_for_change(request: HttpRequest, pk: int) -> AgendaItem:
    return selectors.get_in_council_or_404(
        AgendaItem.objects.restrict(access.principal(request.user))
        .select_related("meeting__council"), request.user, WORK,
        council_path="meeting__council", pk=pk)


@login_required
@require_POST
def agenda_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove an item before the agenda is sent. A plain form posts here and comes back to
    the meeting; with htmx the same redirect is followed and only the agenda is swapped."""
    item = _item_for_change(request, pk)
    if item.meeting.is_frozen:
        return _frozen(request, item.meeting)
    return pages.post_action(
        request, act=lambda: services.agenda_item_delete(item=item, actor=request.user),
        success=_("Item %(number)s is removed from the agenda.") % {"number": item.number},
        redirect_to=_agenda_url(item))


def _agenda_url(item: AgendaItem) -> str:
    return reverse("politirad:meeting_detail", args=[item.meeting_id]) + "#agenda-h"


@login_required
@require_POST
def agenda_item_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_for_change(request, pk)
    if item.meeting.is_frozen:
        return _frozen(request, item.meeting)
    return pages.post_action(
        request, act=lambda: services.agenda_item_move(
            item=item, actor=request.user, up=request.POST.get("direction") != "down"),
        success=lambda moved: _("«%(title)s» is now item %(number)s.")
        % {"title": moved.title, "number": moved.number},
        redirect_to=_agenda_url(item))


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    # Exempt attachments exist only for those who read exempt content: 404 for the others.
    attachment = selectors.get_in_council_or_404(
        AgendaAttachment.objects.restrict(access.principal(request.user))
        .select_related("item__meeting__council"), request.user,
        council_path="item__meeting__council", pk=pk)
    # Who opened which document is in the trail (a file under an exempt item included); the
    # file name may say what it is about, so only the item's number goes in.
    audit.record(actor=request.user, action=AuditAction.DOWNLOAD, obj=attachment,
                 summary=f"item {attachment.item.number}", request=request)
    # Always a download, with the checked type: never rendered inline in the portal's origin.
    response = FileResponse(attachment.file.open("rb"), as_attachment=True,
                            filename=attachment.filename, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def agenda_send(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk, WORK)
    if meeting.is_frozen:
        return _frozen(request, meeting)
    try:
        total = services.agenda_send(meeting=meeting, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        meeting.refresh_from_db()
        got, total = services.agenda_delivery(meeting)
        if meeting.agenda_sent_late and meeting.agenda_deadline:
            when = date_format(timezone.localtime(meeting.agenda_deadline),
                               "SHORT_DATETIME_FORMAT")
            if selectors.terms_for([meeting.council])[meeting.council_id].in_force:
                late = _("The agenda goes to %(n)d members after the deadline in the agreement "
                         "(%(when)s). The e-mail says it is late.")
            else:
                late = _("The agenda goes to %(n)d members after its deadline (%(when)s, the "
                         "portal's default lead time; no agreement is in force). The e-mail "
                         "says it is late.")
            messages.warning(request, late % {"n": total, "when": when})
        if got >= total:
            messages.success(request, _("The agenda is sent to %(n)d members with a calendar "
                                        "invitation.") % {"n": total})
        else:
            messages.info(request, _("The agenda has reached %(n)d of %(total)d members so far. "
                                     "The portal keeps trying the others; you can also send it "
                                     "again.") % {"n": got, "total": total})
    return redirect("politirad:meeting_detail", pk=meeting.pk)
