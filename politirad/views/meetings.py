"""Meetings: planning, changing, the meeting page and the calendar files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from samarbeid import audit, pages
from samarbeid.models import AuditAction, UserProfile

from .. import forms, ical, selectors, services
from ..models import (
    Meeting,
)
from ._common import WORK, _form_page, _frozen, _get_meeting


def _deadline(meeting: Meeting) -> str:
    return date_format(timezone.localtime(meeting.agenda_deadline), "SHORT_DATETIME_FORMAT")


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    council = selectors.get_council_or_404(request.user, pk, WORK)
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(council=council, actor=request.user,
                                              **form.cleaned_data)
        except ValidationError as exc:
            pages.apply_errors(form, exc)
        else:
            messages.success(request, _("The meeting is planned. Build the agenda next."))
            if selectors.agenda_overdue(meeting):
                messages.warning(request, _(
                    "The meeting is so soon that the deadline for the agenda (%(when)s) has "
                    "passed. Send the agenda as soon as you can; it will be marked as late.")
                    % {"when": _deadline(meeting)})
            return redirect("politirad:meeting_detail", pk=meeting.pk)
    terms = selectors.terms_for([council])[council.pk]
    if terms.in_force:
        intro = _("The agenda should go out %(days)d days before the meeting (the agreement's "
                  "lead time, guide §4.1.2).") % {"days": terms.agenda_lead_days}
    else:
        intro = _("The agenda should go out %(days)d days before the meeting (the portal's "
                  "default; no agreement is in force, guide §4.1.2).") % {
                      "days": terms.agenda_lead_days}
    return _form_page(
        request, form=form, council=council,
        back=reverse("politirad:council_detail", args=[council.pk]),
        title=_("Plan a meeting of %(name)s") % {"name": council.name}, intro=intro)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk, WORK)
    if meeting.is_frozen:
        return _frozen(request, meeting)
    local = timezone.localtime
    form = forms.MeetingEditForm(request.POST or None, initial={
        "title": meeting.title, "starts_at": local(meeting.starts_at),
        "ends_at": local(meeting.ends_at) if meeting.ends_at else None, "place": meeting.place,
        "video_url": meeting.video_url, "cancelled": meeting.cancelled})
    was_overdue = selectors.agenda_overdue(meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            pages.apply_errors(form, exc)
        else:
            messages.success(request, _("The meeting is saved."))
            # Moved closer, the agreement's deadline may now be behind us (§4.1.2).
            if selectors.agenda_overdue(meeting) and not was_overdue:
                messages.warning(request, _(
                    "The meeting is now so soon that the deadline for the agenda (%(when)s) "
                    "has passed. Send the agenda as soon as you can; it will be marked as late.")
                    % {"when": _deadline(meeting)})
            return redirect("politirad:meeting_detail", pk=meeting.pk)
    return _form_page(request, form=form, council=meeting.council,
                      back=reverse("politirad:meeting_detail", args=[meeting.pk]),
                      title=_("Change the meeting"))


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk)
    council = meeting.council
    can_work = selectors.can_work(request.user, council)
    minutes = selectors.minutes_of(meeting)
    can_see_exempt = selectors.can_see_exempt(request.user, council)
    # What the page's fragments show is read lazily, inside them: a task's new status
    # rebuilds the follow-up list, not the agenda, attendance and history (issue #12).
    return render(request, "politirad/meeting_detail.html", {
        "delivered": SimpleLazyObject(lambda: services.agenda_delivery(meeting))
        if meeting.agenda_sent_at and can_work else None,
        "meeting": meeting,
        "state": meeting.state,
        "frozen": meeting.is_frozen,
        "may_send_agenda": meeting.may_send_agenda,
        "council": council,
        "rows": SimpleLazyObject(lambda: selectors.agenda_rows(meeting, request.user)),
        "follow_up": SimpleLazyObject(lambda: selectors.follow_up_rows(meeting, request.user)),
        "attendance": SimpleLazyObject(lambda: meeting.attendances.select_related(
            "member__user").order_by("member__role")),
        "flags": selectors.meeting_leadership_flags(meeting),
        "can_work": can_work,
        "can_see_exempt": can_see_exempt,
        "minutes": minutes,
        "now": timezone.now(),
        # Items are removed and moved only before the agenda goes out.
        "can_arrange": can_work and not meeting.is_frozen and not meeting.agenda_sent_at,
        "agreement_in_force": SimpleLazyObject(
            lambda: selectors.terms_for([council])[council.pk].in_force),
    })


@login_required
@require_GET
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk)
    data = ical.calendar_bytes([meeting])
    audit.record(actor=request.user, action=AuditAction.EXPORT, obj=meeting, summary="ics",
                 request=request)
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Personal feed: token auth, no login (calendar programs cannot log in). A rotated
    token no longer works (the core's settings page rotates it)."""
    profile = UserProfile.for_calendar_token(token)
    if profile is None or not profile.user.is_active:
        raise Http404
    meetings = list(selectors.calendar_meetings(profile.user))
    data = ical.calendar_bytes(meetings, name=_("Police councils"))
    # Who fetched the feed, from where: a leaked token shows up in the trail (issue 7 §3).
    # The token itself never enters it.
    audit.record(actor=profile.user, action=AuditAction.EXPORT, obj=profile,
                 summary=f"calendar feed: {len(meetings)} meetings", request=request)
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
