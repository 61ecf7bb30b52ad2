"""Minutes: writing, approving, publishing, corrections and the PDFs (§4.1.5)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samarbeid import audit, pages
from samarbeid.models import AuditAction

from .. import forms, selectors, services
from ..models import (
    AgendaItem,
    CouncilMember,
    Meeting,
)
from ._common import WORK, _frozen, _get_meeting


@login_required
@require_http_methods(["GET", "POST"])
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk)
    council = meeting.council
    can_work = selectors.can_work(request.user, council)
    existing = selectors.minutes_of(meeting)
    editable = can_work and (existing is None or existing.is_draft)
    members = list(selectors.council_members(council))
    # Writing a row needs reading it: only items the user may read can be written.
    items = selectors.agenda_items(meeting, request.user)
    error_forms: dict[int, Any] = {}
    if request.method == "POST":
        if can_work and not editable:
            return _frozen(request, meeting)
        if not editable:
            raise PermissionDenied
        item = next((i for i in items if str(i.pk) == request.POST.get("item")), None)
        if item is None:
            raise Http404
        form = forms.MinutesEntryForm(request.POST, prefix=f"item{item.pk}", members=members)
        if form.is_valid():
            data = form.cleaned_data
            tasks = []
            if data["task_title"].strip():
                tasks.append(services.TaskSpec(
                    title=data["task_title"].strip(), deadline=data["task_deadline"],
                    responsible_member=next((m for m in members
                                             if str(m.pk) == data["task_responsible"]), None)))
            try:
                services.minutes_entry_save(
                    meeting=meeting, agenda_item=item, actor=request.user,
                    notes=data["notes"], decisions=data["decisions"].splitlines(),
                    access_level=data["access_level"], legal_basis=data["legal_basis"],
                    tasks=tasks)
            except ValidationError as exc:
                pages.apply_errors(form, exc)
            else:
                messages.success(request, _("The minutes for item %(number)s are saved.")
                                 % {"number": item.number})
                return redirect(reverse("politirad:minutes", args=[meeting.pk])
                                + f"#item-{item.number}")
        error_forms[item.pk] = form
    return _minutes_page(request, meeting, error_forms=error_forms, members=members, items=items)


def _minutes_page(request: HttpRequest, meeting: Meeting, *,
                  error_forms: dict[int, Any] | None = None, task_form: Any = None,
                  correction_form: Any = None, members: list[CouncilMember] | None = None,
                  items: list[AgendaItem] | None = None) -> HttpResponse:
    """The minutes page; a refused form comes back bound, with its errors next to the
    fields and what the user typed kept (§4.1.5: the personvern guard, among others)."""
    council = meeting.council
    can_work = selectors.can_work(request.user, council)
    existing = selectors.minutes_of(meeting)
    editable = can_work and (existing is None or existing.is_draft)
    if members is None:
        members = list(selectors.council_members(council))
    if items is None:
        items = selectors.agenda_items(meeting, request.user)
    error_forms = error_forms or {}
    context = selectors.minutes_view(meeting, request.user)
    context["readable"] = selectors.may_read_minutes(request.user, meeting)
    if editable:
        for row in context["rows"]:
            item_obj, entry = row["item"], row["entry"]
            if item_obj is None:
                continue
            row["form"] = error_forms.get(item_obj.pk) or forms.MinutesEntryForm(
                prefix=f"item{item_obj.pk}", members=members, initial={
                    "notes": entry.notes if entry else "",
                    "decisions": "\n".join(d.text for d in entry.decisions.all()) if entry else "",
                    "access_level": entry.access_level if entry else item_obj.access_level,
                    "legal_basis": entry.legal_basis if entry else item_obj.legal_basis})
        context["task_form"] = task_form or forms.TaskForm(items=items, members=members)
    context.update({
        "editable": editable, "can_work": can_work,
        "is_chair": selectors.is_chair(request.user, council),
        "correction_form": (correction_form or forms.CorrectionForm()) if can_work else None,
    })
    return render(request, "politirad/minutes.html", context)


@login_required
@require_POST
def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk)
    if not selectors.is_chair(request.user, meeting.council):
        raise PermissionDenied
    return _minutes_action(request, meeting, services.minutes_approve,
                           missing=_("There are no minutes to approve yet."),
                           success=_("The minutes are approved. They can no longer be changed."))


@login_required
@require_POST
def minutes_publish(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk, WORK)
    return _minutes_action(request, meeting, services.minutes_publish,
                           missing=_("There are no minutes to publish yet."),
                           success=_("The minutes are published to the council's members."))


def _minutes_action(request: HttpRequest, meeting: Any, service: Any, *, missing: str,
                    success: str) -> HttpResponse:
    """Approve or publish: the service's refusal (or no minutes yet) as one error message."""
    record = selectors.minutes_of(meeting)

    def act() -> Any:
        if record is None:
            raise ValidationError(missing)
        return service(minutes=record, actor=request.user)

    return pages.post_action(request, act=act, success=success,
                             redirect_to=reverse("politirad:minutes", args=[meeting.pk]))


@login_required
@require_POST
def minutes_correction(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk, WORK)
    record = selectors.minutes_of(meeting)
    form = forms.CorrectionForm(request.POST)
    if record is None:
        messages.error(request, _("Write the correction before saving it."))
        return redirect("politirad:minutes", pk=meeting.pk)
    if form.is_valid():
        try:
            services.minutes_correction_add(minutes=record, actor=request.user,
                                            **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The correction is added with today's date."))
        return redirect("politirad:minutes", pk=meeting.pk)
    # A refused form (e.g. the personvern guard, §4.1.5) comes back with its errors next to
    # the fields and the typed correction kept.
    return _minutes_page(request, meeting, correction_form=form)


def _pdf_response(request: HttpRequest, pk: int, *, public: bool) -> HttpResponse:
    meeting = _get_meeting(request, pk)
    minutes = selectors.minutes_of(meeting)
    if minutes is None or not selectors.may_read_minutes(request.user, meeting):
        raise PermissionDenied
    # Rendered once per version and audience, then served from storage (issue #12).
    data = services.minutes_pdf(meeting=meeting, user=None if public else request.user,
                                public=public,
                                language=getattr(request, "LANGUAGE_CODE", None) or "nb")
    audit.record(actor=request.user, action=AuditAction.EXPORT, obj=minutes,
                 summary="public pdf" if public else "members pdf", request=request)
    name = f"referat-{timezone.localtime(meeting.starts_at):%Y-%m-%d}"
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{name}{"-offentlig" if public else ""}.pdf"')
    return response


@login_required
@require_GET
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf_response(request, pk, public=False)


@login_required
@require_GET
def minutes_public_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf_response(request, pk, public=True)
