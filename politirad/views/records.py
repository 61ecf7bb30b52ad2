"""Public documents (offentleglova) and the archive extract (arkivlova)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from samarbeid import access, audit, pages
from samarbeid.models import AuditAction

from .. import forms, selectors, services


def _innsyn_link(address: str, subject: str, body: str) -> str:
    from urllib.parse import quote

    return f"mailto:{address}?subject={quote(subject)}&body={quote(body)}" if address else ""


@require_GET
def public_council(request: HttpRequest, pk: int) -> HttpResponse:
    """The council's published minutes for everyone, no login (offentleglova). Each links to
    its public version: exempt items as number, «Unntatt offentlighet» and legal basis,
    internal items not at all (samarbeid.confidentiality, Output.PUBLIC)."""
    council = selectors.public_council_or_404(pk)
    page = pages.paginate(request, selectors.public_meetings(council))
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
    the PDF is rendered once per version and stored (services.minutes_pdf, issue #12): a
    correction or a task's new status gives a new one."""
    meeting = selectors.public_meeting_or_404(pk)
    data = services.minutes_pdf(meeting=meeting, user=None, public=True,
                                language=getattr(request, "LANGUAGE_CODE", None) or "nb")
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
