"""Attendance at a meeting (§4.1.1, §5.2)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import forms, selectors, services
from ._common import WORK, _form_page, _frozen, _get_meeting


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk, WORK)
    if meeting.is_frozen:
        return _frozen(request, meeting)
    members = list(selectors.council_members(meeting.council))
    current = dict(meeting.attendances.values_list("member_id", "status"))
    form = forms.AttendanceForm(request.POST or None, members=members, initial_status=current)
    return _form_page(request, form=form, council=meeting.council,
                      save=lambda _data: services.attendance_record(
                          meeting=meeting, actor=request.user, statuses=form.statuses()),
                      success=_("Attendance is saved."),
                      back=reverse("politirad:meeting_detail", args=[meeting.pk]),
                      title=_("Attendance at %(meeting)s") % {"meeting": meeting},
                      intro=_("The guide stresses that the mayor or the chief municipal "
                              "executive and the local police leadership attend (§4.1.1, "
                              "§5.2)."))
