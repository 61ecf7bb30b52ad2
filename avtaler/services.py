"""Writes on agreements: draft, change, send for signing, sign, revise, decline (Veileder §3).

Every refusal is a ValidationError with a Norwegian message that says why and what to do.
The model guards (AgreementVersion.save/delete, AgreementMeasure, Signature, the focus-area M2M)
hold the same line for the admin and the shell.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samarbeid import access, audit, uploads
from samarbeid import services as core_services
from samarbeid.models import County, Municipality, Organisation, Participation, Role
from samarbeid.tasks import enqueue_on_commit

from . import canonical
from .models import (
    Agreement,
    AgreementKind,
    AgreementMeasure,
    AgreementStatus,
    AgreementVersion,
    FocusArea,
    Party,
    Signature,
    SignedVersionError,
    VersionStatus,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

# Scalar content fields a draft may change (the rest of the text is focus areas and measures).
EDITABLE_FIELDS = (
    "strategies", "custom_focus_areas", "forms_of_cooperation", "thematic_forums",
    "extended_council_participants", "meetings_per_year", "agenda_lead_days",
    "evaluation_interval_months", "evaluation_method", "revision_date", "revision_interval_months",
)
PDF_MAGIC = b"%PDF-"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MeasureData:
    title: str
    coordination_step: int = 1
    description: str = ""
    responsible: str = ""


def _require_work(actor: Any, municipality: Municipality) -> None:
    if not access.can(actor, access.Level.WORK, municipality):
        raise ValidationError(_("You do not work with %(name)s and cannot change its agreements.")
                              % {"name": municipality.name}, code="forbidden")


def _refresh_agreement(agreement: Agreement) -> None:
    """Keep the register's status and version pointers in step with the versions."""
    versions = list(agreement.versions.order_by("number"))
    latest = versions[-1] if versions else None
    in_force = next((v for v in reversed(versions) if v.status == VersionStatus.IN_FORCE), None)
    agreement.latest_version = latest
    agreement.in_force_version = in_force
    if in_force is not None:
        agreement.status = AgreementStatus.IN_FORCE
    elif agreement.declined_on:
        agreement.status = AgreementStatus.DECLINED
    elif latest is not None and latest.status == VersionStatus.SENT_FOR_SIGNING:
        agreement.status = AgreementStatus.SENT_FOR_SIGNING
    else:
        agreement.status = AgreementStatus.DRAFT
    agreement.save(update_fields=["latest_version", "in_force_version", "status"])


def _enqueue_pdf(version: AgreementVersion) -> None:
    from .tasks import render_version_pdf

    enqueue_on_commit(render_version_pdf, version.pk)


@transaction.atomic
def agreement_create(
    *,
    municipality: Municipality,
    actor: Any,
    kind: str = AgreementKind.MUNICIPALITY,
    county: County | None = None,
    organisation: Organisation | None = None,
) -> Agreement:
    """The police offer the agreement (§3); it starts as version 1, a draft."""
    _require_work(actor, municipality)
    if kind == AgreementKind.MUNICIPALITY:
        existing = Agreement.objects.filter(
            municipality=municipality, kind=AgreementKind.MUNICIPALITY
        ).exclude(status=AgreementStatus.DECLINED).first()
        if existing is not None:
            raise ValidationError(
                _("%(name)s already has a cooperation agreement. Open it and create a revision "
                  "draft instead of a new agreement.") % {"name": municipality.name},
                code="exists",
            )
    if kind == AgreementKind.COUNTY and county is None:
        county = municipality.county
    agreement = Agreement(
        kind=kind, municipality=municipality, police_district=municipality.police_district,
        county=county if kind == AgreementKind.COUNTY else None,
        organisation=organisation if kind == AgreementKind.SCHOOL else None,
        created_by=actor,
    )
    agreement.full_clean()
    agreement.save()
    version = AgreementVersion(agreement=agreement, number=1, created_by=actor)
    version.full_clean()
    version.save()
    _refresh_agreement(agreement)
    audit.record(actor=actor, action="create", obj=agreement, summary=str(agreement))
    return agreement


@transaction.atomic
def version_update(
    *,
    version: AgreementVersion,
    actor: Any,
    data: dict[str, Any],
    focus_areas: Iterable[FocusArea] | None = None,
    measures: Sequence[MeasureData] | None = None,
) -> AgreementVersion:
    """Change a draft. Sent or signed versions are refused: a revision is a new version."""
    version = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    _require_work(actor, version.agreement.municipality)
    if version.is_locked:
        raise SignedVersionError()
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in data.items():
        setattr(version, name, value)
    version.full_clean()
    version.save()
    if focus_areas is not None:
        version.focus_areas.set(list(focus_areas))
    if measures is not None:
        version.measures.all().delete()
        AgreementMeasure.objects.bulk_create([
            AgreementMeasure(version=version, title=m.title, description=m.description,
                    responsible=m.responsible, coordination_step=m.coordination_step, order=i)
            for i, m in enumerate(measures) if m.title.strip()
        ])
    audit.record(actor=actor, action="change", obj=version,
                 summary=f"{version.agreement} v{version.number}")
    return version


@transaction.atomic
def version_send_for_signing(*, version: AgreementVersion, actor: Any) -> AgreementVersion:
    """Freeze the text and record its fingerprint; both parties may now sign."""
    version = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    agreement = version.agreement
    _require_work(actor, agreement.municipality)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("Only a draft can be sent for signing. This version is already "
                                "%(status)s.") % {"status": version.get_status_display().lower()},
                              code="state")
    if agreement.status == AgreementStatus.DECLINED:
        raise ValidationError(_("The municipality has declined the agreement. Record a new "
                                "decision before sending it for signing."), code="declined")
    if not canonical.normalise(version.strategies) and not version.measures.exists():
        raise ValidationError(_("Write the strategies and goals or add at least one measure "
                                "before sending the agreement for signing."), code="empty")
    version.fingerprint = canonical.fingerprint(version)
    version.status = VersionStatus.SENT_FOR_SIGNING
    version.sent_for_signing_at = timezone.now()
    version.save(update_fields=["fingerprint", "status", "sent_for_signing_at", "updated_at"])
    _refresh_agreement(agreement)
    audit.record(actor=actor, action="send", obj=version,
                 summary=f"{agreement} v{version.number} sha256={version.fingerprint}")
    _enqueue_pdf(version)
    from .tasks import notify_sent_for_signing

    enqueue_on_commit(notify_sent_for_signing, version.pk)  # tell each signatory (issue #14)
    return version


def signable_parties(actor: Any, agreement: Agreement) -> list[str]:
    """Which parties this user may sign for (§3: mayor or delegate; chief of police or delegate)."""
    parties = []
    if access.can_sign_for_municipality(actor, agreement.municipality):
        parties.append(Party.MUNICIPALITY.value)
    if access.can_sign_for_police(actor, agreement.municipality):
        parties.append(Party.POLICE.value)
    return parties


def _signing_title(actor: Any, agreement: Agreement, party: str) -> str:
    for m in access.roles(actor).memberships:
        if not m.can_sign:
            continue
        if party == Party.MUNICIPALITY and m.role == Role.MUNICIPAL_LEADER \
                and m.municipality_id == agreement.municipality_id:
            return m.title or str(m.get_role_display())
        if party == Party.POLICE and (
            (m.role == Role.DISTRICT_ADMIN and m.police_district_id == agreement.police_district_id)
            or (m.role == Role.POLICE_LEADERSHIP and m.operational_unit is not None
                and m.operational_unit.police_district_id == agreement.police_district_id)
        ):
            return m.title or str(m.get_role_display())
    return ""


def validate_signed_pdf(upload: UploadedFile) -> None:
    """A scanned wet-ink copy: a PDF by its content, not its name, and not too large."""
    uploads.check_size(upload)  # one limit and one message for every upload
    if not uploads.starts_with(upload, (PDF_MAGIC,), len(PDF_MAGIC)):
        raise ValidationError(_("The file is not a PDF. Scan the signed agreement to PDF and "
                                "upload that file."), code="type")


@transaction.atomic
def version_sign(
    *,
    version: AgreementVersion,
    actor: Any,
    party: str | None = None,
    signed_pdf: UploadedFile | None = None,
) -> Signature:
    """Sign for one party. When both have signed, the version enters into force and the
    version that was in force is superseded (§3: a revision replaces the old text)."""
    version = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    agreement = version.agreement
    if version.status != VersionStatus.SENT_FOR_SIGNING:
        raise ValidationError(_("Only a version sent for signing can be signed. Send the draft "
                                "for signing first."), code="state")
    allowed = signable_parties(actor, agreement)
    if not allowed:
        raise ValidationError(
            _("You do not have authority to sign this agreement. The mayor or a delegate signs "
              "for the municipality, the chief of police or a delegate for the police."),
            code="authority",
        )
    signed = set(version.signatures.values_list("party", flat=True))
    if party is None:
        party = next((p for p in allowed if p not in signed), allowed[0])
    if party not in allowed:
        raise ValidationError(_("You may sign only for your own party."), code="authority")
    if party in signed:
        raise ValidationError(_("This party has already signed this version."), code="signed")
    current = canonical.fingerprint(version)
    if current != version.fingerprint:  # pragma: no cover — the guards make this unreachable
        raise ValidationError(_("The text has changed since it was sent for signing. Create a "
                                "new draft."), code="changed")
    if signed_pdf is not None:
        validate_signed_pdf(signed_pdf)
    signature = Signature(
        version=version, party=party, user=actor,
        name=actor.get_full_name() or actor.get_username(),
        role_title=_signing_title(actor, agreement, party), signed_at=timezone.now(),
        fingerprint=current,
    )
    if signed_pdf is not None:
        signature.wet_ink_pdf.save("signed.pdf", signed_pdf, save=False)
    signature.full_clean()
    signature.save()
    audit.record(actor=actor, action="sign", obj=version,
                 summary=f"{agreement} v{version.number} {party} sha256={current}")
    if signed | {party} >= {Party.MUNICIPALITY.value, Party.POLICE.value}:
        _enter_into_force(version=version, actor=actor)
    _enqueue_pdf(version)
    return signature


def _enter_into_force(*, version: AgreementVersion, actor: Any) -> None:
    agreement = version.agreement
    now = timezone.now()
    for old in agreement.versions.select_for_update().filter(status=VersionStatus.IN_FORCE):
        old.status = VersionStatus.SUPERSEDED
        old.superseded_at = now
        old.save(update_fields=["status", "superseded_at", "updated_at"])
    version.status = VersionStatus.IN_FORCE
    version.in_force_from = now
    version.revision_due = version.compute_revision_due(timezone.localdate())
    version.save(update_fields=["status", "in_force_from", "revision_due", "updated_at"])
    agreement.declined_on = None
    agreement.save(update_fields=["declined_on"])
    _refresh_agreement(agreement)
    municipality = agreement.municipality
    if agreement.kind == AgreementKind.MUNICIPALITY and \
            municipality.participation != Participation.TAKING_PART:
        core_services.municipality_set_participation(
            municipality=municipality, participation=Participation.TAKING_PART,
            note=municipality.participation_note, actor=actor,
        )
    audit.record(actor=actor, action="in_force", obj=version,
                 summary=f"{agreement} v{version.number}")


@transaction.atomic
def version_create_revision(*, agreement: Agreement, actor: Any) -> AgreementVersion:
    """A new draft copied from the latest version; the version in force stays until it is signed."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _require_work(actor, agreement.municipality)
    open_version = agreement.versions.filter(
        status__in=[VersionStatus.DRAFT, VersionStatus.SENT_FOR_SIGNING]
    ).first()
    if open_version is not None:
        raise ValidationError(
            _("Version %(number)s is not signed yet. Finish or edit it instead of starting "
              "another revision.") % {"number": open_version.number}, code="open",
        )
    previous = agreement.versions.order_by("-number").first()
    if previous is None:  # pragma: no cover — agreement_create always makes version 1
        raise ValidationError(_("The agreement has no version to revise."))
    draft = AgreementVersion(agreement=agreement, number=previous.number + 1, created_by=actor,
                             **{f: getattr(previous, f) for f in EDITABLE_FIELDS})
    draft.full_clean()
    draft.save()
    draft.focus_areas.set(previous.focus_areas.all())
    AgreementMeasure.objects.bulk_create([
        AgreementMeasure(version=draft, title=m.title, description=m.description, responsible=m.responsible,
                coordination_step=m.coordination_step, order=m.order)
        for m in previous.measures.all()
    ])
    _refresh_agreement(agreement)
    audit.record(actor=actor, action="create", obj=draft,
                 summary=f"{agreement} revision v{draft.number}")
    return draft


@transaction.atomic
def agreement_decline(*, agreement: Agreement, actor: Any, note: str,
                      declined_on: Any = None) -> Agreement:
    """Record that the municipality declined the offered agreement — a legitimate choice (§2.3, §3)."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _require_work(actor, agreement.municipality)
    if agreement.in_force_version_id:
        raise ValidationError(_("The agreement is in force. A decision to leave it must be made "
                                "by the parties; record it in a revision."), code="in_force")
    if not note.strip():
        raise ValidationError({"note": _("Describe the decision, for example who decided it and "
                                         "when.")})
    agreement.declined_on = declined_on or timezone.localdate()
    agreement.decline_note = note.strip()
    agreement.save(update_fields=["declined_on", "decline_note"])
    _refresh_agreement(agreement)
    if agreement.kind == AgreementKind.MUNICIPALITY:
        core_services.municipality_set_participation(
            municipality=agreement.municipality, participation=Participation.DECLINED,
            note=agreement.decline_note, actor=actor,
        )
    audit.record(actor=actor, action="decline", obj=agreement, summary=str(agreement))
    return agreement


@transaction.atomic
def version_withdraw(*, version: AgreementVersion, actor: Any) -> AgreementVersion:
    """Take a version back from signing when the parties want to change it before it is in
    force. Its text stays as it was sent (signatures made on it keep pointing at that text);
    the changes go into a new draft copied from it (§3)."""
    version = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    _require_work(actor, version.agreement.municipality)
    if version.status != VersionStatus.SENT_FOR_SIGNING:
        raise ValidationError(_("Only a version that is waiting for signatures can be taken back."),
                              code="state")
    version.status = VersionStatus.WITHDRAWN
    version.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, action="withdraw", obj=version,
                 summary=f"{version.agreement} v{version.number}")
    return version_create_revision(agreement=version.agreement, actor=actor)


def pdf_state(version: AgreementVersion) -> str:
    """What the stored PDF shows: it is stale when the status or signatures change."""
    return f"{version.status}:{version.signatures.count()}"


def seal_reason(version: AgreementVersion) -> str:
    """What the seal says about the agreement: the parties' signatories with role and time
    (UTC) and the fingerprint of the signed text, so the seal alone tells who signed what."""
    signed = "; ".join(
        f"{s.name} ({s.role_title or s.get_party_display()}, {s.get_party_display()}) "
        f"{s.signed_at.astimezone(dt.UTC):%Y-%m-%dT%H:%MZ}"
        for s in version.signatures.order_by("signed_at"))
    return (f"{version.agreement} – v{version.number}. Signert: {signed}. "
            f"SHA-256 (tekst): {version.fingerprint}")


def version_render_pdf(*, version_id: int) -> AgreementVersion:
    """Render and store the PDF (called by the Celery task, or on request when missing).

    When both parties have signed, the PDF is sealed (PAdES, `samarbeid.seal`) and stored with
    the SHA-256 of the sealed file; a sealed PDF is the record and is never rendered again
    (issue 13). Without a configured seal the PDF is stored unsealed and rendered again on the
    next download once a seal is configured.
    """
    from samarbeid import seal
    from samarbeid.pdf import render_pdf

    from .selectors import version_document_context

    version = AgreementVersion.objects.select_related(
        "agreement__municipality", "agreement__police_district"
    ).get(pk=version_id)
    if version.sealed_at:
        return version
    state = pdf_state(version)
    content = render_pdf("avtaler/document.html", version_document_context(version))
    fields = ["pdf", "pdf_state"]
    if version.is_signed and version.signatures.count() >= len(Party.values):
        if seal.configured():
            content = seal.seal_pdf(content, reason=seal_reason(version))
            version.pdf_sha256 = seal.sha256(content)
            version.sealed_at = timezone.now()
            fields += ["pdf_sha256", "sealed_at"]
        else:
            logger.warning("agreement version %s is signed but not sealed: no seal certificate "
                           "configured (SEAL_CERT_PATH, SEAL_KEY_PATH)", version.pk)
    name = f"samarbeidsavtale-{version.agreement.municipality.number}-v{version.number}.pdf"
    old = version.pdf.name if version.pdf else ""
    version.pdf.save(name, ContentFile(content), save=False)
    version.pdf_state = state
    version.save(update_fields=fields)
    if old and old != version.pdf.name:
        version.pdf.storage.delete(old)
    return version
