"""Police council views. Thin: parse, scope through `selectors`, call a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samarbeid import access, audit
from samarbeid.models import AuditAction, Municipality, UserProfile
from samarbeid.pdf import render_pdf

from .. import forms, ical, selectors, services
from ..models import (
    ActionPlan,
    AgendaAttachment,
    AgendaItem,
    CouncilMember,
    CouncilMunicipalityRequest,
    Meeting,
    Minutes,
    PoliceCouncil,
    Task,
)

PAGE_SIZE = 25
VIEW, WORK = access.Level.VIEW, access.Level.WORK


def _form_page(request: HttpRequest, *, form: Any, title: str, back: str,
               council: PoliceCouncil | None = None, intro: str = "",
               submit: str = "") -> HttpResponse:
    return render(request, "politirad/form.html", {
        "form": form, "title": title, "back": back, "council": council, "intro": intro,
        "submit": submit or _("Save"),
    })


def _frozen(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """409: the minutes are approved, so the meeting, its agenda and attendance are fixed.
    A stale tab that posts after approval learns why, and by whom, and loses nothing else."""
    minutes = selectors.minutes_of(meeting)
    approver = minutes.approved_by if minutes is not None else None
    name = (approver.get_full_name() or approver.get_username()) if approver else _("the chair")
    return render(request, "politirad/frozen.html",
                  {"meeting": meeting, "minutes": minutes, "approved_by": name}, status=409)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- Councils -------------------------------------------------------------------------------


CREATE_SHOWN = 20


@login_required
@require_GET
def council_list(request: HttpRequest) -> HttpResponse:
    form = forms.CouncilFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.council_list(request.user, q=filters.get("q", ""), kind=filters.get("kind", ""))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    # A mayor sees their municipality; a national administrator (357 of them) searches.
    creatable_qs = access.municipalities(request.user, WORK).order_by("name")
    creatable_count = creatable_qs.count()
    new_q = request.GET.get("kommune", "").strip()[:100]
    if new_q:
        creatable_qs = creatable_qs.filter(Q(name__icontains=new_q) | Q(number=new_q))
    return render(request, "politirad/council_list.html", {
        "form": form, "page": page, "query": _query_without_page(request),
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
    if request.method == "POST" and form.is_valid():
        try:
            council = services.council_create(actor=request.user, municipality=municipality,
                                              **form.cleaned_data)
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("The council «%(name)s» is created. Add its members "
                                        "next.") % {"name": council.name})
            return redirect("politirad:council_detail", pk=council.pk)
    return _form_page(request, form=form, back=reverse("municipality_detail", args=[number]),
                      title=_("New police council for %(name)s") % {"name": municipality.name})


@login_required
@require_GET
def council_detail(request: HttpRequest, pk: int) -> HttpResponse:
    council = selectors.get_council_or_404(request.user, pk)
    meetings = Paginator(selectors.council_meetings(council), PAGE_SIZE).get_page(
        request.GET.get("page"))
    for meeting in meetings:
        meeting.flags = selectors.meeting_leadership_flags(meeting)  # type: ignore[attr-defined]
    terms = selectors.terms_for([council])[council.pk]
    return render(request, "politirad/council_detail.html", {
        "council": council,
        "municipalities": selectors.council_municipalities(council),
        "members": selectors.council_members(council),
        "meetings": meetings,
        "open_tasks": selectors.open_tasks(council, request.user)[:100],
        "pending_municipalities": council.municipality_requests.filter(
            status="pending").select_related("municipality"),
        "plans": council.plans.prefetch_related("measures"),
        "knowledge_requests": council.knowledge_requests.all(),
        "terms": terms,
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
    if request.method == "POST" and form.is_valid():
        try:
            services.council_update(council=council, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("The council is saved."))
            return redirect("politirad:council_detail", pk=council.pk)
    return _form_page(request, form=form, council=council,
                      back=reverse("politirad:council_detail", args=[council.pk]),
                      title=_("Change %(name)s") % {"name": council.name})


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    council = selectors.get_council_or_404(request.user, pk, WORK)
    form = forms.MemberForm(request.POST or None, eligible=selectors.eligible_members(council))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = services.council_member_add(
                council=council, actor=request.user, user=data["username"], name=data["name"],
                email=data["email"], organisation=data["organisation"], role=data["role"],
                is_chair=data["is_chair"], is_secretary=data["is_secretary"])
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is added to the council.")
                             % {"name": member.display_name})
            return redirect("politirad:council_detail", pk=council.pk)
    return _form_page(request, form=form, council=council,
                      back=reverse("politirad:council_detail", args=[council.pk]),
                      title=_("Add a member to %(name)s") % {"name": council.name},
                      intro=_("A seat gives the person this council only, and it ends when "
                              "they leave. People who work in the council's municipalities "
                              "are added by user name; others as external members."))


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.get_in_council_or_404(
        CouncilMember.objects.select_related("council", "user"), request.user, WORK, pk=pk)
    try:
        services.council_member_remove(member=member, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s has left the council.")
                         % {"name": member.display_name})
    return redirect("politirad:council_detail", pk=member.council_id)


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


# --- Meetings ---------------------------------------------------------------------------------


def _get_meeting(request: HttpRequest, pk: int, level: access.Level = VIEW) -> Meeting:
    return selectors.get_in_council_or_404(
        Meeting.objects.select_related("council__municipality"), request.user, level, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    council = selectors.get_council_or_404(request.user, pk, WORK)
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(council=council, actor=request.user,
                                              **form.cleaned_data)
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("The meeting is planned. Build the agenda next."))
            if meeting.agenda_deadline and meeting.agenda_deadline < timezone.now():
                messages.warning(request, _(
                    "The meeting is so soon that the deadline for the agenda (%(when)s) has "
                    "passed. Send the agenda as soon as you can; it will be marked as late.")
                    % {"when": date_format(timezone.localtime(meeting.agenda_deadline),
                                           "SHORT_DATETIME_FORMAT")})
            return redirect("politirad:meeting_detail", pk=meeting.pk)
    terms = selectors.terms_for([council])[council.pk]
    if terms.in_force:
        intro = _("The agenda should go out %(days)d days before the meeting (the agreement's "
                  "lead time, guide §4.1.2).") % {"days": terms.agenda_lead_days}
    else:
        intro = _("The agenda should go out %(days)d days before the meeting (the portal's "
                  "default; no agreement is in force, guide §4.1.2).") % {
                      "days": terms.agenda_lead_days}
    return _form_page(
        request, form=form, council=council,
        back=reverse("politirad:council_detail", args=[council.pk]),
        title=_("Plan a meeting of %(name)s") % {"name": council.name}, intro=intro)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk, WORK)
    if meeting.is_frozen:
        return _frozen(request, meeting)
    local = timezone.localtime
    form = forms.MeetingEditForm(request.POST or None, initial={
        "title": meeting.title, "starts_at": local(meeting.starts_at),
        "ends_at": local(meeting.ends_at) if meeting.ends_at else None, "place": meeting.place,
        "video_url": meeting.video_url, "cancelled": meeting.cancelled})
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect("politirad:meeting_detail", pk=meeting.pk)
    return _form_page(request, form=form, council=meeting.council,
                      back=reverse("politirad:meeting_detail", args=[meeting.pk]),
                      title=_("Change the meeting"))


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk)
    council = meeting.council
    flagged = selectors.with_meeting_flags(Meeting.objects.filter(pk=meeting.pk)).get()
    can_work = selectors.can_work(request.user, council)
    minutes = selectors.minutes_of(meeting)
    can_see_exempt = selectors.can_see_exempt(request.user, council)
    delivered = services.agenda_delivery(meeting) if meeting.agenda_sent_at and can_work \
        else None
    return render(request, "politirad/meeting_detail.html", {
        "delivered": delivered,
        "meeting": flagged,
        "state": meeting.state,
        "frozen": meeting.is_frozen,
        "may_send_agenda": meeting.may_send_agenda,
        "council": council,
        "rows": selectors.agenda_rows(meeting, request.user),
        "follow_up": selectors.follow_up_tasks(meeting, request.user),
        "attendance": meeting.attendances.select_related("member__user").order_by(
            "member__role"),
        "flags": selectors.meeting_leadership_flags(flagged),
        "can_work": can_work,
        "can_see_exempt": can_see_exempt,
        "minutes": minutes,
        "now": timezone.now(),
        # Items are removed and moved only before the agenda goes out.
        "can_arrange": can_work and not meeting.is_frozen and not meeting.agenda_sent_at,
        "agreement_in_force": selectors.terms_for([council])[council.pk].in_force,
    })


@login_required
@require_GET
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk)
    data = ical.calendar_bytes([meeting])
    audit.record(actor=request.user, action=AuditAction.EXPORT, obj=meeting, summary="ics",
                 request=request)
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Personal feed: token auth, no login (calendar programs cannot log in). A rotated
    token no longer works (the core's settings page rotates it)."""
    profile = UserProfile.for_calendar_token(token)
    if profile is None or not profile.user.is_active:
        raise Http404
    meetings = list(selectors.calendar_meetings(profile.user))
    data = ical.calendar_bytes(meetings, name=_("Police councils"))
    # Who fetched the feed, from where: a leaked token shows up in the trail (issue 7 §3).
    # The token itself never enters it.
    audit.record(actor=profile.user, action=AuditAction.EXPORT, obj=profile,
                 summary=f"calendar feed: {len(meetings)} meetings", request=request)
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


# --- Agenda ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk, WORK)
    if meeting.is_frozen:
        return _frozen(request, meeting)
    form = forms.AgendaItemForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("attachment")
        try:
            services.agenda_item_add(meeting=meeting, actor=request.user,
                                     attachments=[upload] if upload else [], **data)
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("The item is added to the agenda."))
            return redirect("politirad:meeting_detail", pk=meeting.pk)
    return _form_page(request, form=form, council=meeting.council,
                      back=reverse("politirad:meeting_detail", args=[meeting.pk]),
                      title=_("Add an agenda item"))


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_in_council_or_404(
        AgendaItem.objects.restrict(access.principal(request.user))
        .select_related("meeting__council"), request.user, WORK,
        council_path="meeting__council", pk=pk)
    if item.meeting.is_frozen:
        return _frozen(request, item.meeting)
    form = forms.AgendaItemForm(request.POST or None, request.FILES or None, initial={
        "title": item.title, "description": item.description, "presenter": item.presenter,
        "access_level": item.access_level, "legal_basis": item.legal_basis})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("attachment")
        try:
            services.agenda_item_update(item=item, actor=request.user,
                                        attachments=[upload] if upload else [], **data)
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("The agenda item is saved."))
            return redirect("politirad:meeting_detail", pk=item.meeting_id)
    return _form_page(request, form=form, council=item.meeting.council,
                      back=reverse("politirad:meeting_detail", args=[item.meeting_id]),
                      title=_("Change agenda item %(number)s") % {"number": item.number})


def _item_for_change(request: HttpRequest, pk: int) -> AgendaItem:
    return selectors.get_in_council_or_404(
        AgendaItem.objects.restrict(access.principal(request.user))
        .select_related("meeting__council"), request.user, WORK,
        council_path="meeting__council", pk=pk)


@login_required
@require_POST
def agenda_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove an item before the agenda is sent. A plain form posts here and comes back to
    the meeting; with htmx the same redirect is followed and only the agenda is swapped."""
    item = _item_for_change(request, pk)
    if item.meeting.is_frozen:
        return _frozen(request, item.meeting)
    try:
        services.agenda_item_delete(item=item, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Item %(number)s is removed from the agenda.")
                         % {"number": item.number})
    return redirect(reverse("politirad:meeting_detail", args=[item.meeting_id]) + "#agenda-h")


@login_required
@require_POST
def agenda_item_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_for_change(request, pk)
    if item.meeting.is_frozen:
        return _frozen(request, item.meeting)
    try:
        moved = services.agenda_item_move(item=item, actor=request.user,
                                          up=request.POST.get("direction") != "down")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("«%(title)s» is now item %(number)s.")
                         % {"title": moved.title, "number": moved.number})
    return redirect(reverse("politirad:meeting_detail", args=[item.meeting_id]) + "#agenda-h")


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    # Exempt attachments exist only for those who read exempt content: 404 for the others.
    attachment = selectors.get_in_council_or_404(
        AgendaAttachment.objects.restrict(access.principal(request.user))
        .select_related("item__meeting__council"), request.user,
        council_path="item__meeting__council", pk=pk)
    # Who opened which document is in the trail (a file under an exempt item included); the
    # file name may say what it is about, so only the item's number goes in.
    audit.record(actor=request.user, action=AuditAction.DOWNLOAD, obj=attachment,
                 summary=f"item {attachment.item.number}", request=request)
    # Always a download, with the checked type: never rendered inline in the portal's origin.
    response = FileResponse(attachment.file.open("rb"), as_attachment=True,
                            filename=attachment.filename, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def agenda_send(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk, WORK)
    if meeting.is_frozen:
        return _frozen(request, meeting)
    try:
        total = services.agenda_send(meeting=meeting, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        meeting.refresh_from_db()
        got, total = services.agenda_delivery(meeting)
        if meeting.agenda_sent_late:
            messages.warning(request, _("The agenda goes to %(n)d members, later than the "
                                        "agreed lead time.") % {"n": total})
        if got >= total:
            messages.success(request, _("The agenda is sent to %(n)d members with a calendar "
                                        "invitation.") % {"n": total})
        else:
            messages.info(request, _("The agenda has reached %(n)d of %(total)d members so far. "
                                     "The portal keeps trying the others; you can also send it "
                                     "again.") % {"n": got, "total": total})
    return redirect("politirad:meeting_detail", pk=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk, WORK)
    if meeting.is_frozen:
        return _frozen(request, meeting)
    members = list(selectors.council_members(meeting.council))
    current = dict(meeting.attendances.values_list("member_id", "status"))
    form = forms.AttendanceForm(request.POST or None, members=members, initial_status=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(meeting=meeting, actor=request.user,
                                       statuses=form.statuses())
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("Attendance is saved."))
            return redirect("politirad:meeting_detail", pk=meeting.pk)
    return _form_page(request, form=form, council=meeting.council,
                      back=reverse("politirad:meeting_detail", args=[meeting.pk]),
                      title=_("Attendance at %(meeting)s") % {"meeting": meeting},
                      intro=_("The guide stresses that the mayor or the chief municipal "
                              "executive and the local police leadership attend (§4.1.1, "
                              "§5.2)."))


# --- Minutes --------------------------------------------------------------------------------


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
                forms.apply_errors(form, exc)
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
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk, WORK)
    if meeting.is_frozen:
        return _frozen(request, meeting)
    items = selectors.agenda_items(meeting, request.user)
    members = list(selectors.council_members(meeting.council))
    form = forms.TaskForm(request.POST, items=items, members=members)
    if form.is_valid():
        data = form.cleaned_data
        item = next((i for i in items if str(i.pk) == data["agenda_item"]), None)
        member = next((m for m in members if str(m.pk) == data["responsible_member"]), None)
        try:
            services.task_create(meeting=meeting, actor=request.user, title=data["title"],
                                 deadline=data["deadline"], agenda_item=item,
                                 responsible_member=member,
                                 responsible_organisation=data["responsible_organisation"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The task «%(title)s» is added.") % {"title": data["title"]})
        return redirect(reverse("politirad:minutes", args=[meeting.pk]) + "#tasks")
    # A refused form (e.g. the personvern guard, §4.1.5) comes back with its errors next to
    # the fields and what the user typed kept.
    return _minutes_page(request, meeting, task_form=form)


@login_required
@require_POST
def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk)
    if not selectors.is_chair(request.user, meeting.council):
        raise PermissionDenied
    record = Minutes.objects.filter(meeting=meeting).first()
    if record is None:
        messages.error(request, _("There are no minutes to approve yet."))
        return redirect("politirad:minutes", pk=meeting.pk)
    try:
        services.minutes_approve(minutes=record, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The minutes are approved. They can no longer be changed."))
    return redirect("politirad:minutes", pk=meeting.pk)


@login_required
@require_POST
def minutes_publish(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk, WORK)
    record = Minutes.objects.filter(meeting=meeting).first()
    try:
        if record is None:
            raise ValidationError(_("There are no minutes to publish yet."))
        services.minutes_publish(minutes=record, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The minutes are published to the council's members."))
    return redirect("politirad:minutes", pk=meeting.pk)


@login_required
@require_POST
def minutes_correction(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk, WORK)
    record = Minutes.objects.filter(meeting=meeting).first()
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
    context = selectors.minutes_view(meeting, request.user, public=public)
    context["pdf"] = True
    if context["minutes"] is None or not selectors.may_read_minutes(request.user, meeting):
        raise PermissionDenied
    data = render_pdf("politirad/minutes_pdf.html", context,
                      language=getattr(request, "LANGUAGE_CODE", None))
    audit.record(actor=request.user, action=AuditAction.EXPORT, obj=context["minutes"],
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


# --- Tasks -----------------------------------------------------------------------------------


@login_required
@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    form = forms.MyTasksFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.my_tasks(request.user, mine=filters.get("mine") or "assigned",
                            state=filters.get("state") or "open", q=filters.get("q", ""))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "politirad/my_tasks.html", {
        "form": form, "page": page, "query": _query_without_page(request),
        "today": timezone.localdate(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # A task under an exempt item exists only for those who read exempt content.
    task = selectors.get_in_council_or_404(
        selectors._task_related(Task.objects.restrict(access.principal(request.user))),
        request.user, pk=pk)
    may_update = services.task_may_update(request.user, task)
    form = forms.TaskStatusForm(request.POST or None, initial={"status": task.status})
    if request.method == "POST":
        if not may_update:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.task_update_status(task=task, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                forms.apply_errors(form, exc)
            else:
                messages.success(request, _("The task is updated."))
                return redirect("politirad:task_detail", pk=task.pk)
    return render(request, "politirad/task_detail.html", {
        "task": task, "form": form if may_update else None,
        "comments": task.comments.select_related("author"),
        "today": timezone.localdate(),
    })


# --- Plans and knowledge bases -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    council = selectors.get_council_or_404(request.user, pk, WORK)
    form = forms.PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(council=council, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("The plan is created. Add its measures."))
            return redirect("politirad:plan_detail", pk=plan.pk)
    return _form_page(request, form=form, council=council,
                      back=reverse("politirad:council_detail", args=[council.pk]),
                      title=_("New plan for %(name)s") % {"name": council.name})


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_in_council_or_404(ActionPlan.objects.select_related("council"),
                                           request.user, pk=pk)
    can_work = selectors.can_work(request.user, plan.council)
    form = forms.MeasureForm(request.POST or None) if can_work else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.measure_add(plan=plan, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                forms.apply_errors(form, exc)
            else:
                messages.success(request, _("The measure is added."))
                return redirect("politirad:plan_detail", pk=plan.pk)
    return render(request, "politirad/plan_detail.html", {
        "plan": plan, "council": plan.council, "measures": plan.measures.all(), "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def knowledge_request_add(request: HttpRequest, pk: int) -> HttpResponse:
    council = selectors.get_council_or_404(request.user, pk, WORK)
    form = forms.KnowledgeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.knowledge_request_add(council=council, actor=request.user,
                                           **form.cleaned_data)
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("The request for a knowledge base is recorded."))
            return redirect("politirad:council_detail", pk=council.pk)
    return _form_page(request, form=form, council=council,
                      back=reverse("politirad:council_detail", args=[council.pk]),
                      title=_("Request a knowledge base"),
                      intro=_("The guide recommends that the council asks each agency for a "
                              "knowledge base to decide on (§4.1.5)."))





# --- Records: public minutes (offentleglova) and the archive extract (issue 13) ---------------


def _innsyn_link(address: str, subject: str, body: str) -> str:
    from urllib.parse import quote

    return f"mailto:{address}?subject={quote(subject)}&body={quote(body)}" if address else ""


@require_GET
def public_council(request: HttpRequest, pk: int) -> HttpResponse:
    """The council's published minutes for everyone, no login (offentleglova). Each links to
    its public version: exempt items as number, «Unntatt offentlighet» and legal basis,
    internal items not at all (samarbeid.confidentiality, Output.PUBLIC)."""
    council = selectors.public_council_or_404(pk)
    page = Paginator(selectors.public_meetings(council), PAGE_SIZE).get_page(
        request.GET.get("page"))
    address = selectors.innsyn_address(council)
    return render(request, "politirad/public_council.html", {
        "council": council, "page": page,
        "innsyn": _innsyn_link(address, _("Request for access: %(council)s")
                               % {"council": council.name},
                               _("I ask for access to the following documents of %(council)s "
                                 "(offentleglova § 28):") % {"council": council.name} + "\n\n"),
    })


@require_GET
def public_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """The public version of one meeting's published minutes, no login."""
    meeting = selectors.public_meeting_or_404(pk)
    context = selectors.minutes_view(meeting, None, public=True)
    address = selectors.innsyn_address(meeting.council)
    date = timezone.localtime(meeting.starts_at)
    for row in context["rows"]:
        if row["hidden"]:
            row["innsyn"] = _innsyn_link(
                address, _("Request for access: %(council)s %(date)s, item %(n)s")
                % {"council": meeting.council.name, "date": date_format(date, "SHORT_DATE_FORMAT"),
                   "n": row["number"]},
                _("I ask for access to item %(n)s of the meeting of %(council)s on %(date)s, "
                  "exempt from public access (%(basis)s). I ask you to consider whether the "
                  "item can be given in full or in part (offentleglova §§ 11 and 12).")
                % {"n": row["number"], "council": meeting.council.name,
                   "date": date_format(date, "SHORT_DATE_FORMAT"), "basis": row["legal_basis"]} + "\n\n")
    context.update({
        "innsyn": _innsyn_link(address, _("Request for access: %(council)s %(date)s")
                               % {"council": meeting.council.name,
                                  "date": date_format(date, "SHORT_DATE_FORMAT")},
                               _("I ask for access to the minutes of the meeting of %(council)s "
                                 "on %(date)s (offentleglova § 28).")
                               % {"council": meeting.council.name,
                                  "date": date_format(date, "SHORT_DATE_FORMAT")} + "\n\n"),
    })
    return render(request, "politirad/public_minutes.html", context)


@require_GET
def public_minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The public version as PDF/A, no login. Rendering costs CPU and the page is public, so
    the PDF is kept in the cache until the minutes get a correction."""
    from django.core.cache import cache

    meeting = selectors.public_meeting_or_404(pk)
    minutes = meeting.minutes
    language = getattr(request, "LANGUAGE_CODE", None) or "nb"
    latest = minutes.corrections.order_by("-pk").values_list("pk", flat=True).first() or 0
    key = f"politirad:public-minutes-pdf:{minutes.pk}:{latest}:{language}"
    data = cache.get(key)
    if data is None:
        context = selectors.minutes_view(meeting, None, public=True)
        data = render_pdf("politirad/minutes_pdf.html", {**context, "pdf": True},
                          language=language)
        cache.set(key, data, 60 * 60)
    name = f"referat-{timezone.localtime(meeting.starts_at):%Y-%m-%d}-offentlig.pdf"
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def archive_extract(request: HttpRequest, pk: int) -> HttpResponse:
    """The council's Noark 5 extract for a period, as a zip, for district administrators of
    its district and national administrators (the municipality's archive, arkivlova). The
    extract is read through the policy as the user: see politirad/archive.py."""
    from samarbeid.archive import noark5

    from .. import archive

    council = selectors.get_council_or_404(request.user, pk)
    if not selectors.may_archive(request.user, council):
        raise PermissionDenied(_("Only the district administrators of the council's police "
                                 "district and national administrators make archive "
                                 "extracts."))
    user: Any = request.user
    today = timezone.localdate()
    form = forms.ArchiveExtractForm(request.GET or None,
                                    initial={"start": today.replace(month=1, day=1), "end": today})
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        extract = archive.council_extract(council=council, start=start, end=end,
                                          reader=access.principal(user),
                                          made_by=user.get_full_name() or user.get_username())
        files = noark5.build(extract)
        name = archive.extract_name(council, start, end)
        meetings = len(extract.parts[0].folders)
        documents = len([n for n in files if n.startswith(f"{noark5.DOCUMENT_DIR}/")])
        audit.record(actor=request.user, action=AuditAction.EXPORT, obj=council,
                     summary=f"noark5 {start}..{end}: {meetings} meetings, {documents} documents",
                     request=request)
        response = HttpResponse(noark5.zip_bytes(files, name), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}.zip"'
        return response
    return render(request, "politirad/archive_extract.html", {"council": council, "form": form})
