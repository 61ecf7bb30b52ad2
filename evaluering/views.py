"""Evaluations (Veileder §7). Thin views: parse, call a selector or service, render. The
status reports across municipalities are in `rapporter`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samarbeid import access, audit, pages
from samarbeid.models import AuditAction
from samarbeid.pdf import render_pdf

from . import selectors, services
from .forms import AnswersForm, EvaluationCreateForm, EvaluationFilterForm, FollowUpForm
from .models import Evaluation, Mode

PAGE_SIZE = 50


def _evaluation(request: HttpRequest, pk: int, level: access.Level = access.Level.VIEW
                ) -> Evaluation:
    return access.get_scoped_or_404(
        Evaluation.objects.select_related("municipality", "municipality__county",
                                          "municipality__police_district"),
        request.user, level, pk=pk)


# --- Evaluations -----------------------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    form = EvaluationFilterForm(request.GET or None)
    can_create = access.municipalities(request.user, access.Level.WORK).exists()
    return pages.list_page(request, "evaluering/index.html", form=form, rows=lambda f: (
        selectors.evaluation_list(user=request.user, q=f.get("q", ""),
                                  status=f.get("status", ""), method=f.get("method", ""))),
        per_page=PAGE_SIZE, context={
        "can_create": can_create, "is_reader": selectors.follows_in_reports(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_create(request: HttpRequest) -> HttpResponse:
    allowed = access.municipalities(request.user, access.Level.WORK)
    if not allowed.exists():  # a reader may see evaluations but not start one
        raise PermissionDenied
    initial = {"municipality": request.GET.get("kommune")} if request.GET.get("kommune") else {}
    form = EvaluationCreateForm(request.POST or None, municipalities=allowed, initial=initial,
                                councils=selectors.councils_for_evaluation(request.user))

    def save(data: dict[str, Any]) -> Evaluation:
        council = data.get("council_obj")
        return services.evaluation_create(
            subject_id=council.pk if council else None,
            municipality=data["municipality"], actor=request.user,
            period_start=data["period_start"], period_end=data["period_end"],
            method=data["method"], mode=data["mode"], subject_kind=data["subject_kind"],
            subject_name=data.get("subject_name", ""), request=request,
        )

    return pages.form_page(
        request, "evaluering/evaluation_form.html", form=form, save=save,
        success=_("The evaluation is started. Fill in the answers."), redirect_to=_detail_url)


def _detail_url(evaluation: Evaluation) -> str:
    return reverse("evaluering:evaluation_detail", args=[evaluation.pk])


def _detail_context(request: HttpRequest, evaluation: Evaluation) -> dict[str, Any]:
    can_work = access.can(request.user, access.Level.WORK, evaluation.municipality)
    responses = list(evaluation.responses.select_related("respondent"))
    return {
        "evaluation": evaluation,
        "questions": evaluation.questions(),
        "facts": selectors.period_facts(evaluation),
        "responses": responses,
        "my_response": next((r for r in responses if r.respondent_id == request.user.pk), None),
        "follow_ups": list(evaluation.follow_ups.all()),
        "can_work": can_work,
        "can_answer": evaluation.mode == Mode.INDIVIDUAL and not evaluation.is_completed,
        "generated_at": timezone.now(),
    }


@login_required
@require_GET
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    context = _detail_context(request, evaluation)
    context["follow_up_form"] = FollowUpForm()
    return render(request, "evaluering/evaluation_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The joint answers and the forum's summary (WORK on the municipality)."""
    evaluation = _evaluation(request, pk, access.Level.WORK)
    if evaluation.is_completed:
        messages.info(request, _("The evaluation is completed and can no longer be changed."))
        return redirect("evaluering:evaluation_detail", pk=evaluation.pk)
    initial = {**evaluation.answers, "summary": evaluation.summary}
    form = AnswersForm(request.POST or None, method=evaluation.method, initial=initial)
    complete = "complete" in request.POST

    def save(data: dict[str, Any]) -> None:
        services.evaluation_save_answers(evaluation=evaluation, actor=request.user,
                                         answers=data, summary=data.get("summary", ""),
                                         request=request)
        if complete:
            services.evaluation_complete(evaluation=evaluation, actor=request.user,
                                         request=request)

    return pages.form_page(
        request, "evaluering/evaluation_answer.html", form=form,
        context=_detail_context(request, evaluation), save=save,
        success=(_("The evaluation is completed and saved.") if complete
                 else _("The answers are saved.")),
        redirect_to=_detail_url(evaluation))


@login_required
@require_http_methods(["GET", "POST"])
def response_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's own answers. Council members who may only read the municipality may
    still answer: answering is how they take part in the forum's evaluation (§7)."""
    evaluation = _evaluation(request, pk)
    mine = evaluation.responses.filter(respondent_id=request.user.pk).first()
    form = AnswersForm(request.POST or None, method=evaluation.method, with_summary=False,
                       initial=mine.answers if mine else None)
    return pages.form_page(
        request, "evaluering/response_form.html", form=form,
        context={"evaluation": evaluation},
        save=lambda data: services.response_submit(evaluation=evaluation,
                                                   respondent=request.user, answers=data,
                                                   request=request),
        success=_("Your answers are saved."), redirect_to=_detail_url(evaluation))


@login_required
@require_POST
def follow_up_create(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, access.Level.WORK)
    form = FollowUpForm(request.POST)
    return pages.form_page(
        request, "evaluering/evaluation_detail.html", form=form,
        context={**_detail_context(request, evaluation), "follow_up_form": form},
        save=lambda data: services.follow_up_create(evaluation=evaluation, actor=request.user,
                                                    request=request, **data),
        success=lambda item: (_("The lesson is now a task for the council.") if item.task_id
                              else _("The lesson is now a follow-up item.")),
        redirect_to=_detail_url(evaluation), status=400)


@login_required
@require_GET
def evaluation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    pdf = render_pdf("evaluering/evaluation_pdf.html", _detail_context(request, evaluation),
                     language=getattr(request, "LANGUAGE_CODE", None))
    name = slugify(f"evaluering-{evaluation.municipality.name}-{evaluation.period_end}")
    # An export like the report tables (issue 7 §3): recorded, and sent as a download.
    audit.record(actor=request.user, action=AuditAction.EXPORT, obj=evaluation,
                 summary=f"{name}.pdf", request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@login_required
@require_GET
def municipality_history(request: HttpRequest, number: str) -> HttpResponse:
    """Past evaluations side by side, with the schedule (§7)."""
    municipality = access.get_municipality_or_404(request.user, number)
    past = selectors.history(municipality=municipality)
    in_progress = list(Evaluation.objects.filter(municipality=municipality)
                       .exclude(status="completed").order_by("-period_end"))
    return render(request, "evaluering/history.html", {
        "municipality": municipality, "past": past, "in_progress": in_progress,
        "plan": selectors.schedule_for(municipality),
        "can_work": access.can(request.user, access.Level.WORK, municipality),
    })
