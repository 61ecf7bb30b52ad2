"""Cooperation agreements in a Noark 5 extract (Veileder §3, arkivlova): one `saksmappe` per
agreement, one `journalpost` per signed version with the sealed PDF/A as its document and the
seal, verified when the extract is made, as `elektroniskSignatur`. Agreements are public
documents (offentleglova) without confidentiality levels: nothing is screened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from samarbeid import access, seal
from samarbeid.archive import noark5

from . import services
from .models import SIGNED_STATUSES, AgreementVersion, VersionStatus

SYSTEM = noark5.SYSTEM_NAME


def _name(user: Any) -> str:
    if user is None:
        return SYSTEM
    return user.get_full_name() or user.get_username() or SYSTEM


def signed_versions(*, municipality_ids: Iterable[int], start: dt.date, end: dt.date,
                    user: Any = None) -> list[AgreementVersion]:
    """Versions that entered into force in the period; scoped to `user` when given (None: the
    archive, which reads every agreement of these municipalities)."""
    tz = timezone.get_current_timezone()
    qs: QuerySet[AgreementVersion] = AgreementVersion.objects.filter(
        agreement__municipality_id__in=list(municipality_ids), status__in=SIGNED_STATUSES,
        in_force_from__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        in_force_from__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    if user is not None:
        qs = access.scope(qs, user, path="agreement__municipality")
    return list(qs.select_related("agreement__municipality", "agreement__police_district",
                                  "agreement__county", "agreement__organisation",
                                  "agreement__created_by", "created_by")
                .prefetch_related("signatures").order_by("agreement_id", "number"))


def _journal_entry(version: AgreementVersion, changes: list[noark5.Change]
                   ) -> noark5.Registration:
    if not version.sealed_at:  # signed before a seal was configured: seal it now
        version = services.version_render_pdf(version_id=version.pk)
    with version.pdf.open("rb") as handle:
        content = handle.read()
    checked = seal.check_seal(content) if version.sealed_at else None
    assert version.in_force_from is not None
    when = version.in_force_from
    key = f"avtaler.version:{version.pk}"
    signatures = sorted(version.signatures.all(), key=lambda s: s.signed_at)
    signature: list[noark5.Field] = []
    if checked is not None:
        signature = [("elektroniskSignaturSikkerhetsnivaa", "Virksomhetssegl (PAdES, SHA-256)"),
                     ("elektroniskSignaturVerifisert", "Signatur påført og verifisert"
                      if checked.ok else "Signatur påført, ikke verifisert"),
                     ("verifisertDato", timezone.localdate()), ("verifisertAv", SYSTEM)]
    name = (f"avtale-{version.agreement.municipality.number}-{version.agreement_id}"
            f"-v{version.number}.pdf")
    obj = noark5.DocumentObject(file_name=name, content=content, created=version.sealed_at or when,
                                created_by=SYSTEM, signature=signature)
    if version.status == VersionStatus.SUPERSEDED and version.superseded_at:
        changes.append(noark5.Change(target_key=key, metadata="merknad",
                                     changed_at=version.superseded_at, changed_by=SYSTEM,
                                     old="I kraft", new="Erstattet av en nyere versjon"))
    return noark5.Registration(
        key=key, kind="journalpost",
        title=f"Samarbeidsavtale {version.agreement.first_party_name} – versjon {version.number}",
        created=version.sent_for_signing_at or when, created_by=_name(version.created_by),
        parts=[noark5.Party(name=s.name, role=f"Signert for {s.get_party_display().lower()}"
                            + (f" ({s.role_title})" if s.role_title else ""))
               for s in signatures],
        remarks=[noark5.Remark(text=f"SHA-256 av avtaleteksten: {version.fingerprint}",
                               kind="Fingeravtrykk", date=when, by=SYSTEM)],
        documents=[noark5.DocumentDescription(
            key=f"{key}:document", title=f"Signert samarbeidsavtale, versjon {version.number}",
            doc_type="Avtale", created=when, created_by=SYSTEM, objects=[obj])],
        extra=[("journalaar", timezone.localtime(when).year),
               ("journalsekvensnummer", version.pk), ("journalpostnummer", version.number),
               ("journalposttype", "Utgående dokument"), ("journalstatus", "Arkivert"),
               ("journaldato", timezone.localtime(when).date()),
               ("dokumentetsDato", timezone.localtime(when).date())])


def agreements_part(*, key: str, municipality_ids: Iterable[int], start: dt.date, end: dt.date,
                    user: Any = None, changes: list[noark5.Change]) -> noark5.ArchivePart:
    versions = signed_versions(municipality_ids=municipality_ids, start=start, end=end, user=user)
    folders: dict[int, noark5.Folder] = {}
    for version in versions:
        agreement = version.agreement
        folder = folders.get(agreement.pk)
        if folder is None:
            created = agreement.created_at
            open_versions = agreement.versions.filter(
                status__in=[VersionStatus.DRAFT, VersionStatus.SENT_FOR_SIGNING]).exists()
            folder = folders[agreement.pk] = noark5.Folder(
                key=f"avtaler.agreement:{agreement.pk}", kind="saksmappe",
                folder_id=f"{timezone.localtime(created).year}/{agreement.pk}",
                title=f"Samarbeidsavtale {agreement.first_party_name} – "
                      f"{agreement.police_district.full_name}",
                created=created, created_by=_name(agreement.created_by),
                closed=version.in_force_from or created, closed_by=SYSTEM,
                parts=[noark5.Party(name=agreement.first_party_name, role="Avtalepart"),
                       noark5.Party(name=agreement.police_district.full_name,
                                    role="Avtalepart")],
                extra=[("saksaar", timezone.localtime(created).year),
                       ("sakssekvensnummer", agreement.pk),
                       ("saksdato", timezone.localtime(created).date()),
                       ("administrativEnhet", f"{agreement.municipality.name} kommune"),
                       ("saksansvarlig", _name(agreement.created_by)),
                       ("saksstatus", "Under behandling" if open_versions else "Avsluttet")])
        folder.registrations.append(_journal_entry(version, changes))
        folder.closed = max(folder.closed, version.in_force_from or folder.closed)
    return noark5.ArchivePart(
        key=key, title="Samarbeidsavtaler",
        description="Avtaler om kommune- og politisamarbeid, én saksmappe per avtale og én "
                    "journalpost per signert versjon (Veileder §3).",
        start=start, end=end, folders=list(folders.values()))
