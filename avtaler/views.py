"""Views of the agreements. Thin: scope through samarbeid.access, call a service or selector,
render. Refusals from the services are shown at the top of the form with the input kept."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from samarbeid import access, audit, mfa, pages, ratelimit

from . import selectors, services
from .forms import (
    AgreementCreateForm,
    CompareForm,
    DeclineForm,
    MeasureFormSet,
    RegisterFilterForm,
    SignForm,
    VerifyForm,
    VersionForm,
)
from .models import Agreement, AgreementVersion, Party, VersionStatus


def _agreements() -> QuerySet[Agreement]:
    return Agreement.objects.select_related("municipality__county", "police_district", "county",
                                            "organisation")


def _agreement(request: HttpRequest, pk: int, level: access.Level = access.Level.VIEW) -> Agreement:
    return access.get_scoped_or_404(_agreements(), request.user, level, pk=pk)


def _version(request: HttpRequest, pk: int, number: int,
             level: access.Level = access.Level.VIEW) -> AgreementVersion:
    qs = AgreementVersion.objects.select_related(
        "agreement__municipality__county", "agreement__police_district", "agreement__county",
        "agreement__organisation",
    )
    return access.get_scoped_or_404(qs, request.user, level, path="agreement__municipality",
                                    agreement_id=pk, number=number)


def _version_url(version: AgreementVersion) -> str:
    return reverse("avtaler:version_detail", args=[version.agreement_id, version.number])


@login_required
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """The national register of agreements, scoped to what the user may see (§3)."""
    form = RegisterFilterForm(request.GET or None)
    return pages.list_page(request, "avtaler/register.html", form=form, rows=lambda f: (
        selectors.register_list(user=request.user, q=f.get("q", ""),
                                police_district=f.get("police_district", ""),
                                county=f.get("county", ""), status=f.get("status", ""))))


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, number: str) -> HttpResponse:
    municipality = access.get_municipality_or_404(request.user, number, access.Level.WORK)
    form = AgreementCreateForm(request.POST or None, municipality=municipality)
    return pages.form_page(
        request, "avtaler/create.html", form=form, context={"municipality": municipality},
        save=lambda data: services.agreement_create(
            municipality=municipality, actor=request.user, kind=data["kind"],
            organisation=data.get("organisation")),
        success=_("The agreement is created as a draft. Write its content below."),
        redirect_to=lambda agreement: reverse("avtaler:edit", args=[agreement.pk, 1]))


@login_required
@require_GET
def detail(request: HttpRequest, pk: int, number: int | None = None) -> HttpResponse:
    agreement = _agreement(request, pk)
    versions = list(agreement.versions.order_by("number"))
    if not versions:  # pragma: no cover — every agreement starts with version 1
        raise Http404
    if number is None:
        version = next((v for v in versions if v.pk == agreement.in_force_version_id), versions[-1])
        if versions[-1].status in (VersionStatus.DRAFT, VersionStatus.SENT_FOR_SIGNING):
            version = versions[-1]
    else:
        version = next((v for v in versions if v.number == number), None)  # type: ignore[assignment]
        if version is None:
            raise Http404
    ctx = selectors.version_document_context(version)
    can_work = access.can(request.user, access.Level.WORK, agreement.municipality)
    sign_parties = [p for p in services.signable_parties(request.user, agreement)
                    if p not in ctx["signatures"]]
    open_version = next((v for v in versions if v.status in (VersionStatus.DRAFT,
                                                             VersionStatus.SENT_FOR_SIGNING)), None)
    return render(request, "avtaler/detail.html", {
        **ctx,
        "versions": versions,
        "can_work": can_work,
        "can_sign": version.status == VersionStatus.SENT_FOR_SIGNING and bool(sign_parties),
        "can_revise": can_work and open_version is None,
        "can_decline": can_work and not agreement.in_force_version_id
        and not agreement.declined_on,
        "pdf": False,
    })


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = _version(request, pk, number, access.Level.WORK)
    context: dict[str, Any] = {"version": version, "agreement": version.agreement}
    if version.is_locked:
        # §3: signed text never changes; say so and offer the way forward.
        context["refusal"] = pages.error_messages(services.SignedVersionError())[0]
        return render(request, "avtaler/edit.html", context, status=409)
    initial = {f: getattr(version, f) for f in services.EDITABLE_FIELDS}
    initial["focus_areas"] = list(version.focus_areas.filter(is_standard=True))
    initial["custom_focus_areas"] = "\n".join(
        [f.name for f in version.focus_areas.filter(is_standard=False)]
        + version.custom_focus_area_list
    )
    form = VersionForm(request.POST or None, initial=initial)
    formset = MeasureFormSet(request.POST or None, prefix="measures", initial=[
        {"title": m.title, "coordination_step": m.coordination_step, "responsible": m.responsible,
         "description": m.description} for m in version.measures.all()
    ])
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = {f: form.cleaned_data.get(f) for f in services.EDITABLE_FIELDS}
        data["forms_of_cooperation"] = list(form.cleaned_data["forms_of_cooperation"])
        measures = [services.MeasureData(title=f.cleaned_data["title"].strip(),
                                         coordination_step=f.cleaned_data["coordination_step"],
                                         responsible=f.cleaned_data.get("responsible", ""),
                                         description=f.cleaned_data.get("description", ""))
                    for f in formset.forms if f.cleaned_data.get("title", "").strip()]
        try:
            services.version_update(version=version, actor=request.user, data=data,
                                    focus_areas=form.cleaned_data["focus_areas"], measures=measures)
        except ValidationError as exc:
            pages.apply_errors(form, exc)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect(_version_url(version))
    context.update({"form": form, "formset": formset, "warnings": version.warnings()})
    return render(request, "avtaler/edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def send(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = _version(request, pk, number, access.Level.WORK)
    return pages.action_page(
        request, "avtaler/send.html",
        act=lambda: services.version_send_for_signing(version=version, actor=request.user),
        success=_("The agreement is sent for signing. Both parties can now sign it."),
        redirect_to=lambda result: _version_url(version),
        context={"version": version, "agreement": version.agreement,
                 "warnings": version.warnings()})


@login_required
@require_http_methods(["GET", "POST"])
@mfa.require_fresh  # a fresh second factor, or a fresh SSO login at acr substantial (issue 11)
def sign(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = _version(request, pk, number)
    agreement = version.agreement
    signed = set(version.signatures.values_list("party", flat=True))
    parties = [p for p in services.signable_parties(request.user, agreement) if p not in signed]
    if not services.signable_parties(request.user, agreement):
        raise PermissionDenied
    if version.status != VersionStatus.SENT_FOR_SIGNING or not parties:
        messages.info(request, _("There is nothing for you to sign on this version."))
        return redirect(_version_url(version))
    form = SignForm(request.POST or None, request.FILES or None, parties=parties,
                    initial={"party": parties[0]})

    def save(data: dict[str, Any]) -> AgreementVersion:
        services.version_sign(version=version, actor=request.user, party=data["party"],
                              signed_pdf=data.get("signed_pdf"))
        version.refresh_from_db()
        return version

    def signed_message(v: AgreementVersion) -> str:
        if v.status == VersionStatus.IN_FORCE:
            return _("Signed. Both parties have signed: the agreement is in force.")
        return _("Signed. The agreement enters into force when the other party has signed.")

    return pages.form_page(
        request, "avtaler/sign.html", form=form, save=save, success=signed_message,
        redirect_to=_version_url,
        context={"version": version, "agreement": agreement, "fingerprint": version.fingerprint,
                 "multipart": True})


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = _version(request, pk, number, access.Level.WORK)
    return pages.action_page(
        request, "avtaler/withdraw.html",
        act=lambda: services.version_withdraw(version=version, actor=request.user),
        success=lambda draft: _("Version %(old)s is taken back from signing. Make the changes in "
                                "version %(new)s.") % {"old": version.number, "new": draft.number},
        redirect_to=lambda draft: reverse("avtaler:edit", args=[pk, draft.number]),
        context={"version": version, "agreement": version.agreement})


@login_required
@require_http_methods(["GET", "POST"])
def revise(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk, access.Level.WORK)
    return pages.action_page(
        request, "avtaler/revise.html",
        act=lambda: services.version_create_revision(agreement=agreement, actor=request.user),
        success=lambda draft: _("Version %(number)s is created as a draft, copied from the "
                                "previous version.") % {"number": draft.number},
        redirect_to=lambda draft: reverse("avtaler:edit", args=[agreement.pk, draft.number]),
        context={"agreement": agreement})


@login_required
@require_GET
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    versions = {v.number: v for v in agreement.versions.prefetch_related("focus_areas", "measures")}
    numbers = sorted(versions)
    default = {"a": numbers[-2] if len(numbers) > 1 else numbers[0], "b": numbers[-1]}
    form = CompareForm(request.GET or None, numbers=numbers, initial=default)
    chosen = form.cleaned_data if form.is_valid() else default
    old, new = versions[chosen["a"]], versions[chosen["b"]]
    return render(request, "avtaler/compare.html", {
        "agreement": agreement, "form": form, "old": old, "new": new,
        "diffs": selectors.compare_versions(old, new) if len(numbers) > 1 else [],
    })


@login_required
@require_GET
def pdf(request: HttpRequest, pk: int, number: int) -> FileResponse:
    version = _version(request, pk, number)
    if not version.pdf or version.pdf_state != services.pdf_state(version):
        # Not rendered yet (or the task is behind): render now rather than make the user wait.
        version = services.version_render_pdf(version_id=version.pk)
    filename = f"samarbeidsavtale-{version.agreement.municipality.number}-v{version.number}.pdf"
    audit.record(actor=request.user, action="export", obj=version, summary=filename,
                 request=request)
    return FileResponse(version.pdf.open("rb"), as_attachment=True, filename=filename,
                        content_type="application/pdf")


@login_required
@require_GET
def signed_copy(request: HttpRequest, pk: int, number: int, party: str) -> FileResponse:
    version = _version(request, pk, number)
    if party not in Party.values:
        raise Http404
    signature = version.signatures.filter(party=party).exclude(wet_ink_pdf="").first()
    if signature is None:
        raise Http404
    # The stored name is fixed by the model (never the uploader's file name), so the download
    # name is too; the scanned copy is served as an attachment (issue 7 §2).
    filename = f"signert-{party}-v{version.number}.pdf"
    audit.record(actor=request.user, action="export", obj=version, summary=filename,
                 request=request)
    return FileResponse(signature.wet_ink_pdf.open("rb"), as_attachment=True,
                        filename=filename, content_type="application/pdf")


@login_required
@require_http_methods(["GET", "POST"])
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk, access.Level.WORK)
    form = DeclineForm(request.POST or None, initial={"declined_on": timezone.localdate()})
    return pages.form_page(
        request, "avtaler/decline.html", form=form, context={"agreement": agreement},
        save=lambda data: services.agreement_decline(
            agreement=agreement, actor=request.user, note=data["note"],
            declined_on=data["declined_on"]),
        success=_("The municipality's decision to decline is recorded."),
        redirect_to=reverse("avtaler:detail", args=[agreement.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Is this PDF a sealed agreement from the portal, unchanged (issue 13, Veileder §3)? Or
    does a typed fingerprint match a signed version? Answered within the user's scope.

    An uploaded file is checked as a whole — its seal and its SHA-256 — and its text is never
    extracted: text extraction on untrusted PDFs is unbounded (issue 16), and a printed
    fingerprint proves nothing. Checks are limited per user (VERIFY_RATE_LIMIT per
    VERIFY_RATE_WINDOW_SECONDS).
    """
    form = VerifyForm(request.POST or None, request.FILES or None)
    result: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        if not ratelimit.allow(f"verify:{request.user.pk}", limit=settings.VERIFY_RATE_LIMIT,
                               window_seconds=settings.VERIFY_RATE_WINDOW_SECONDS):
            minutes = max(1, settings.VERIFY_RATE_WINDOW_SECONDS // 60)
            limited = _("You have checked %(n)d documents in the last %(minutes)d minutes. "
                        "Wait a few minutes and try again.") % {
                            "n": settings.VERIFY_RATE_LIMIT, "minutes": minutes}
            return render(request, "avtaler/verify.html",
                          {"form": VerifyForm(), "result": None, "limited": limited}, status=429)
        if form.is_valid():
            upload = form.cleaned_data.get("document")
            if upload:
                upload.seek(0)
                check = selectors.verify_document(
                    user=request.user, content=upload.read(settings.VERIFY_MAX_BYTES + 1))
                result = {"kind": "document", "problem": check.problem, "match": check.version,
                          "sha256": check.sha256}
                status = 200 if check.version else 422
            else:
                fingerprint = form.cleaned_data.get("fingerprint") or ""
                match = selectors.verify_fingerprint(user=request.user, fingerprint=fingerprint)
                result = {"kind": "fingerprint", "fingerprint": fingerprint, "match": match}
    return render(request, "avtaler/verify.html", {"form": form, "result": result}, status=status)
