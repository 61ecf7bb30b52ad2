"""SLT views (Veileder §6). Thin: scope through samarbeid.access, call a selector or a
service, render. Outsiders get 404, readers 403 on changes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samarbeid import access, audit, pages
from samarbeid.models import AuditAction, Municipality
from samarbeid.pdf import render_pdf

from . import selectors, services
from .forms import (
    ActionPlanForm,
    DashboardFilterForm,
    LevelForm,
    LevelMeetingForm,
    LevelMemberForm,
    MeasureFilterForm,
    MeasureForm,
    MeasureUpdateForm,
    SltModelForm,
)
from .models import LevelKind, LevelMember, SltActionPlan, SltMeasure, SltModel, SltStatus

MEASURE_PATH = selectors.MEASURE_PATH


def _model_or_redirect(request: HttpRequest, municipality: Municipality) -> SltModel | None:
    model = SltModel.objects.filter(municipality=municipality).first()
    if model is None:
        messages.info(request, _("Record the municipality's SLT model first."))
    return model


# --- Dashboard --------------------------------------------------------------------------


class _CountedPaginator(Paginator):
    """A paginator told its count: the dashboard already has it from its GROUP BY, so the
    extra COUNT(*) is saved."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The coordinator's dashboard: measures by status and level, overdue first, and what
    changed since the previous visit."""
    models = list(access.scope(SltModel.objects.all(), request.user, access.Level.WORK)
                  .select_related("municipality").order_by("municipality__name")[:200])
    choices = [(m.municipality.number, m.municipality.name) for m in models]
    form = DashboardFilterForm(request.GET or None, municipalities=choices)
    chosen = None
    if form.is_valid() and form.cleaned_data["municipality"]:
        chosen = next(m.municipality for m in models
                      if m.municipality.number == form.cleaned_data["municipality"])
    since = services.dashboard_visit(user=request.user)
    board = selectors.dashboard(user=request.user, since=since, municipality=chosen)
    page = _CountedPaginator(board.measures, pages.PAGE_SIZE, count=board.open_count).get_page(
        request.GET.get("page"))
    rows = [(label, [board.counts[kind][s] for s, _label in board.statuses])
            for kind, label in board.levels]
    return render(request, "slt/dashboard.html", {
        "board": board, "page": page, "query": pages.query_without_page(request), "form": form,
        "rows": rows, "models": models, "totals": [board.totals[s] for s, _l in board.statuses],
    })


# --- The SLT model of a municipality ----------------------------------------------------


@login_required
@require_GET
def overview(request: HttpRequest, number: str) -> HttpResponse:
    municipality = access.get_municipality_or_404(request.user, number)
    model = selectors.slt_model_detail(municipality=municipality)
    context: dict[str, Any] = {
        "municipality": municipality, "slt_model": model,
        "can_work": access.can(request.user, access.Level.WORK, municipality),
        "hosts": list(selectors.host_models(municipality=municipality)) if model is None else [],
    }
    if model is not None:
        context["levels"] = selectors.ordered_levels(model)
        # The date the compliance check reads too (issue #14): the council's meetings count.
        context["steering_last_meeting"] = selectors.steering_last_meeting(model)
        context["overdue"] = model.measures.overdue().count()
        context["open_count"] = model.measures.open().count()
    return render(request, "slt/overview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def model_edit(request: HttpRequest, number: str) -> HttpResponse:
    municipality = access.get_municipality_or_404(request.user, number, access.Level.WORK)
    model = SltModel.objects.filter(municipality=municipality).first()
    initial: dict[str, Any] = {"status": SltStatus.ESTABLISHED,
                               "coordinator_title": "SLT-koordinator"}
    if model is not None:
        initial = {"status": model.status, "status_note": model.status_note,
                   "coordinator": model.coordinator_id,
                   "coordinator_title": model.coordinator_title,
                   "other_municipalities": list(model.other_municipalities.all())}
    # Only neighbours the user works on may be added (see services._check_may_share); those
    # already shared stay listed so saving the form does not drop them.
    shared = model.other_municipalities.values("pk") if model is not None else []
    neighbours = Municipality.objects.filter(
        Q(pk__in=access.municipalities(request.user, access.Level.WORK).values("pk"))
        | Q(pk__in=shared),
        police_district_id=municipality.police_district_id).exclude(pk=municipality.pk)
    form = SltModelForm(request.POST or None, initial=initial,
                        people=selectors.people_of(municipality), neighbours=neighbours)
    return pages.form_page(
        request, "slt/model_form.html", form=form,
        context={"municipality": municipality, "slt_model": model},
        save=lambda data: services.slt_model_save(
            municipality=municipality, status=data["status"], actor=request.user,
            status_note=data["status_note"], coordinator=data["coordinator"],
            coordinator_title=data["coordinator_title"],
            other_municipalities=data["other_municipalities"]),
        success=_("The SLT model of %(name)s is saved.") % {"name": municipality},
        redirect_to=reverse("slt:overview", args=[municipality.number]))


def _level(request: HttpRequest, number: str, kind: str,
           level: access.Level) -> tuple[Municipality, SltModel, Any]:
    if kind not in LevelKind.values:
        raise Http404
    municipality = access.get_municipality_or_404(request.user, number, level)
    model = SltModel.objects.filter(municipality=municipality).first()
    if model is None:
        raise Http404
    lv = model.levels.filter(kind=kind).first()
    if lv is None:
        raise Http404
    return municipality, model, lv


@login_required
@require_http_methods(["GET", "POST"])
def level_detail(request: HttpRequest, number: str, kind: str) -> HttpResponse:
    """A level's members and meetings; on POST one of three forms (description, member,
    meeting), chosen by `action`."""
    needed = access.Level.WORK if request.method == "POST" else access.Level.VIEW
    municipality, model, level = _level(request, number, kind, needed)
    people = selectors.people_of(municipality)
    action = request.POST.get("action") if request.method == "POST" else None
    level_form = LevelForm(request.POST if action == "description" else None, instance=level,
                           prefix="level", councils=selectors.councils_covering(municipality))
    member_form = LevelMemberForm(request.POST if action == "member" else None, people=people,
                                  prefix="member")
    meeting_form = LevelMeetingForm(request.POST if action == "meeting" else None,
                                    prefix="meeting")
    # The one form that was posted: its service, and the message its result gives.
    posted = {
        "description": (level_form, lambda data: services.level_update(
            level=level, actor=request.user, **data), lambda _r: _("The level is saved.")),
        "member": (member_form, lambda data: services.level_member_add(
            level=level, actor=request.user, **data),
            lambda member: _("%(name)s is added to the level.") % {"name": member.display_name}),
        "meeting": (meeting_form, lambda data: services.level_meeting_add(
            level=level, actor=request.user, **data), lambda _r: _("The meeting is recorded.")),
    }.get(action or "")
    if posted is not None and posted[0].is_valid():
        form, save, success = posted
        try:
            result = save(form.cleaned_data)
        except ValidationError as exc:
            pages.apply_errors(form, exc)
        else:
            messages.success(request, success(result))
            return redirect("slt:level_detail", number=number, kind=kind)
    members = list(level.members.select_related("user"))
    meetings = list(level.meetings.all()[:20])
    council_members, council_meetings = selectors.council_people_and_meetings(level, request.user)
    return render(request, "slt/level_detail.html", {
        "municipality": municipality, "slt_model": model, "level": level,
        "members": members, "meetings": meetings, "council_members": council_members,
        "council_meetings": council_meetings,
        "level_form": level_form, "member_form": member_form, "meeting_form": meeting_form,
        "can_work": access.can(request.user, access.Level.WORK, municipality),
    }, status=400 if action else 200)


@login_required
@require_POST
def member_remove(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    municipality = access.get_municipality_or_404(request.user, number, access.Level.WORK)
    member = LevelMember.objects.select_related("level", "user").filter(
        pk=pk, level__slt_model__municipality=municipality).first()
    if member is None:
        raise Http404
    kind = member.level.kind
    name = member.display_name
    services.level_member_remove(member=member, actor=request.user)
    messages.success(request, _("%(name)s is removed from the level.") % {"name": name})
    return redirect("slt:level_detail", number=number, kind=kind)


# --- Measures ---------------------------------------------------------------------------


@login_required
@require_GET
def measure_list(request: HttpRequest, number: str) -> HttpResponse:
    municipality = access.get_municipality_or_404(request.user, number)
    model = _model_or_redirect(request, municipality)
    if model is None:
        return redirect("slt:overview", number=number)
    form = MeasureFilterForm(request.GET or None)
    return pages.list_page(request, "slt/measure_list.html", form=form, rows=lambda f: (
        selectors.measure_list(
            slt_model=model, q=f.get("q", ""), status=f.get("status", ""),
            level=f.get("level", ""), focus_area=f.get("focus_area", ""),
            overdue=bool(f.get("overdue")))), context={
        "municipality": municipality, "slt_model": model,
        # A search word counts as a filter even when another field does not validate.
        "filtered": bool(request.GET.get("q") or any(pages.filters_of(form).values())),
        "can_work": access.can(request.user, access.Level.WORK, municipality),
    })


def _measure_fields(form: MeasureForm) -> dict[str, Any]:
    # A field the form left out (a linked council task the user may not read) keeps its value.
    return {name: form.cleaned_data[name] for name in form.Meta.fields if name in form.fields}


@login_required
@require_http_methods(["GET", "POST"])
def measure_create(request: HttpRequest, number: str) -> HttpResponse:
    municipality = access.get_municipality_or_404(request.user, number, access.Level.WORK)
    model = _model_or_redirect(request, municipality)
    if model is None:
        return redirect("slt:overview", number=number)
    initial: dict[str, Any] = {}
    if request.GET.get("level") in LevelKind.values:
        initial["level"] = model.levels.filter(kind=request.GET["level"]).first()
    plan = model.action_plans.order_by("-year").first()
    if plan is not None:
        initial["action_plan"] = plan
    form = MeasureForm(request.POST or None, initial=initial, slt_model=model,
                       people=selectors.people_of(municipality),
                       tasks=selectors.council_tasks_for(municipality, request.user))
    return pages.form_page(
        request, "slt/measure_form.html", form=form,
        context={"municipality": municipality, "slt_model": model},
        save=lambda _data: services.measure_create(slt_model=model, actor=request.user,
                                                   **_measure_fields(form)),
        success=lambda measure: _("The measure «%(title)s» is created.") % {
            "title": measure.title},
        redirect_to=_measure_url)


def _measure_url(measure: SltMeasure) -> str:
    return reverse("slt:measure_detail", args=[measure.pk])


@login_required
@require_GET
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    measure = access.get_scoped_or_404(selectors.measure_detail_qs(), request.user,
                                       path=MEASURE_PATH, pk=pk)
    municipality = measure.slt_model.municipality
    form = MeasureUpdateForm(initial={"status": measure.status})
    return render(request, "slt/measure_detail.html", {
        "measure": measure, "municipality": municipality, "update_form": form,
        "can_work": access.can(request.user, access.Level.WORK, municipality),
        "council_task": selectors.council_task_link(measure, request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = access.get_scoped_or_404(selectors.measure_detail_qs(), request.user,
                                       access.Level.WORK, path=MEASURE_PATH, pk=pk)
    municipality = measure.slt_model.municipality
    form = MeasureForm(request.POST or None, instance=measure, slt_model=measure.slt_model,
                       people=selectors.people_of(municipality),
                       tasks=selectors.council_tasks_for(municipality, request.user))
    return pages.form_page(
        request, "slt/measure_form.html", form=form, context={
            "municipality": municipality, "slt_model": measure.slt_model, "measure": measure},
        save=lambda _data: services.measure_update(measure=measure, actor=request.user,
                                                   **_measure_fields(form)),
        success=_("The measure is saved."), redirect_to=_measure_url(measure))


@login_required
@require_POST
def measure_progress(request: HttpRequest, pk: int) -> HttpResponse:
    measure = access.get_scoped_or_404(selectors.measure_detail_qs(), request.user,
                                       access.Level.WORK, path=MEASURE_PATH, pk=pk)
    form = MeasureUpdateForm(request.POST)
    # The form is named `update_form` on the detail page, so the page's context carries it.
    return pages.form_page(
        request, "slt/measure_detail.html", form=form, context={
            "measure": measure, "municipality": measure.slt_model.municipality,
            "update_form": form, "can_work": True,
            "council_task": selectors.council_task_link(measure, request.user)},
        save=lambda data: services.measure_add_update(measure=measure, actor=request.user,
                                                      **data),
        success=_("The progress update is saved."), redirect_to=_measure_url(measure),
        status=400)


# --- Action plans -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def action_plan_list(request: HttpRequest, number: str) -> HttpResponse:
    needed = access.Level.WORK if request.method == "POST" else access.Level.VIEW
    municipality = access.get_municipality_or_404(request.user, number, needed)
    model = _model_or_redirect(request, municipality)
    if model is None:
        return redirect("slt:overview", number=number)
    form = ActionPlanForm(request.POST or None)
    return pages.form_page(
        request, "slt/action_plan_list.html", form=form, context={
            "municipality": municipality, "slt_model": model,
            "page": pages.paginate(request, selectors.action_plans(slt_model=model)),
            "query": pages.query_without_page(request),
            "can_work": access.can(request.user, access.Level.WORK, municipality)},
        save=lambda data: services.action_plan_create(slt_model=model, actor=request.user,
                                                      **data),
        success=lambda plan: _("The action plan for %(year)s is created.") % {
            "year": plan.year},
        redirect_to=lambda plan: reverse("slt:action_plan_detail", args=[plan.pk]),
        status=400 if request.method == "POST" else 200)


def _plan_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    plan = access.get_scoped_or_404(
        SltActionPlan.objects.select_related("slt_model__municipality",
                                             "slt_model__coordinator"),
        request.user, path="slt_model__municipality", pk=pk)
    measures = list(selectors.with_overdue_flag(
        SltMeasure.objects.filter(action_plan=plan).select_related("level", "responsible", "focus_area"))
        .order_by("level__kind", "ends_on", "title"))
    by_level = [(label, [m for m in measures if m.level.kind == kind])
                for kind, label in [(k.value, k.label) for k in
                                    (LevelKind.STEERING, LevelKind.COORDINATING,
                                     LevelKind.EXECUTING)]]
    municipality = plan.slt_model.municipality
    return {"plan": plan, "municipality": municipality, "slt_model": plan.slt_model,
            "by_level": by_level, "measure_count": len(measures),
            "can_work": access.can(request.user, access.Level.WORK, municipality)}


@login_required
@require_GET
def action_plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "slt/action_plan_detail.html", _plan_context(request, pk))


@login_required
@require_GET
def action_plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The same template as the web page, rendered by WeasyPrint."""
    context = {**_plan_context(request, pk), "pdf": True}
    pdf = render_pdf("slt/action_plan_detail.html", context)
    plan = context["plan"]
    filename = f"slt-handlingsplan-{plan.slt_model.municipality.number}-{plan.year}.pdf"
    # Issue 7 §3: an export is recorded with who, when and from where.
    audit.record(actor=request.user, action=AuditAction.EXPORT, obj=plan, summary=filename,
                 request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
