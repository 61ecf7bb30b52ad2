"""Minutes PDFs rendered once per version and audience (issue #12), like the agreements'
stored PDFs: WeasyPrint costs far more than reading a file.

A stored PDF is named by the minutes, the audience (members / public) and a stamp: a
SHA-256 of everything the PDF shows as this reader reads it (the rows and tasks the policy
lets them see, the corrections, attendance, task statuses, the meeting, the language). A
correction, publishing or a task's new status gives a new stamp and so a new PDF; two
readers share a file only when they would see exactly the same document, and a public
request only ever looks up public files, built from the public version (offentleglova:
exempt content never enters it, samarbeid.confidentiality). Draft minutes change with
every edit and are rendered on each download."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from samarbeid.pdf import render_pdf

from .. import selectors
from ..models import Meeting

logger = logging.getLogger(__name__)

TEMPLATE = "politirad/minutes_pdf.html"


def _stamp(context: dict[str, Any], *, public: bool, language: str) -> str:
    """What the PDF shows, reduced to ids, states and the texts that can change after
    approval (names, statuses): approved minutes, their entries and corrections are frozen."""
    meeting, minutes = context["meeting"], context["minutes"]
    parts: list[Any] = [
        "public" if public else "members", language, minutes.pk, minutes.status,
        minutes.approved_at, minutes.published_at, context["council"].name,
        meeting.starts_at, meeting.ends_at, meeting.place, meeting.video_url, meeting.title,
        [(r["number"], r["hidden"], r.get("exempt"), r.get("internal"), r["legal_basis"],
          r["item"].pk if r["item"] else None, r["entry"].pk if r["entry"] else None)
         for r in context["rows"]],
        [(t.pk, t.status, t.title, t.deadline, t.responsible_name) for t in context["tasks"]],
        [c.pk for c in context["corrections"]],
        [(a.member_id, a.status, a.member.display_name, a.member.role,
          str(a.member.organisation or "")) for a in context["attendance"]],
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def stored_folder(minutes: Any) -> str:
    """Where the stored PDFs of these minutes are, every audience and stamp."""
    return f"politirad/referat/{minutes.pk}"


def minutes_pdf(*, meeting: Meeting, user: Any, public: bool, language: str) -> bytes:
    """The minutes PDF as `user` reads it (None: the public), rendered on the first download
    of this version and served from storage afterwards."""
    context = selectors.minutes_view(meeting, user, public=public)
    context["pdf"] = True
    minutes = context["minutes"]
    if minutes is None or minutes.is_draft:
        return render_pdf(TEMPLATE, context, language=language)
    context["attendance"] = list(context["attendance"])  # read once: stamp and template
    stamp = _stamp(context, public=public, language=language)
    path = f"{stored_folder(minutes)}/{'public' if public else 'members'}-{stamp}.pdf"
    if default_storage.exists(path):
        with default_storage.open(path, "rb") as stored:
            return bytes(stored.read())
    data = render_pdf(TEMPLATE, context, language=language)
    name = default_storage.save(path, ContentFile(data))
    if name != path:  # another worker stored the same version meanwhile: keep one
        default_storage.delete(name)
    logger.info("minutes %s: stored %s PDF at %s", minutes.pk,
                "public" if public else "members", timezone.now().isoformat())
    return data
