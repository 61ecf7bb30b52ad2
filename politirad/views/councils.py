"""Councils: the list, setting one up, its page and its municipalities (§4.4)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samarbeid import access, pages
from samarbeid.models import Municipality

from .. import forms, selectors, services
from ..models import (
    CouncilKind,
    CouncilMunicipalityRequest,
)
from ._common import WORK, _form_page

CREATE_SHOWN = 20


@login_required
@require_GET
def council_list(request: HttpRequest) -> HttpResponse:
    form = forms.CouncilFilterForm(request.GET or None)
    # A mayor sees their municipality; a national administrator (357 of them) searches.
    creatable_qs = access.municipalities(request.user, WORK).order_by("name")
    creatable_count = creatable_qs.count()
    new_q = request.GET.get("kommune", "").strip()[:100]
    if new_q:
        creatable_qs = creatable_qs.filter(Q(name__icontains=new_q) | Q(number=new_q))
    return pages.list_page(request, "politirad/council_list.html", form=form, rows=lambda f: (
        selectors.council_list(request.user, q=f.get("q", ""), kind=f.get("kind", ""))), context={
        "creatable": list(creatable_qs[:CREATE_SHOWN]), "creatable_count": creatable_count,
        "creatable_search": creatable_count > CREATE_SHOWN, "new_q": new_q,
    })


@login_required
@require_http_methods(["GET", "POST"])
def council_create(request: HttpRequest, number: str) -> HttpResponse:
    municipality = access.get_municipality_or_404(request.user, number, WORK)
    if not access.can(request.user, WORK, municipality, roles=access.PARTY_ROLES):
        raise PermissionDenied(_("Only the parties of the cooperation (municipal leader, police "
                                 "contact, police leadership, district administrator) may set "
                                 "up a police council."))
    choices = Municipality.objects.filter(
        police_district_id=municipality.police_district_id).exclude(pk=municipality.pk)
    form = forms.CouncilForm(request.POST or None, municipality_choices=choices,
                             initial={"name": _("Police council of %(name)s")
                                      % {"name": municipality.name}})
    return _form_page(
        request, form=form, back=reverse("municipality_detail", args=[number]),
        title=_("New police council for %(name)s") % {"name": municipality.name},
        save=lambda data: services.council_create(actor=request.user, municipality=municipality,
                                                  **data),
        success=lambda council: _("The council «%(name)s» is created. Add its members next.")
        % {"name": council.name},
        redirect_to=lambda council: _council_url(council.pk))


def _council_url(pk: int) -> str:
    return reverse("politirad:council_detail", args=[pk])


@login_required
@require_GET
def council_detail(request: HttpRequest, pk: int) -> HttpResponse:
    council = selectors.get_council_or_404(request.user, pk)

    def meetings() -> Any:
        page = pages.paginate(request, selectors.council_meetings(council))
        for meeting in page:
            meeting.flags = selectors.meeting_leadership_flags(meeting)
        return page

    # Read lazily, inside the template's cached fragments: a page built again after a
    # task's new status reads the open tasks, not the meetings and members (issue #12).
    # Even their querysets are made only there: building one costs 0.1–0.4 ms, and the
    # fragments that use them are usually cached.
    return render(request, "politirad/council_detail.html", {
        "council": council,
        "municipalities": SimpleLazyObject(lambda: selectors.council_municipalities(council)),
        "members": SimpleLazyObject(lambda: selectors.council_members(council)),
        "meetings": SimpleLazyObject(meetings),
        "open_tasks": SimpleLazyObject(lambda: selectors.open_task_rows(council, request.user)),
        # Only a regional council asks other municipalities to join (§4.4; the service
        # drops the requests of any other kind): no query for the others.
        "pending_municipalities": SimpleLazyObject(
            lambda: council.municipality_requests.filter(status="pending")
            .select_related("municipality"))
        if council.kind == CouncilKind.REGIONAL else [],
        "plans": SimpleLazyObject(lambda: council.plans.prefetch_related("measures")),
        "knowledge_requests": SimpleLazyObject(lambda: council.knowledge_requests.all()),
        "terms": SimpleLazyObject(lambda: selectors.terms_for([council])[council.pk]),
        "can_work": selectors.can_work(request.user, council),
        "may_archive": selectors.may_archive(request.user, council),
        "now": timezone.now(),
        "today": timezone.localdate(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def council_edit(request: HttpRequest, pk: int) -> HttpResponse:
    council = selectors.get_council_or_404(request.user, pk, WORK)
    choices = Municipality.objects.filter(
        police_district_id=council.municipality.police_district_id
    ).exclude(pk=council.municipality_id)
    initial = {"name": council.name, "kind": council.kind, "theme": council.theme,
               "description": council.description, "bylaws_review_on": council.bylaws_review_on,
               "municipalities": [cm.municipality_id for cm in council.council_municipalities.all()],
               "public_minutes": council.public_minutes}
    form = forms.CouncilForm(request.POST or None, municipality_choices=choices, initial=initial)
    return _form_page(
        request, form=form, council=council, back=_council_url(council.pk),
        title=_("Change %(name)s") % {"name": council.name},
        save=lambda data: services.council_update(council=council, actor=request.user, **data),
        success=_("The council is saved."))


@login_required
@require_POST
def municipality_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Someone who works in a municipality answers a request to join a regional council."""
    join = get_object_or_404(
        access.scope(CouncilMunicipalityRequest.objects.select_related("council", "municipality"),
                     request.user, WORK), pk=pk)
    accept = request.POST.get("answer") == "accept"
    try:
        services.council_municipality_decide(request=join, actor=request.user, accept=accept)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if accept:
            messages.success(request, _("%(municipality)s has joined %(council)s.") % {
                "municipality": join.municipality.name, "council": join.council.name})
            return redirect("politirad:council_detail", pk=join.council_id)
        messages.success(request, _("You declined: %(municipality)s does not join %(council)s.")
                         % {"municipality": join.municipality.name, "council": join.council.name})
    return redirect("home")
