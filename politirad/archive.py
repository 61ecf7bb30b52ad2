"""The Noark 5 extract of a police council for the municipality's archive (arkivlova,
Veileder §4.1.2): one `moetemappe` per meeting with approved minutes, one `moeteregistrering`
per agenda item and one for the minutes themselves, the documents as PDF/A-2b; the
cooperation agreements of the council's municipalities as `saksmappe` per agreement with a
`journalpost` per signed version (`avtaler.archive`).

Which content the archive copy holds (a decision, see README.md "Records and archive"): the
archive is the municipality's own record, not a publication, so it holds the members'
version — open, internal and exempt items in full (`samarbeid.confidentiality`,
`Output.ARCHIVE`) — and marks every exempt item, and the minutes that contain one, with
`skjerming` (the legal basis from the item). Beside the full
minutes it keeps the public version (offentleglova) as the variant "Dokument hvor deler av
innholdet er skjermet", from the same view model as the public page
(`selectors.minutes_view(public=True)`). The extract is read through the one access policy as
the person who makes it: the management command reads as the council's archive (what a
seat reads); a district administrator reads the same; a national administrator, who does not
read exempt content, gets exempt items as number, «Unntatt offentlighet» and legal basis only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from samarbeid import policy
from samarbeid.archive import noark5
from samarbeid.archive.checks import ACCEPTED_PDFA, pdfa_claim
from samarbeid.models import AuditAction, AuditEvent
from samarbeid.pdf import render_pdf

from . import selectors
from .models import (
    AgendaAttachment,
    AttendanceStatus,
    Meeting,
    MinutesStatus,
    PoliceCouncil,
)

SYSTEM = noark5.SYSTEM_NAME
UNNTATT = "Unntatt offentlighet"
PRONOM_PDFA = {("1", "A"): "fmt/95", ("1", "B"): "fmt/354", ("2", "A"): "fmt/476",
               ("2", "B"): "fmt/477", ("2", "U"): "fmt/478"}


def archive_principal(council: PoliceCouncil) -> policy.Principal:
    """The council's archive reads what a seat on the council reads (the members' version):
    a principal with one seat and nothing else, so the policy decides as for any member."""
    return policy.Principal(user_id=-1, on=timezone.localdate(),
                            seats={"council": {council.pk: policy.Seat(role="archive")}})


def _name(user: Any) -> str:
    if user is None:
        return SYSTEM
    return user.get_full_name() or user.get_username() or SYSTEM


def screening_for(legal_basis: str, *, document: str = "") -> noark5.Screening:
    """skjerming from a legal basis such as «offl. § 13 jf. fvl. § 13»: the restriction is the
    section of offentleglova it rests on (M500), "UO" when none can be read from it."""
    match = re.search(r"offl\.?\s*§\s*(\d+)", legal_basis, re.IGNORECASE)
    return noark5.Screening(legal_basis=legal_basis or UNNTATT,
                            restriction=match.group(1) if match else "UO", document=document)


def meetings_in(council: PoliceCouncil, start: dt.date, end: dt.date) -> list[Meeting]:
    """Meetings held in the period whose minutes are approved: only approved minutes are
    records (a draft is still being written)."""
    tz = timezone.get_current_timezone()
    return list(
        Meeting.objects.filter(
            council=council, cancelled=False,
            starts_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz),
            starts_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
            minutes__status__in=[MinutesStatus.APPROVED, MinutesStatus.PUBLISHED])
        .select_related("council", "minutes__approved_by", "created_by")
        .order_by("starts_at", "pk"))


def _pdf_object(name: str, content: bytes, created: dt.datetime, by: str, *,
                variant: str = noark5.VARIANT_ARCHIVE) -> noark5.DocumentObject:
    claim = pdfa_claim(content)
    if claim in ACCEPTED_PDFA and claim is not None:
        return noark5.DocumentObject(file_name=name, content=content, created=created,
                                     created_by=by, variant=variant, format=PRONOM_PDFA[claim],
                                     format_details=f"PDF/A-{claim[0]}{claim[1].lower()}")
    return noark5.DocumentObject(file_name=name, content=content, created=created, created_by=by,
                                 variant=noark5.VARIANT_PRODUCTION, format="PDF",
                                 format_details="PDF, ikke konvertert til PDF/A")


def _attachment_object(attachment: AgendaAttachment, name: str) -> noark5.DocumentObject:
    with attachment.file.open("rb") as handle:
        content = handle.read()
    by = _name(attachment.uploaded_by)
    if name.endswith(".pdf"):
        return _pdf_object(name, content, attachment.uploaded_at, by)
    # Not converted: the portal cannot turn Office files or images into PDF/A.
    return noark5.DocumentObject(
        file_name=name, content=content, created=attachment.uploaded_at, created_by=by,
        variant=noark5.VARIANT_PRODUCTION, format=attachment.content_type,
        format_details="Ikke konvertert til arkivformat")


def _meeting_folder(meeting: Meeting, reader: policy.Principal, number: str,
                    changes: list[noark5.Change]) -> noark5.Folder:
    council = meeting.council
    minutes = selectors.minutes_of(meeting)
    assert minutes is not None and minutes.approved_at is not None
    approved_by = _name(minutes.approved_by)
    date = timezone.localtime(meeting.starts_at).date()
    key = f"politirad.meeting:{meeting.pk}"
    members = selectors.minutes_view(meeting, reader)
    public = selectors.minutes_view(meeting, None, public=True)
    secretary = next((m.display_name for m in selectors.council_members(council)
                      if m.is_secretary), "") or approved_by

    def extra(kind: str, status: str = "") -> list[noark5.Field]:
        return [("moeteregistreringstype", kind), ("moeteregistreringsstatus", status),
                ("administrativEnhet", council.name), ("saksbehandler", secretary)]

    registrations = []
    bases: list[str] = []
    attachments_by_item: dict[int, list[AgendaAttachment]] = {}
    # Attachments the reader may read (an exempt item's only for those who read exempt).
    readable: Any = AgendaAttachment.objects.filter(item__meeting=meeting).restrict(reader)
    for attachment in readable.select_related("uploaded_by").order_by("uploaded_at", "pk"):
        attachments_by_item.setdefault(attachment.item_id, []).append(attachment)
    for row in members["rows"]:
        n = row["number"]
        reg_key = f"{key}:item:{n}"
        screening = screening_for(row["legal_basis"]) if row["exempt"] else None
        stub = f"Sak {n}: {UNNTATT}" + (f" ({row['legal_basis']})" if row["legal_basis"] else "")
        if screening is not None:
            bases.append(screening.legal_basis)
        if row["hidden"]:  # exempt and the reader may not read it: number and basis only
            registrations.append(noark5.Registration(
                key=reg_key, kind="moeteregistrering", title=f"Sak {n}: {UNNTATT}",
                public_title=stub,
                created=minutes.approved_at, created_by=approved_by, screening=screening,
                extra=extra("Saksframlegg")))
            continue
        item = row["item"]
        documents = []
        for number_in_item, attachment in enumerate(attachments_by_item.get(item.pk, []), start=1):
            ext = attachment.filename.rsplit(".", 1)[-1].lower() if "." in attachment.filename \
                else "bin"
            name = f"moete-{meeting.pk}-sak-{n}-vedlegg-{attachment.pk}.{ext}"
            documents.append(noark5.DocumentDescription(
                key=f"politirad.attachment:{attachment.pk}", title=attachment.filename,
                doc_type="Vedlegg", role=noark5.ATTACHMENT, number=number_in_item,
                created=attachment.uploaded_at, created_by=_name(attachment.uploaded_by),
                screening=screening, objects=[_attachment_object(attachment, name)]))
        remarks = []
        if row["internal"]:
            remarks.append(noark5.Remark(
                text="Intern sak: ikke med i portalens offentlige versjon av referatet.",
                kind="Tilgangsnivå", date=minutes.approved_at, by=approved_by))
        registrations.append(noark5.Registration(
            key=reg_key, kind="moeteregistrering", title=f"Sak {n}: {item.title}",
            public_title=stub if screening else "",
            description=item.description, created=minutes.approved_at, created_by=approved_by,
            screening=screening, documents=documents, remarks=remarks,
            extra=extra("Saksframlegg")))

    name = f"moete-{meeting.pk}-referat"
    full = render_pdf("politirad/minutes_pdf.html", {**members, "pdf": True}, language="nb")
    complete = not any(row["hidden"] for row in members["rows"])
    objects = [_pdf_object(f"{name}.pdf", full, minutes.approved_at, approved_by,
                           variant=noark5.VARIANT_ARCHIVE if complete
                           else noark5.VARIANT_SCREENED)]
    if bases:  # the minutes hold exempt items: keep the public version beside them
        public_pdf = render_pdf("politirad/minutes_pdf.html", {**public, "pdf": True},
                                language="nb")
        objects.append(_pdf_object(f"{name}-offentlig.pdf", public_pdf, minutes.approved_at,
                                   approved_by, variant=noark5.VARIANT_SCREENED))
    minutes_key = f"{key}:minutes"
    screened_minutes = (screening_for("; ".join(sorted(set(bases))),
                                      document="Skjerming av deler av dokumentet")
                        if bases else None)
    remarks = [noark5.Remark(text=f"Rettelse {c.made_on:%d.%m.%Y}: {c.text}",
                             kind="Rettelse etter godkjenning",
                             date=c.created_at, by=_name(c.author))
               for c in members["corrections"]]
    status = "Publisert" if minutes.status == MinutesStatus.PUBLISHED else "Godkjent"
    registrations.append(noark5.Registration(
        key=minutes_key, kind="moeteregistrering",
        title=f"Referat fra møte i {council.name} {date:%d.%m.%Y}",
        created=minutes.approved_at, created_by=approved_by, screening=screened_minutes,
        remarks=remarks, extra=extra("Møteprotokoll", status),
        documents=[noark5.DocumentDescription(
            key=f"{minutes_key}:document", title=f"Referat {council.name} {date:%d.%m.%Y}",
            doc_type="Møteprotokoll", created=minutes.approved_at, created_by=approved_by,
            screening=screened_minutes, objects=objects)]))

    # endringslogg: what changed in the minutes' record after approval.
    for correction in members["corrections"]:
        changes.append(noark5.Change(
            target_key=minutes_key, metadata="merknad", changed_at=correction.created_at,
            changed_by=_name(correction.author),
            old=f"Referat godkjent {timezone.localtime(minutes.approved_at):%d.%m.%Y}",
            new=f"Rettelse {correction.made_on:%d.%m.%Y}: {correction.text}"))
    if minutes.status == MinutesStatus.PUBLISHED and minutes.published_at:
        published = AuditEvent.objects.filter(
            object_type="politirad.minutes", object_id=str(minutes.pk),
            action=AuditAction.PUBLISH).values_list("actor_name", flat=True).first()
        changes.append(noark5.Change(
            target_key=minutes_key, metadata="moeteregistreringsstatus",
            changed_at=minutes.published_at, changed_by=published or SYSTEM,
            old="Godkjent", new="Publisert"))

    present = [a for a in members["attendance"] if a.status == AttendanceStatus.PRESENT]
    participants: list[noark5.Field] = [
        ("moetedeltaker", [("moetedeltakerNavn", a.member.display_name),
                           ("moetedeltakerFunksjon", str(a.member.get_role_display())
                            + (" (leder)" if a.member.is_chair else "")
                            + (" (sekretær)" if a.member.is_secretary else ""))])
        for a in present]
    return noark5.Folder(
        key=key, kind="moetemappe", folder_id=f"{council.pk}-{number}",
        title=f"{meeting.title or 'Møte'} i {council.name} {date:%d.%m.%Y}",
        created=meeting.created_at, created_by=_name(meeting.created_by),
        closed=minutes.approved_at, closed_by=approved_by, registrations=registrations,
        extra=[("moetenummer", number), ("utvalg", council.name), ("moetedato", date),
               ("moetested", meeting.place or ("Videomøte" if meeting.video_url else "")),
               *participants])


def _numbers(council: PoliceCouncil, meetings: Iterable[Meeting]) -> dict[int, str]:
    """Møtenummer: year / order of the meeting among the council's meetings that year."""
    wanted = {m.pk for m in meetings}
    out: dict[int, str] = {}
    counter: dict[int, int] = {}
    for pk, starts in (Meeting.objects.filter(council=council, cancelled=False)
                       .order_by("starts_at", "pk").values_list("pk", "starts_at")):
        year = timezone.localtime(starts).year
        counter[year] = counter.get(year, 0) + 1
        if pk in wanted:
            out[pk] = f"{year}/{counter[year]}"
    return out


def council_extract(*, council: PoliceCouncil, start: dt.date, end: dt.date,
                    reader: policy.Principal | None = None, made_by: str = SYSTEM,
                    agreements: bool = True) -> noark5.Archive:
    """The extract of one council for a period, read as `reader` (default: the council's
    archive, i.e. the members' version)."""
    from avtaler import archive as agreement_archive

    reader = reader or archive_principal(council)
    meetings = meetings_in(council, start, end)
    numbers = _numbers(council, meetings)
    changes: list[noark5.Change] = []
    folders = [_meeting_folder(m, reader, numbers[m.pk], changes) for m in meetings]
    municipality = council.municipality
    key = f"politirad.council:{council.pk}:{start}:{end}"
    parts = [noark5.ArchivePart(
        key=f"{key}:meetings", title=f"Møter i {council.name}",
        description="Møtemapper med godkjente referater, saker og vedlegg (Veileder §4.1.2).",
        start=start, end=end, folders=folders)]
    if agreements:
        parts.append(agreement_archive.agreements_part(
            key=f"{key}:agreements", municipality_ids=selectors.council_municipality_ids(council),
            start=start, end=end, user=None if reader.user_id == -1 else reader,
            changes=changes))
    made_at = timezone.now()
    for part in parts:  # the extract closes the period of each archive part
        changes.append(noark5.Change(target_key=part.key, metadata="arkivdelstatus",
                                     changed_at=made_at, changed_by=made_by,
                                     old="Aktiv periode", new="Avsluttet periode"))
    return noark5.Archive(
        key=key, title=f"{council.name} {start:%d.%m.%Y}–{end:%d.%m.%Y}",
        description=f"Arkivuttrekk fra Samarbeidsportalen for {council.name} "
                    f"({municipality.name} kommune).",
        creator_id=f"kommune-{municipality.number}",
        creator_name=f"{municipality.name} kommune – {council.name}", made_by=made_by,
        start=start, end=end, parts=parts, changes=changes, made_at=made_at)


def extract_name(council: PoliceCouncil, start: dt.date, end: dt.date) -> str:
    return f"noark5-politirad-{council.pk}-{start:%Y%m%d}-{end:%Y%m%d}"
