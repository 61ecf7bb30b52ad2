"""What every police council page shares: the form page, the 409 for a frozen meeting, the
meeting lookup."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from samarbeid import access, pages

from .. import selectors
from ..models import (
    Meeting,
    PoliceCouncil,
)

VIEW, WORK = access.Level.VIEW, access.Level.WORK


def _form_page(request: HttpRequest, *, form: Any, title: str, back: str,
               council: PoliceCouncil | None = None, intro: str = "", submit: str = "",
               save: Callable[[dict[str, Any]], Any] | None = None,
               success: pages.Text | None = None,
               redirect_to: pages.Text | None = None) -> HttpResponse:
    """The council's form page (politirad/form.html, on includes/form_page.html). With `save`,
    samarbeid.pages.form_page runs it: refusal on the form, or message and redirect."""
    context = {"title": title, "back": back, "council": council, "intro": intro,
               "submit": submit or _("Save"), "multipart": True}
    if save is None:
        return render(request, "politirad/form.html", {"form": form, **context})
    return pages.form_page(request, "politirad/form.html", form=form, context=context,
                           save=save, success=success, redirect_to=redirect_to or back)


def _frozen(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """409: the minutes are approved, so the meeting, its agenda and attendance are fixed.
    A stale tab that posts after approval learns why, and by whom, and loses nothing else."""
    minutes = selectors.minutes_of(meeting)
    approver = minutes.approved_by if minutes is not None else None
    name = (approver.get_full_name() or approver.get_username()) if approver else _("the chair")
    return render(request, "politirad/frozen.html",
                  {"meeting": meeting, "minutes": minutes, "approved_by": name}, status=409)


def _get_meeting(request: HttpRequest, pk: int, level: access.Level = VIEW) -> Meeting:
    return selectors.get_in_council_or_404(
        # The minutes and their approver come in the same query: every meeting page shows
        # the meeting's state, and a frozen one names who approved it (issue #12: budgets).
        Meeting.objects.select_related("council__municipality", "minutes__approved_by"),
        request.user, level, name=f"politirad.meeting:{pk}", pk=pk)
