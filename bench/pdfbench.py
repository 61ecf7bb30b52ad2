"""PDF render times on the bench database: a 12-page agreement and minutes with 30 agenda
items and 50 tasks, rendered the way users get them (service / view), warm: the median of
five renders after a first one.

Both are stored once rendered (a version's PDF; minutes per version and audience), so the
target is on the render, the cost of a version's first download: a stored file read is
reported beside it but measures storage, not PDF work. Files the bench stores are removed
afterwards: the database rolls back, storage does not."""

from __future__ import annotations

import datetime as dt
import io
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

PARAGRAPH = ("Kommunen og politiet skal i fellesskap arbeide for trygge lokalsamfunn, forebygge "
             "kriminalitet blant barn og unge og styrke samordningen av tiltak. ") * 6


def _agreement_version() -> Any:
    from avtaler.models import Agreement, AgreementMeasure, AgreementVersion

    version = AgreementVersion.objects.filter(agreement__municipality__number="1103").first()
    assert version is not None, "run the dataset generator first"
    agreement = Agreement.objects.get(pk=version.agreement_id)
    # Version 98: the measures are numbered paragraphs in the PDF (more to a page than the
    # table they were), so more paragraphs of strategy keep the document at 12 pages.
    long_version = AgreementVersion.objects.filter(agreement=agreement, number=98).first()
    if long_version is None:
        long_version = AgreementVersion.objects.bulk_create([AgreementVersion(
            agreement=agreement, number=98, status="superseded",
            strategies="\n\n".join([PARAGRAPH] * 26), meetings_per_year=4, agenda_lead_days=14,
            evaluation_interval_months=12, evaluation_method="gll",
            extended_council_participants="Næringsforeningen, frivilligsentralen, Hetland vgs.",
            revision_interval_months=24, fingerprint=version.fingerprint)])[0]
        AgreementMeasure.objects.bulk_create([AgreementMeasure(version=long_version, title=f"Tiltak {i}",
                                             description=PARAGRAPH[:300], responsible="Kommunen",
                                             coordination_step=1 + i % 4, order=i)
                                     for i in range(40)])
    return long_version


def _meeting() -> Any:
    from politirad import models as pr

    council = pr.PoliceCouncil.objects.filter(municipality__number="1103", kind="local").first()
    assert council is not None, "run the dataset generator first"
    meeting = pr.Meeting.objects.filter(council=council, title="Benchmøte").first()
    if meeting is None:
        when = timezone.now() - dt.timedelta(days=3)
        meeting = pr.Meeting.objects.create(council=council, title="Benchmøte", starts_at=when,
                                            agenda_sent_at=when - dt.timedelta(days=9))
        items = pr.AgendaItem.objects.bulk_create([pr.AgendaItem(
            meeting=meeting, number=i + 1, title=f"Sak {i + 1}", description=PARAGRAPH[:200])
            for i in range(30)])
        chair = get_user_model().objects.get(username="bench.mayor.1103")
        minutes = pr.Minutes.objects.create(meeting=meeting, status="published", approved_by=chair,
                                            approved_at=when, published_at=when)
        entries = pr.MinutesEntry.objects.bulk_create([pr.MinutesEntry(
            minutes=minutes, agenda_item=it, notes=PARAGRAPH[:400]) for it in items])
        pr.Decision.objects.bulk_create([pr.Decision(entry=e, text="Vedtatt som foreslått.")
                                         for e in entries])
        members: list[Any] = list(pr.CouncilMember.objects.filter(council=council))
        pr.Task.objects.bulk_create([pr.Task(
            council=council, meeting=meeting, entry=entries[i % 30], title=f"Følg opp sak {i}",
            responsible_member=members[i % len(members)], deadline=when.date() + dt.timedelta(days=30),
            status="open") for i in range(50)])
    return meeting


def _timed(fn: Any, before: Any = None, runs: int = 5) -> tuple[float, bytes]:
    """CPU seconds of a warm call (this process, the renderer runs in it): steadier than
    wall time on a loaded machine; the median of `runs` calls after an untimed first one
    (fonts, templates), as one call moved 0.38–0.73 s on this shared host within minutes.
    `before` runs untimed ahead of each call."""
    import statistics

    times = []
    for i in range(runs + 1):
        if before is not None:
            before()
        start = time.process_time()
        data = fn()
        if i:
            times.append(time.process_time() - start)
    return statistics.median(times), data


def fixtures() -> None:
    """Create the long agreement version and the 30-item meeting (called by the generator)."""
    _agreement_version()
    _meeting()


def measure() -> dict[str, Any]:
    """Render inside a transaction that is rolled back: a rendered PDF is stored on its
    version (a write), and the PDF bench must not change what the page bench reads."""
    from django.db import transaction

    with transaction.atomic():
        result = _measure()
        transaction.set_rollback(True)
    return result


def _measure() -> dict[str, Any]:
    from django.core.files.storage import default_storage

    from avtaler import services
    from politirad.services import documents
    from samarbeid.pdf import font_subsetting

    version = _agreement_version()
    stored: list[str] = []

    def agreement() -> bytes:
        v = services.version_render_pdf(version_id=version.pk)
        stored.append(v.pdf.name)
        return bytes(v.pdf.read())

    try:
        seconds_a, data_a = _timed(agreement)
    finally:
        for name in stored:
            default_storage.delete(name)  # no-op for the one the service replaced
    meeting = _meeting()
    folder = documents.stored_folder(meeting.minutes)

    def drop_minutes() -> None:
        """Remove this minutes' stored PDFs, so that the next download renders."""
        if default_storage.exists(folder):
            for name in default_storage.listdir(folder)[1]:
                default_storage.delete(f"{folder}/{name}")

    from samarbeid.mfa import METHOD_KEY

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench.mayor.1103"))
    session = client.session
    session[METHOD_KEY] = "sso"  # as single sign-on logs in: no second-factor prompt
    session.save()

    def minutes() -> bytes:
        response = client.get(f"/politirad/moter/{meeting.pk}/referat.pdf")
        assert response.status_code == 200, response.status_code
        return bytes(response.content)

    try:
        seconds_m, data_m = _timed(minutes, before=drop_minutes)  # a version's first download
        stored_m, _ = _timed(minutes)  # every download after it: the stored file
    finally:
        drop_minutes()
    return {
        "agreement": {"seconds": round(seconds_a, 3), "pages": len(PdfReader(io.BytesIO(data_a)).pages)},
        "minutes": {"seconds": round(seconds_m, 3), "stored_seconds": round(stored_m, 3),
                    "pages": len(PdfReader(io.BytesIO(data_m)).pages)},
        "font_subsetting": font_subsetting(),
    }
