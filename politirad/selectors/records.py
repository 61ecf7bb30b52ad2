"""Reads for the archive extract and the public minutes (issue 13)."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    QuerySet,
)
from django.http import Http404

from samarbeid import access

from ..models import (
    Meeting,
    MinutesStatus,
    PoliceCouncil,
)
from .councils import _links


def may_archive(user: Any, council: PoliceCouncil) -> bool:
    """Who may build the council's Noark 5 extract: the district administrators of a district
    the council's municipalities lie in, and national administrators (samarbeid.access)."""
    p = access.principal(user)
    if not p.is_authenticated:
        return False
    if p.national_admin or not p.admin_districts:  # no query for everyone else
        return p.national_admin
    return any(m.police_district_id in p.admin_districts
                                   for m in _links(council))


def public_council_or_404(pk: int) -> PoliceCouncil:
    """A council whose public minutes page is on (offentleglova); 404 otherwise."""
    council = PoliceCouncil.objects.select_related("municipality").filter(
        pk=pk, public_minutes=True).first()
    if council is None:
        raise Http404
    return council


def public_meetings(council: PoliceCouncil) -> QuerySet[Meeting]:
    """Meetings whose minutes are published: their public version is a public document."""
    return (Meeting.objects.filter(council=council, minutes__status=MinutesStatus.PUBLISHED)
            .select_related("minutes").order_by("-starts_at", "-pk"))


def public_meeting_or_404(pk: int) -> Meeting:
    meeting = (Meeting.objects.select_related("council__municipality", "minutes")
               .filter(pk=pk, council__public_minutes=True,
                       minutes__status=MinutesStatus.PUBLISHED).first())
    if meeting is None:
        raise Http404
    return meeting


def innsyn_address(council: PoliceCouncil) -> str:
    """Where a request for access (innsyn, offentleglova § 28) goes: the council's secretary."""
    secretary = (council.members.active().filter(is_secretary=True).select_related("user")
                 .order_by("pk").first())
    return secretary.contact_email if secretary is not None else ""
