"""A council's seats: adding and removing members."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samarbeid import pages

from .. import forms, selectors, services
from ..models import (
    CouncilMember,
)
from ._common import WORK, _form_page


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    council = selectors.get_council_or_404(request.user, pk, WORK)
    form = forms.MemberForm(request.POST or None, eligible=selectors.eligible_members(council))
    return _form_page(request, form=form, council=council,
                      save=lambda data: services.council_member_add(
                          council=council, actor=request.user, user=data["username"],
                          name=data["name"], email=data["email"],
                          organisation=data["organisation"], role=data["role"],
                          is_chair=data["is_chair"], is_secretary=data["is_secretary"]),
                      success=lambda member: _("%(name)s is added to the council.")
                      % {"name": member.display_name},
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
    return pages.post_action(
        request, act=lambda: services.council_member_remove(member=member, actor=request.user),
        success=_("%(name)s has left the council.") % {"name": member.display_name},
        redirect_to=reverse("politirad:council_detail", args=[member.council_id]))
