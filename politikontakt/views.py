"""Views for police contacts. Thin: parse, scope through samarbeid.access, call a service or
selector, render. Outsiders get 404 on objects of other municipalities and districts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samarbeid import access, pages
from samarbeid.models import Municipality, PoliceDistrict

from . import forms, selectors, services
from .models import ApprovalStatus, Assignment, PreventiveFunction, PreventiveFunctionKind

# --- Assignments -------------------------------------------------------------------------


@login_required
@require_GET
def assignment_list(request: HttpRequest) -> HttpResponse:
    districts = selectors.visible_districts(request.user).order_by("code")
    form = forms.AssignmentFilterForm(request.GET or None, districts=districts)
    r = access.roles(request.user)
    return pages.list_page(request, "politikontakt/assignment_list.html", form=form, rows=lambda f: (
        selectors.assignment_list(user=request.user, q=f.get("q", ""),
                                  status=f.get("status") or "active",
                                  police_district=f.get("police_district", ""))), context={
        "is_administrator": r.national_admin or bool(r.admin_districts),
        "is_national_admin": r.national_admin,
        "reads_coverage": selectors.reads_coverage(request.user),
    })


def _assignment(request: HttpRequest, pk: int, level: access.Level) -> Assignment:
    qs = Assignment.objects.select_related("contact", "municipality", "operational_unit",
                                           "approval", "municipality__police_district")
    return access.get_scoped_or_404(qs, request.user, level, pk=pk)


@login_required
@require_GET
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk, access.Level.VIEW)
    return render(request, "politikontakt/assignment_detail.html", {
        "assignment": assignment,
        "can_admin": access.can(request.user, access.Level.ADMIN, assignment.municipality),
    })


@login_required
@require_http_methods(["GET", "POST"])
def assignment_create(request: HttpRequest, number: str) -> HttpResponse:
    municipality = access.get_municipality_or_404(request.user, number, access.Level.ADMIN)
    form = forms.AssignmentForm(
        request.POST or None,
        contacts=selectors.eligible_contacts(police_district=municipality.police_district),
        units=forms.units_for(municipality),
        initial={"operational_unit": municipality.operational_unit_id},
    )
    context: dict[str, Any] = {
        "municipality": municipality, "approval_url": "",
        "current": selectors.panel_assignments(municipality=municipality)}

    def save(data: dict[str, Any]) -> Assignment:
        try:
            return services.assignment_create(
                contact=data["contact"], municipality=municipality,
                share_of_position=data["share_of_position"], mandate=data["mandate"],
                operational_unit=data["operational_unit"], starts_on=data["starts_on"],
                ends_on=data["ends_on"], actor=request.user,
            )
        except services.RuleOfThreeError as exc:
            # A fourth municipality: the page offers the request to Politidirektoratet (§5).
            context["approval_url"] = exc.request_url
            raise

    return pages.form_page(
        request, "politikontakt/assignment_form.html", form=form, context=context, save=save,
        success=lambda assignment: _("%(contact)s is now the police contact for "
                                     "%(municipality)s.") % {
            "contact": assignment.contact.get_full_name() or assignment.contact.get_username(),
            "municipality": municipality.name},
        redirect_to=lambda assignment: reverse("politikontakt:assignment_detail",
                                               args=[assignment.pk]))


def _detail_url(assignment: Assignment) -> str:
    return reverse("politikontakt:assignment_detail", args=[assignment.pk])


@login_required
@require_http_methods(["GET", "POST"])
def assignment_change(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk, access.Level.ADMIN)
    form = forms.AssignmentChangeForm(request.POST or None, initial={
        "share_of_position": assignment.share_of_position, "mandate": assignment.mandate})
    return pages.form_page(
        request, "politikontakt/assignment_change.html", form=form,
        context={"assignment": assignment},
        save=lambda data: services.assignment_change(
            assignment=assignment, share_of_position=data["share_of_position"],
            mandate=data["mandate"], actor=request.user),
        success=_("The assignment is saved."), redirect_to=_detail_url(assignment))


@login_required
@require_http_methods(["GET", "POST"])
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk, access.Level.ADMIN)
    form = forms.AssignmentEndForm(request.POST or None, starts_on=assignment.starts_on)
    return pages.form_page(
        request, "politikontakt/assignment_end.html", form=form,
        context={"assignment": assignment},
        save=lambda data: services.assignment_end(assignment=assignment, ends_on=data["ends_on"],
                                                  actor=request.user),
        success=lambda _result: _("The assignment ends on %(date)s. The history is kept.") % {
            "date": date_format(assignment.last_day, "SHORT_DATE_FORMAT")
            if assignment.last_day else ""},
        redirect_to=_detail_url(assignment))


# --- Coverage ------------------------------------------------------------------------------


def _chosen_district(request: HttpRequest, districts: Any) -> PoliceDistrict:
    code = request.GET.get("district")
    district = districts.filter(code=code).first() if code else None
    district = district or districts.first()
    if district is None:
        raise PermissionDenied
    return district  # type: ignore[no-any-return]


@login_required
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    """Administrators see their districts; police contacts and unit leaders the
    municipalities they serve (issue #14); anyone else 403 (`_chosen_district`)."""
    is_administrator = access.is_administrator(request.user)
    if is_administrator:
        districts = selectors.admin_districts(request.user).order_by("code")
        municipalities = None
    else:
        municipalities = selectors.coverage_municipalities(request.user)
        districts = PoliceDistrict.objects.filter(
            pk__in=municipalities.values("police_district_id")).order_by("code")
    district = _chosen_district(request, districts)
    return render(request, "politikontakt/coverage.html", {
        "coverage": selectors.coverage(police_district=district, municipalities=municipalities),
        "district_form": forms.DistrictChoiceForm(initial={"district": district.code},
                                                  districts=districts),
        "many_districts": districts.count() > 1,
        "is_administrator": is_administrator,
    })


# --- Directorate approvals -----------------------------------------------------------------


@login_required
@require_GET
def approval_list(request: HttpRequest) -> HttpResponse:
    access.require_administrator(request.user)
    status = request.GET.get("status", "")
    qs = selectors.approvals_for(request.user)
    if status in ApprovalStatus.values:
        qs = qs.filter(status=status)
    return render(request, "politikontakt/approval_list.html", {
        "page": pages.paginate(request, qs.order_by("-requested_at", "pk")),
        "query": pages.query_without_page(request), "status": status,
        "statuses": ApprovalStatus.choices,
        "is_national_admin": access.is_national_admin(request.user),
        "is_administrator": True,
    })


@login_required
@require_http_methods(["GET", "POST"])
def approval_request(request: HttpRequest) -> HttpResponse:
    r = access.require_administrator(request.user)
    districts = selectors.admin_districts(request.user)
    contacts = selectors.eligible_contacts_in(districts=districts)
    municipalities = Municipality.objects.filter(police_district__in=districts).order_by("name")
    initial: dict[str, Any] = {}
    if request.method == "GET":
        contact = contacts.filter(pk=request.GET.get("contact") or 0).first() \
            if (request.GET.get("contact") or "").isdigit() else None
        if contact is not None:
            initial["contact"] = contact.pk
            load = selectors.municipality_counts(contact_ids=[contact.pk]).get(contact.pk, 0)
            initial["max_municipalities"] = max(load + 1, 4)
        municipality = municipalities.filter(number=request.GET.get("municipality", "")).first()
        if municipality is not None:
            initial["municipality"] = municipality.pk
    form = forms.ApprovalRequestForm(request.POST or None, initial=initial, contacts=contacts,
                                     municipalities=municipalities)

    def save(data: dict[str, Any]) -> Any:
        municipality = data["municipality"]
        district = (municipality.police_district if municipality is not None
                    else selectors.contact_district(contact=data["contact"], districts=districts))
        if district is None or not (r.national_admin or district.pk in r.admin_districts):
            raise ValidationError({"municipality": _(
                "Choose the municipality in your police district that the approval is for.")})
        return services.approval_request(
            contact=data["contact"], police_district=district, reason=data["reason"],
            max_municipalities=data["max_municipalities"], municipality=municipality,
            actor=request.user)

    return pages.form_page(
        request, "politikontakt/approval_request.html", form=form, save=save,
        success=_("The request is sent to Politidirektoratet. The assignment can be made when "
                  "it is approved."), redirect_to=reverse("politikontakt:approval_list"))


@login_required
@require_http_methods(["GET", "POST"])
def approval_decide(request: HttpRequest, pk: int) -> HttpResponse:
    approval = get_object_or_404(selectors.approvals_for(request.user), pk=pk)
    is_national = access.is_national_admin(request.user)
    if request.method == "POST" and not is_national:
        raise PermissionDenied
    form = forms.ApprovalDecisionForm(request.POST or None)
    load = selectors.municipality_counts(contact_ids=[approval.contact_id]).get(
        approval.contact_id, 0)
    return pages.form_page(
        request, "politikontakt/approval_decide.html", form=form, context={
            "approval": approval, "can_decide": is_national
            and approval.status == ApprovalStatus.PENDING, "load": load},
        save=lambda data: services.approval_decide(
            approval=approval, approve=data["decision"] == "approve",
            expires_on=data["expires_on"], note=data["note"], actor=request.user),
        success=lambda _result: (_("The request is approved.")
                                 if form.cleaned_data["decision"] == "approve"
                                 else _("The request is rejected.")),
        redirect_to=reverse("politikontakt:approval_list"))


# --- Directory of preventive functions (§2.1) ---------------------------------------------


@login_required
@require_GET
def directory_index(request: HttpRequest) -> HttpResponse:
    districts = list(selectors.visible_districts(request.user).order_by("code"))
    return render(request, "politikontakt/directory_index.html", {
        "districts": districts, "is_administrator": access.is_administrator(request.user),
        "reads_coverage": selectors.reads_coverage(request.user)})


def _district(request: HttpRequest, code: str, *, change: bool = False) -> PoliceDistrict:
    """404 for a district the user may not read; 403 for a reader asked to change."""
    district = selectors.visible_districts(request.user).filter(code=code).first()
    if district is None:
        raise Http404
    if change and not selectors.can_administer_district(request.user, district):
        raise PermissionDenied
    return district


@login_required
@require_GET
def directory(request: HttpRequest, code: str) -> HttpResponse:
    district = _district(request, code)
    form = forms.DirectoryFilterForm(request.GET or None)
    # The guide's nine functions (§2.1) the district has not listed (one query).
    listed = set(PreventiveFunction.objects.filter(police_district=district)
                 .values_list("kind", flat=True).distinct())
    missing = [label for value, label in PreventiveFunctionKind.choices
               if value != PreventiveFunctionKind.OTHER and value not in listed]
    return pages.list_page(request, "politikontakt/directory.html", form=form, rows=lambda f: (
        selectors.directory(police_district=district, kind=f.get("kind", ""), q=f.get("q", ""))),
        context={"district": district, "missing": missing,
                 "can_edit": selectors.can_administer_district(request.user, district)})


@login_required
@require_http_methods(["GET", "POST"])
def function_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    district = _district(request, code, change=True)
    instance = (get_object_or_404(PreventiveFunction, police_district=district, pk=pk)
                if pk is not None else PreventiveFunction(police_district=district))
    form = forms.PreventiveFunctionForm(request.POST or None, instance=instance)
    return pages.form_page(
        request, "politikontakt/function_form.html", form=form,
        context={"district": district, "function": instance},
        save=lambda data: services.preventive_function_save(function=form.instance,
                                                            actor=request.user),
        success=lambda _result: _("%(function)s is saved.") % {
            "function": form.instance.function_name},
        redirect_to=reverse("politikontakt:directory", args=[district.code]))


@login_required
@require_POST
def function_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    district = _district(request, code, change=True)
    function = get_object_or_404(PreventiveFunction, police_district=district, pk=pk)
    services.preventive_function_delete(function=function, actor=request.user)
    messages.success(request, _("%(function)s is removed from the directory.") % {
        "function": function.function_name})
    return redirect("politikontakt:directory", code=district.code)
