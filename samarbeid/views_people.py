"""The People pages: roles and invitations per municipality, police district and council,
managed in the portal (not the Django admin). Every change goes through the audited services
in `samarbeid.invitations` and `samarbeid.services`. Outsiders get 404, readers 403."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access, invitations, pages, people
from .forms_people import EndDateForm, InviteForm, SeatInviteForm
from .models import Invitation, Membership, Municipality, OperationalUnit, PoliceDistrict, Role


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def _sent_message(request: HttpRequest, invitation: Invitation, sent: bool) -> None:
    if sent:
        messages.success(request, _("The invitation is sent to %(email)s. The link works for "
                                    "%(days)d days.") % {"email": invitation.email,
                                                        "days": _days()})
    else:
        messages.warning(request, _("The invitation is saved, but the e-mail to %(email)s "
                                    "could not be sent. Try «Resend» in a while.")
                         % {"email": invitation.email})


def _days() -> int:
    from django.conf import settings

    return int(settings.INVITATION_DAYS)


def _scope_url(invitation: Invitation) -> str:
    if invitation.seat_kind:
        return reverse("people_seat", args=[invitation.seat_kind, invitation.seat_object_id])
    if invitation.municipality is not None:
        return reverse("people_municipality", args=[invitation.municipality.number])
    district = invitation.police_district or (
        invitation.operational_unit.police_district if invitation.operational_unit else None)
    return reverse("people_district", args=[district.code]) if district else reverse(
        "people_index")


@login_required
@require_GET
def people_index(request: HttpRequest) -> HttpResponse:
    access.require_administrator(request.user)
    districts = list(people.administered_districts(request.user))
    if len(districts) == 1 and not access.is_national_admin(request.user):
        return redirect("people_district", code=districts[0].code)
    return render(request, "samarbeid/people/index.html", {"districts": districts})


def _district_or_403(request: HttpRequest, code: str) -> PoliceDistrict:
    district = get_object_or_404(PoliceDistrict, code=code)
    p = access.roles(request.user)
    if not (p.national_admin or district.pk in p.admin_districts):
        raise PermissionDenied(_("Only the district's administrators see its people."))
    return district


@login_required
@require_GET
def people_district(request: HttpRequest, code: str) -> HttpResponse:
    district = _district_or_403(request, code)
    return render(request, "samarbeid/people/district.html", {
        "district": district, **people.district_people(district)})


@login_required
@require_GET
def people_municipality(request: HttpRequest, number: str) -> HttpResponse:
    municipality = access.get_municipality_or_404(request.user, number)
    return render(request, "samarbeid/people/municipality.html", {
        "municipality": municipality,
        "can_manage": access.can(request.user, access.Level.ADMIN, municipality),
        **people.municipality_people(municipality)})


@login_required
@require_http_methods(["GET", "POST"])
def people_invite(request: HttpRequest) -> HttpResponse:
    """Invite a person to a role in a municipality, a unit or the district."""
    p = access.require_administrator(request.user)
    districts = people.administered_districts(request.user)
    municipalities = Municipality.objects.filter(police_district__in=districts).order_by("name")
    units = OperationalUnit.objects.filter(police_district__in=districts).select_related(
        "police_district")
    roles = [(r.value, r.label) for r in Role if r != Role.NATIONAL_ADMIN or p.national_admin]
    initial: dict[str, Any] = {}
    chosen = municipalities.filter(number=request.GET.get("kommune", "")).first()
    if chosen is not None:
        initial.update(municipality=chosen, role=Role.MUNICIPAL_LEADER)
    district = districts.filter(code=request.GET.get("distrikt", "")).first()
    if district is not None:
        initial["police_district"] = district
    form = InviteForm(request.POST or None, initial=initial, roles=roles,
                      municipalities=municipalities, units=units, districts=districts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        extra = {"share_of_position": data["share_of_position"]} \
            if data["role"] == Role.POLICE_CONTACT else {}
        try:
            invitation, sent = invitations.invitation_create(
                actor=request.user, email=data["email"], name=data["name"], role=data["role"],
                municipality=data.get("municipality"),
                operational_unit=data.get("operational_unit"),
                police_district=data.get("police_district"), title=data["title"],
                can_sign=data["can_sign"], starts_on=data["starts_on"],
                ends_on=data.get("ends_on"), extra=extra)
        except ValidationError as exc:
            pages.apply_errors(form, exc)
        else:
            _sent_message(request, invitation, sent)
            return redirect(_scope_url(invitation))
    return render(request, "samarbeid/people/invite.html", {"form": form,
                                                            "municipality": chosen})


@login_required
@require_http_methods(["GET", "POST"])
def people_seat(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """A council's seats and invitations; invite a member, end a seat."""
    target = invitations.seat_target(kind)
    obj = target.get(pk) if target is not None else None
    if target is None or obj is None or not target.may_see(request.user, obj):
        raise Http404
    if not target.may_invite(request.user, obj):
        raise PermissionDenied(_("Only the council's chair, its police contact and the "
                                 "administrators manage its members."))
    form = SeatInviteForm(request.POST if request.POST.get("action") == "invite" else None,
                          roles=target.roles())
    if request.method == "POST":
        if request.POST.get("action") == "end_seat":
            try:
                target.end_seat(obj, int(request.POST.get("seat", "0") or 0), request.user)
            except (ValidationError, ValueError) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, _("The seat is ended; the access it gave ended with "
                                            "it."))
            return redirect("people_seat", kind=kind, pk=pk)
        if form.is_valid():
            try:
                invitation, sent = invitations.invitation_create(
                    actor=request.user, email=form.cleaned_data["email"],
                    name=form.cleaned_data["name"], seat_kind=kind, seat_object=obj,
                    seat_role=form.cleaned_data["seat_role"])
            except ValidationError as exc:
                pages.apply_errors(form, exc)
            else:
                _sent_message(request, invitation, sent)
                return redirect("people_seat", kind=kind, pk=pk)
    return render(request, "samarbeid/people/seat.html", {
        "target": target, "obj": obj, "kind": kind, "form": form,
        "seats": target.seats(obj), "object_url": target.url(obj),
        "invitations": people.seat_invitations(kind, obj.pk),
        "district": target.district(obj),
    })


@login_required
@require_http_methods(["GET", "POST"])
def people_membership(request: HttpRequest, pk: int) -> HttpResponse:
    """One role: change its end date (a handover), end it today, or deactivate the person."""
    membership = get_object_or_404(
        Membership.objects.select_related("user", "municipality", "operational_unit",
                                          "police_district"), pk=pk)
    may_manage = invitations.may_manage_membership(request.user, membership)
    if not may_manage:
        visible = access.can(request.user, access.Level.VIEW, membership.municipality) \
            if membership.municipality else access.is_administrator(request.user)
        if not visible:
            raise Http404
        raise PermissionDenied(_("Only the district's administrators change roles."))
    form = EndDateForm(request.POST or None, initial={"ends_on": membership.ends_on})
    if request.method == "POST":
        ends_on = timezone.localdate() if request.POST.get("action") == "end_today" else None
        if ends_on is not None or form.is_valid():
            try:
                invitations.role_set_end(
                    membership=membership, actor=request.user,
                    ends_on=ends_on if ends_on is not None else form.cleaned_data["ends_on"])
            except ValidationError as exc:
                pages.apply_errors(form, exc)
            else:
                membership.refresh_from_db()
                if membership.ends_on is None:
                    messages.success(request, _("The role has no end date."))
                else:
                    messages.success(request, _("The role ends on %(date)s: from that day it "
                                                "gives no access.") % {
                                         "date": date_format(membership.ends_on, "SHORT_DATE_FORMAT")})
                return redirect(_membership_scope_url(membership))
    return render(request, "samarbeid/people/membership.html", {
        "membership": membership, "form": form, "person": membership.user,
        "back_url": _membership_scope_url(membership),
        "may_deactivate": membership.user.is_active
        and invitations.may_deactivate(request.user, membership.user),
    })


def _membership_scope_url(membership: Membership) -> str:
    if membership.municipality is not None:
        return reverse("people_municipality", args=[membership.municipality.number])
    district = membership.police_district or (
        membership.operational_unit.police_district if membership.operational_unit else None)
    return reverse("people_district", args=[district.code]) if district else reverse(
        "people_index")


def _invitation_or_404(request: HttpRequest, pk: int) -> Invitation:
    invitation = get_object_or_404(
        Invitation.objects.select_related("municipality", "operational_unit__police_district",
                                          "police_district", "invited_by"), pk=pk)
    if not invitations.may_see(request.user, invitation):
        raise Http404
    if not invitations.may_manage(request.user, invitation):
        raise PermissionDenied(_("Only those who may invite to this may resend or revoke the "
                                 "invitation."))
    return invitation


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation_or_404(request, pk)
    try:
        sent = invitations.invitation_resend(invitation=invitation, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        _sent_message(request, invitation, sent)
    return _back(request, _scope_url(invitation))


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation_or_404(request, pk)
    try:
        invitations.invitation_revoke(invitation=invitation, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The invitation to %(email)s is revoked; the link no "
                                    "longer works.") % {"email": invitation.email})
    return _back(request, _scope_url(invitation))


@login_required
@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate an account: it cannot log in, and its sessions end now."""
    if not access.is_administrator(request.user):
        raise Http404
    person = get_object_or_404(get_user_model(), pk=pk)
    if not invitations.may_deactivate(request.user, person):
        raise PermissionDenied(_("You may deactivate only people whose roles are all in your "
                                 "police district."))
    invitations.user_deactivate(user=person, actor=request.user)
    messages.success(request, _("%(name)s is deactivated and logged out everywhere.")
                     % {"name": person.get_full_name() or person.get_username()})
    return _back(request, reverse("people_index"))
