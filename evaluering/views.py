"""Evaluations (Veileder §7) and the status reports for administrators. Thin views: parse,
call a selector or service, render."""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samarbeid import access, audit, compliance
from samarbeid.models import AuditAction, County, PoliceDistrict
from samarbeid.pdf import render_pdf

from . import reports, selectors, services, svgmap
from .forms import (
    AnswersForm,
    EvaluationCreateForm,
    EvaluationFilterForm,
    FollowUpForm,
    MapForm,
    ReportListFilterForm,
)
from .models import Evaluation, Mode

PAGE_SIZE = 50


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


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
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.evaluation_list(user=request.user, q=filters.get("q", ""),
                                   status=filters.get("status", ""),
                                   method=filters.get("method", ""))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    can_create = access.municipalities(request.user, access.Level.WORK).exists()
    return render(request, "evaluering/index.html", {
        "form": form, "page": page, "query": query.urlencode(), "can_create": can_create,
        "is_reader": access.is_administrator(request.user)
        or bool(access.roles(request.user).leadership_units),
    })


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_create(request: HttpRequest) -> HttpResponse:
    allowed = access.municipalities(request.user, access.Level.WORK)
    if not allowed.exists():  # a reader may see evaluations but not start one
        raise PermissionDenied
    initial = {"municipality": request.GET.get("kommune")} if request.GET.get("kommune") else {}
    form = EvaluationCreateForm(request.POST or None, municipalities=allowed, initial=initial,
                                councils=selectors.councils_for_evaluation(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        council = data.get("council_obj")
        try:
            evaluation = services.evaluation_create(
                subject_id=council.pk if council else None,
                municipality=data["municipality"], actor=request.user,
                period_start=data["period_start"], period_end=data["period_end"],
                method=data["method"], mode=data["mode"], subject_kind=data["subject_kind"],
                subject_name=data.get("subject_name", ""), request=request,
            )
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("The evaluation is started. Fill in the answers."))
            return redirect("evaluering:evaluation_detail", pk=evaluation.pk)
    return render(request, "evaluering/evaluation_form.html", {"form": form})


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
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.evaluation_save_answers(evaluation=evaluation, actor=request.user,
                                             answers=data, summary=data.get("summary", ""),
                                             request=request)
            if "complete" in request.POST:
                services.evaluation_complete(evaluation=evaluation, actor=request.user,
                                             request=request)
                messages.success(request, _("The evaluation is completed and saved."))
            else:
                messages.success(request, _("The answers are saved."))
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
        else:
            return redirect("evaluering:evaluation_detail", pk=evaluation.pk)
    context = _detail_context(request, evaluation)
    context["form"] = form
    return render(request, "evaluering/evaluation_answer.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def response_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's own answers. Council members who may only read the municipality may
    still answer: answering is how they take part in the forum's evaluation (§7)."""
    evaluation = _evaluation(request, pk)
    mine = evaluation.responses.filter(respondent_id=request.user.pk).first()
    form = AnswersForm(request.POST or None, method=evaluation.method, with_summary=False,
                       initial=mine.answers if mine else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_submit(evaluation=evaluation, respondent=request.user,
                                     answers=form.cleaned_data, request=request)
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("Your answers are saved."))
            return redirect("evaluering:evaluation_detail", pk=evaluation.pk)
    return render(request, "evaluering/response_form.html",
                  {"evaluation": evaluation, "form": form})


@login_required
@require_POST
def follow_up_create(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, access.Level.WORK)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            item = services.follow_up_create(evaluation=evaluation, actor=request.user,
                                             request=request, **form.cleaned_data)
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
        else:
            if item.task_id:
                messages.success(request, _("The lesson is now a task for the council."))
            else:
                messages.success(request, _("The lesson is now a follow-up item."))
            return redirect("evaluering:evaluation_detail", pk=evaluation.pk)
    context = _detail_context(request, evaluation)
    context["follow_up_form"] = form
    return render(request, "evaluering/evaluation_detail.html", context, status=400)


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


# --- Reports ---------------------------------------------------------------------------


def _report_context(report: reports.Report) -> dict[str, Any]:
    params = dict(report.filters)
    if report.group_by == "county" and not report.filters:
        params["group"] = "county"
    return {"report": report, "statuses": reports.STATUSES,
            "status_labels": compliance.STATUS_LABELS, "export_query": urlencode(params),
            "bars": reports.chart_bars(report)}


@login_required
@require_GET
def report_national(request: HttpRequest) -> HttpResponse:
    group_by = "county" if request.GET.get("group") == "county" else "district"
    report = reports.build(request.user, group_by=group_by)
    return render(request, "evaluering/report.html", {
        **_report_context(report), "level": "national", "group_by": group_by,
        "national": access.is_national_admin(request.user),
    })


@login_required
@require_GET
def report_district(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(PoliceDistrict, code=code)
    report = reports.build(request.user, district=district)
    if not report.rows:  # a district the user may not see
        raise Http404
    return render(request, "evaluering/report.html", {
        **_report_context(report), "level": "district", "district": district})


@login_required
@require_GET
def report_county(request: HttpRequest, number: str) -> HttpResponse:
    county = get_object_or_404(County, number=number)
    district = None
    if request.GET.get("district"):
        district = get_object_or_404(PoliceDistrict, code=request.GET["district"])
    report = reports.build(request.user, district=district, county=county)
    if not report.rows:
        raise Http404
    return render(request, "evaluering/report.html", {
        **_report_context(report), "level": "county", "district": district, "county": county})


def _narrowing(request: HttpRequest) -> tuple[PoliceDistrict | None, County | None]:
    district = county = None
    if request.GET.get("district"):
        district = PoliceDistrict.objects.filter(code=request.GET["district"]).first()
        if district is None:
            raise Http404
    if request.GET.get("county"):
        county = County.objects.filter(number=request.GET["county"]).first()
        if county is None:
            raise Http404
    return district, county


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """The municipalities behind one cell of a report (rule × status, within a scope)."""
    district, county = _narrowing(request)
    report = reports.build(request.user, district=district, county=county)
    form = ReportListFilterForm(request.GET or None, checks=report.checks)
    data = form.cleaned_data if form.is_valid() else {}
    rows = reports.filtered_rows(report, data.get("check", ""), data.get("status", ""),
                                 data.get("q", ""))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    check = next((c for c in report.checks if c.code == data.get("check")), None)
    return render(request, "evaluering/report_list.html", {
        **_report_context(report), "form": form, "page": page, "query": query.urlencode(),
        "district": district, "county": county, "check": check,
        "status_label": compliance.STATUS_LABELS.get(
            compliance.Status(data["status"])) if data.get("status") else "",
        "export_query": query.urlencode(),
    })


@login_required
@require_GET
def report_map(request: HttpRequest) -> HttpResponse:
    district, county = _narrowing(request)
    report = reports.build(request.user, district=district, county=county)
    form = MapForm(request.GET or None, checks=report.checks)
    code = form.cleaned_data.get("check", "") if form.is_valid() else ""
    code = code or reports.OVERALL
    check = next((c for c in report.checks if c.code == code), None)
    outlines = svgmap.safe_paths()
    shown = {r.municipality.number: r for r in report.rows}
    detail = reverse("municipality_detail", args=["0000"])[:-5]
    areas = []
    for number, (name, d) in outlines.items():
        row = shown.get(number)
        status = row.status_for(code) if row else None
        areas.append({"number": number, "name": name, "d": d, "row": row, "status": status,
                      "href": f"{detail}{number}/",
                      "label": compliance.STATUS_LABELS[status] if status else ""})
    return render(request, "evaluering/report_map.html", {
        **_report_context(report), "form": form, "areas": areas, "check": check,
        "district": district, "county": county,
        "viewbox": svgmap.viewbox_for(list(shown)) if district or county else
        svgmap.viewbox_for([]),
        "credit": svgmap.CREDIT, "credit_url": svgmap.CREDIT_URL,
        "map_rows": [(r, r.status_for(code)) for r in report.rows],
    })


TABLES = {"totals", "groups", "municipalities"}
# File names in ASCII that still read as the place: Sør-Vest → sor-vest, Trøndelag → trondelag.
NORWEGIAN_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})


@login_required
@require_GET
def report_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    """Any report table as CSV or XLSX, limited to what the user may see (the same
    selector as the page), and recorded in the audit trail."""
    if table not in TABLES or fmt not in ("csv", "xlsx"):
        raise Http404
    district, county = _narrowing(request)
    report = reports.build(request.user, district=district, county=county,
                           group_by="county" if request.GET.get("group") == "county"
                           else "district")
    if (district or county) and not report.rows:  # a scope the user may not see, as the pages
        raise Http404
    if table == "totals":
        header, body = reports.table_totals(report)
    elif table == "groups":
        header, body = reports.table_groups(report)
    else:
        rows = reports.filtered_rows(report, request.GET.get("check", ""),
                                     request.GET.get("status", ""), request.GET.get("q", "")[:100])
        header, body = reports.table_municipalities(report, rows)
    # Named after the place, as a person would save it: status-municipalities-sor-vest.csv
    scope_name = slugify((county.name if county else district.name if district else "norge")
                         .translate(NORWEGIAN_LETTERS))
    filename = f"status-{table}-{scope_name}.{fmt}"
    target: Any = county or district or request.user
    audit.record(actor=request.user, action=AuditAction.EXPORT, obj=target,
                 summary=f"{filename} ({len(body)} rows)", request=request)
    # Cells typed by people (or names) could start a formula in a spreadsheet (OWASP CSV
    # injection): neutralise them before writing either format.
    header = [reports.spreadsheet_safe(v) for v in header]
    body = [[reports.spreadsheet_safe(v) for v in line] for line in body]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(header)
        writer.writerows([[_csv_cell(v) for v in line] for line in body])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            _xlsx(header, body, str(_("Status"))),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_cell(value: Any) -> Any:
    """Norwegian Excel reads a semicolon-separated file (UTF-8 with BOM) and numbers with a
    decimal comma: 99,4, not 99.4 (which it would take for a date or text)."""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return value


def _xlsx(header: list[str], body: list[list[Any]], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in body:
        sheet.append(line)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text is text: openpyxl would store "=..." as a formula
            elif isinstance(cell.value, float):
                # A rounded number with a format, never 99.40000000000001; Excel shows the
                # reader's decimal separator.
                cell.value = round(cell.value, 1)
                cell.number_format = "0.0"
            elif isinstance(cell.value, int) and cell.row > 1:
                cell.number_format = "#,##0"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
