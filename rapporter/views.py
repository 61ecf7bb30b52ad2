"""Status reports across municipalities, the map and the exports (Veileder §3–§7 as the
compliance registry reports them). Thin views: parse, call `reports`, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from samarbeid import access, audit, compliance, pages
from samarbeid.models import AuditAction, County, PoliceDistrict

from . import exporters, reports, svgmap
from .forms import MapForm, ReportListFilterForm

PAGE_SIZE = 50


def _report_context(report: reports.Report, share: str = "municipalities") -> dict[str, Any]:
    params = dict(report.filters)
    if report.group_by == "county" and not report.filters:
        params["group"] = "county"
    return {"report": report, "statuses": reports.STATUSES,
            "status_labels": compliance.STATUS_LABELS, "export_query": urlencode(params),
            "exporters": exporters.all_exporters(), "share": share,
            "bars": reports.chart_bars(report, by_population=share == "population")}


def _share(request: HttpRequest) -> str:
    """What the chart measures: the share of municipalities, or of the population (§6
    reports SLT coverage as a share of the population)."""
    return "population" if request.GET.get("share") == "population" else "municipalities"


@login_required
@require_GET
def report_national(request: HttpRequest) -> HttpResponse:
    group_by = "county" if request.GET.get("group") == "county" else "district"
    report = reports.build(request.user, group_by=group_by)
    return render(request, "rapporter/report.html", {
        **_report_context(report, _share(request)), "level": "national", "group_by": group_by,
        "national": access.is_national_admin(request.user),
    })


@login_required
@require_GET
def report_district(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(PoliceDistrict, code=code)
    report = reports.build(request.user, district=district)
    if not report.rows:  # a district the user may not see
        raise Http404
    return render(request, "rapporter/report.html", {
        **_report_context(report, _share(request)), "level": "district", "district": district})


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
    return render(request, "rapporter/report.html", {
        **_report_context(report, _share(request)), "level": "county", "district": district,
        "county": county})


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
    data = pages.filters_of(form)
    rows = reports.filtered_rows(report, data.get("check", ""), data.get("status", ""),
                                 data.get("q", ""))
    query = pages.query_without_page(request)
    check = next((c for c in report.checks if c.code == data.get("check")), None)
    return render(request, "rapporter/report_list.html", {
        **_report_context(report), "form": form, "page": pages.paginate(request, rows, PAGE_SIZE),
        "query": query,
        "district": district, "county": county, "check": check,
        "status_label": compliance.STATUS_LABELS.get(
            compliance.Status(data["status"])) if data.get("status") else "",
        "export_query": query,
    })


@login_required
@require_GET
def report_map(request: HttpRequest) -> HttpResponse:
    """The map, coloured by one rule or the overall status, narrowed to a district or a
    county. Names show on hover and on keyboard focus; zoom is in rapporter/map.js."""
    district, county = _narrowing(request)
    report = reports.build(request.user, district=district, county=county)
    districts = reports.visible_districts(request.user)
    form = MapForm(request.GET or None, checks=report.checks, districts=districts)
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
    return render(request, "rapporter/report_map.html", {
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
    """Any report table in any exporter's format, limited to what the user may see (the
    same selector as the page), and recorded in the audit trail."""
    exporter = exporters.get(fmt)
    if table not in TABLES or exporter is None:
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
    filename = exporter.filename(f"status-{table}-{scope_name}")
    target: Any = county or district or request.user
    audit.record(actor=request.user, action=AuditAction.EXPORT, obj=target,
                 summary=f"{filename} ({len(body)} rows)", request=request)
    response = HttpResponse(exporter.render(header, body, str(_("Status"))),
                            content_type=exporter.content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
