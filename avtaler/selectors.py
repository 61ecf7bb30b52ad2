"""Reads of agreements that other apps use.

`agreement_terms` is the contract with politirad, evaluering and the reports: the settings
of the agreement in force for each municipality (Veileder §3), with the guide's defaults
when a municipality has none.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.formats import date_format

from .models import SIGNED_STATUSES, Agreement, AgreementVersion, Party, Signature, VersionStatus

DEFAULT_MEETINGS_PER_YEAR = 2  # Veileder §4.1.2: at least two meetings a year
DEFAULT_AGENDA_LEAD_DAYS = 7
DEFAULT_EVALUATION_INTERVAL_MONTHS = 12


@dataclass(frozen=True)
class AgreementTerms:
    municipality_id: int
    agreement_version_id: int | None  # None: no agreement in force, defaults apply
    meetings_per_year: int = DEFAULT_MEETINGS_PER_YEAR
    agenda_lead_days: int = DEFAULT_AGENDA_LEAD_DAYS
    evaluation_interval_months: int = DEFAULT_EVALUATION_INTERVAL_MONTHS
    evaluation_method: str = ""  # "gll" | "six_questions" | "" (not agreed)

    @property
    def in_force(self) -> bool:
        return self.agreement_version_id is not None


def agreement_terms(municipality_ids: Iterable[int]) -> dict[int, AgreementTerms]:
    """Terms of the agreement in force for each municipality, in one query.

    Only the municipality ↔ police district agreement sets the council and evaluation
    terms (§3, §4.1.2, §7); the county and school variants do not. Municipalities without
    an agreement in force get the guide's defaults.
    """
    from .models import AgreementKind

    ids = list(municipality_ids)
    result = {mid: AgreementTerms(municipality_id=mid, agreement_version_id=None) for mid in ids}
    if not ids:
        return result
    rows = (
        AgreementVersion.objects.filter(
            status=VersionStatus.IN_FORCE,
            agreement__kind=AgreementKind.MUNICIPALITY,
            agreement__municipality_id__in=ids,
        )
        .order_by("agreement__municipality_id", "in_force_from", "pk")
        .values_list("pk", "agreement__municipality_id", "meetings_per_year", "agenda_lead_days",
                     "evaluation_interval_months", "evaluation_method")
    )
    for pk, mid, meetings, lead, interval, method in rows:  # later rows win: newest in force
        result[mid] = AgreementTerms(
            municipality_id=mid, agreement_version_id=pk, meetings_per_year=meetings,
            agenda_lead_days=lead, evaluation_interval_months=interval,
            evaluation_method=method,
        )
    return result


# --- Reads for the avtaler views -------------------------------------------------------


def register_list(*, user: Any, q: str = "", police_district: str = "", county: str = "",
                  status: str = "") -> QuerySet[Agreement]:
    """The national register (§3), scoped: administrators their scope, municipalities their own."""
    from samarbeid import access

    qs = access.scope(Agreement.objects.for_register(), user)
    if q:
        qs = qs.filter(Q(municipality__name__icontains=q) | Q(municipality__number__startswith=q)
                       | Q(organisation__name__icontains=q) | Q(county__name__icontains=q))
    if police_district:
        qs = qs.filter(police_district__code=police_district)
    if county:
        qs = qs.filter(municipality__county__number=county)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("municipality__name", "kind", "pk")


def version_with_content(version_qs: QuerySet[AgreementVersion]) -> QuerySet[AgreementVersion]:
    return version_qs.select_related(
        "agreement__municipality__county", "agreement__police_district", "agreement__county",
        "agreement__organisation",
    ).prefetch_related(
        "focus_areas", "measures",
        Prefetch("signatures", queryset=Signature.objects.select_related("user")),
    )


def version_document_context(version: AgreementVersion) -> dict[str, Any]:
    """Everything the agreement document (web page and PDF) shows."""
    version = version_with_content(AgreementVersion.objects.filter(pk=version.pk)).get()
    from . import canonical

    signatures = {s.party: s for s in version.signatures.all()}
    return {
        "agreement": version.agreement,
        "version": version,
        "signatures": signatures,
        "signature_rows": [(party, label, signatures.get(party)) for party, label in Party.choices],
        "awaiting_signatories": _awaiting(version, signatures),
        "fingerprint": version.fingerprint or canonical.fingerprint(version),
        "focus_areas": [f.label for f in version.focus_areas.all()] + version.custom_focus_area_list,
        "measures": list(version.measures.all()),
        "warnings": version.warnings(),
    }


def _awaiting(version: AgreementVersion, signatures: dict[str, Any]) -> dict[str, str]:
    """Who may sign today for each party that has not (issue 11: after a handover the new
    mayor), for a version sent for signing."""
    from samarbeid import people

    if version.status != VersionStatus.SENT_FOR_SIGNING:
        return {}
    agreement = version.agreement
    out: dict[str, str] = {}
    for party in Party.values:
        if party in signatures:
            continue
        rows = people.signatories(municipality_id=agreement.municipality_id) \
            if party == Party.MUNICIPALITY else \
            people.signatories(police_district_id=agreement.police_district_id)
        out[party] = ", ".join(
            f"{m.user.get_full_name() or m.user.get_username()}" + (f" ({m.title})" if m.title else "")
            for m in rows)
    return out


def version_sections(version: AgreementVersion) -> list[tuple[str, str]]:
    """The agreement as titled sections of plain text, for comparing versions (§3: revision)."""
    from django.utils.translation import gettext as _

    measures = "\n".join(
        f"{m.title} ({m.get_coordination_step_display()})"
        + (f" – {m.responsible}" if m.responsible else "")
        + (f"\n  {m.description}" if m.description else "")
        for m in version.measures.all()
    )
    focus = sorted([f.label for f in version.focus_areas.all()] + version.custom_focus_area_list)
    if version.revision_date:
        revision = _("Revise by %(date)s") % {
            "date": date_format(version.revision_date, "SHORT_DATE_FORMAT")}
    elif version.revision_interval_months:
        revision = _("Revise every %(n)s months") % {"n": version.revision_interval_months}
    else:
        revision = _("No plan")
    return [
        (_("Strategies and goals"), version.strategies),
        (_("Focus areas"), "\n".join(focus)),
        (_("Measures"), measures),
        (_("Forms of cooperation"), "\n".join(version.get_forms_of_cooperation_display())
         + (f"\n{version.thematic_forums}" if version.thematic_forums else "")),
        (_("Participants in the extended council"), version.extended_council_participants),
        (_("Council meetings"), _("%(n)s meetings a year; agenda %(d)s days before") % {
            "n": version.meetings_per_year, "d": version.agenda_lead_days}),
        (_("Evaluation"), _("Every %(n)s months, method: %(m)s") % {
            "n": version.evaluation_interval_months,
            "m": version.get_evaluation_method_display() or _("not agreed")}),
        (_("Revision plan"), revision),
    ]


@dataclass(frozen=True)
class SectionDiff:
    title: str
    changed: bool
    lines: list[tuple[str, str]]  # (kind, text) with kind in "same" | "added" | "removed"


def compare_versions(old: AgreementVersion, new: AgreementVersion) -> list[SectionDiff]:
    out = []
    for (title, a), (_t, b) in zip(version_sections(old), version_sections(new), strict=True):
        a_lines, b_lines = (a or "").splitlines(), (b or "").splitlines()
        lines: list[tuple[str, str]] = []
        for row in difflib.ndiff(a_lines, b_lines):
            code, text = row[:2], row[2:]
            if code == "- ":
                lines.append(("removed", text))
            elif code == "+ ":
                lines.append(("added", text))
            elif code == "  ":
                lines.append(("same", text))
        out.append(SectionDiff(title=title, changed=a_lines != b_lines, lines=lines))
    return out


def verify_fingerprint(*, user: Any, fingerprint: str) -> AgreementVersion | None:
    """The signed version (in the user's scope) whose text has this fingerprint, if any."""
    from samarbeid import access

    return (
        access.scope(AgreementVersion.objects.all(), user, path="agreement__municipality")
        .filter(fingerprint=fingerprint.strip().lower(), status__in=SIGNED_STATUSES)
        .select_related("agreement__municipality", "agreement__police_district")
        .order_by("-number").first()
    )


@dataclass(frozen=True)
class DocumentCheck:
    """The answer to "is this file a sealed agreement from the portal, unchanged?".

    `problem` is a `samarbeid.seal.SealProblem` value, or "unknown" for a file with a valid
    seal that matches no signed version the user may see; None when it matches `version`.
    """

    problem: str | None
    version: AgreementVersion | None = None
    sha256: str = ""


def verify_document(*, user: Any, content: bytes) -> DocumentCheck:
    """Check a handed-back agreement PDF as a whole (issue 13): the seal validates, it covers
    the whole file and chains to the configured trust roots, and the file is byte for byte
    the sealed PDF of a signed version in the user's scope (its SHA-256). The text of the
    file is never read: a printed fingerprint can be copied into a forgery."""
    from samarbeid import access, seal

    digest = seal.sha256(content)
    checked = seal.check_seal(content)
    if not checked.ok:
        return DocumentCheck(problem=str(checked.problem), sha256=digest)
    version = (
        access.scope(AgreementVersion.objects.all(), user, path="agreement__municipality")
        .filter(pdf_sha256=digest, sealed_at__isnull=False, status__in=SIGNED_STATUSES)
        .select_related("agreement__municipality", "agreement__police_district")
        .order_by("-number").first()
    )
    if version is None:
        return DocumentCheck(problem="unknown", sha256=digest)
    return DocumentCheck(problem=None, version=version, sha256=digest)


def awaiting_signature_of(user: Any) -> QuerySet[AgreementVersion]:
    """Versions sent for signing where this user may sign for a party that has not signed."""

    q = awaiting_signature_q(user)
    if q is None:
        return AgreementVersion.objects.none()
    return (
        AgreementVersion.objects.filter(q)
        .select_related("agreement__municipality", "agreement__police_district")
        .order_by("sent_for_signing_at")
    )


def awaiting_signature_q(user: Any) -> Q | None:
    """The condition of `awaiting_signature_of` (None: the user signs for no one)."""
    from samarbeid import access

    r = access.roles(user)
    if not (r.signs_for_municipalities or r.signs_for_police_districts):
        return None
    muni_unsigned = ~Exists(Signature.objects.filter(version=OuterRef("pk"), party="municipality"))
    police_unsigned = ~Exists(Signature.objects.filter(version=OuterRef("pk"), party="police"))
    return Q(status=VersionStatus.SENT_FOR_SIGNING) & (
        (Q(agreement__municipality_id__in=r.signs_for_municipalities) & muni_unsigned)
        | (Q(agreement__police_district_id__in=r.signs_for_police_districts) & police_unsigned))
