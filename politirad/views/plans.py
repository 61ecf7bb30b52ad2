"""Plans, their measures and knowledge bases (§4, §4.1.5)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samarbeid import pages

from .. import forms, selectors, services
from ..models import (
    ActionPlan,
)
from ._common import WORK, _form_page


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    council = selectors.get_council_or_404(request.user, pk, WORK)
    form = forms.PlanForm(request.POST or None)
    return _form_page(request, form=form, council=council,
                      back=reverse("politirad:council_detail", args=[council.pk]),
                      title=_("New plan for %(name)s") % {"name": council.name},
                      save=lambda data: services.plan_create(council=council,
                                                             actor=request.user, **data),
                      success=_("The plan is created. Add its measures."),
                      redirect_to=lambda plan: reverse("politirad:plan_detail", args=[plan.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_in_council_or_404(ActionPlan.objects.select_related("council"),
                                           request.user, pk=pk)
    can_work = selectors.can_work(request.user, plan.council)
    form = forms.MeasureForm(request.POST or None) if can_work else None
    context = {"plan": plan, "council": plan.council,
               "measures": plan.measures.select_related("focus_area")}
    if form is None:
        if request.method == "POST":
            raise PermissionDenied
        return render(request, "politirad/plan_detail.html", {**context, "form": None})
    return pages.form_page(
        request, "politirad/plan_detail.html", form=form, context=context,
        save=lambda data: services.measure_add(plan=plan, actor=request.user, **data),
        success=_("The measure is added."),
        redirect_to=reverse("politirad:plan_detail", args=[plan.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def knowledge_request_add(request: HttpRequest, pk: int) -> HttpResponse:
    council = selectors.get_council_or_404(request.user, pk, WORK)
    form = forms.KnowledgeRequestForm(request.POST or None)
    return _form_page(request, form=form, council=council,
                      save=lambda data: services.knowledge_request_add(
                          council=council, actor=request.user, **data),
                      success=_("The request for a knowledge base is recorded."),
                      back=reverse("politirad:council_detail", args=[council.pk]),
                      title=_("Request a knowledge base"),
                      intro=_("The guide recommends that the council asks each agency for a "
                              "knowledge base to decide on (§4.1.5)."))
