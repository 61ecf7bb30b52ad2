"""Cooperation agreements (avtale om kommune- og politisamarbeid, Veileder §3).

The police offer the agreement; the municipality may accept or decline (§2.3, §3). Content is
written locally and lives in numbered versions. A version that has been sent for signing is
frozen: signatures carry the SHA-256 fingerprint of its canonical text, and a revision is
always a new version. The guards below hold for views, the admin and the shell alike.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samarbeid.access import MunicipalQuerySet
from samarbeid.models import (
    CoordinationStep,
    County,
    EvaluationMethod,
    Municipality,
    Organisation,
    PoliceDistrict,
)

# Veileder §4.1.2: at least two council meetings a year. Fewer is allowed (warned, not refused).
MIN_MEETINGS_PER_YEAR = 2


class AgreementKind(models.TextChoices):
    """The agreement and the two variants the guide names (§3)."""

    MUNICIPALITY = "municipality", _("Municipality and police district")
    COUNTY = "county", _("County municipality and police district")
    SCHOOL = "school", _("Upper secondary school and police")


class AgreementStatus(models.TextChoices):
    """Where the agreement as a whole stands (kept by the services for the register)."""

    DRAFT = "draft", _("Draft")
    SENT_FOR_SIGNING = "sent_for_signing", _("Sent for signing")
    IN_FORCE = "in_force", _("In force")
    DECLINED = "declined", _("Declined by the municipality")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT_FOR_SIGNING = "sent_for_signing", _("Sent for signing")
    IN_FORCE = "in_force", _("In force")
    SUPERSEDED = "superseded", _("Superseded")
    WITHDRAWN = "withdrawn", _("Withdrawn from signing")


# Versions in these states are frozen: their text is what the parties sign or signed.
LOCKED_STATUSES = {VersionStatus.SENT_FOR_SIGNING, VersionStatus.IN_FORCE, VersionStatus.SUPERSEDED,
                   VersionStatus.WITHDRAWN}
SIGNED_STATUSES = {VersionStatus.IN_FORCE, VersionStatus.SUPERSEDED}
# Reminders (avtaler.reminders): the revision is due in 90 and 30 days and on the day (§3:
# plan for revision); a version has waited more than 14 days for a signature.
REVISION_STAGES = (90, 30, 0)
SIGNATURE_WAIT_DAYS = 14
# The fields the reminder times are computed from (AgreementVersion.save re-arms on them).
REMINDER_SOURCE_FIELDS = ("status", "revision_due", "sent_for_signing_at")
REMINDER_FIELDS = ("revision_reminder_at", "signature_reminder_at")


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of a day in the portal's time zone (day reminders fall due then)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class CooperationForm(models.TextChoices):
    """Forms of cooperation the agreement may set up (§4, §4.2–4.4, §6)."""

    LOCAL_COUNCIL = "local_council", _("Police council (local)")
    EXTENDED_COUNCIL = "extended_council", _("Extended police council")
    REGIONAL_COUNCIL = "regional_council", _("Regional police council")
    SLT = "slt", _("SLT")
    THEMATIC_FORUM = "thematic_forum", _("Thematic forums")


class Party(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality side")
    POLICE = "police", _("Police")


class SignedVersionError(ValidationError):
    """Raised whenever something tries to change a version that is sent for signing or signed."""

    def __init__(self) -> None:
        super().__init__(
            _("This version is sent for signing or signed and can no longer be changed. "
              "Create a revision draft to make changes."),
            code="locked",
        )


class SignedFocusAreaError(SignedVersionError):
    """Raised when a focus area that signed text uses would be renamed or deleted."""

    def __init__(self) -> None:
        ValidationError.__init__(
            self,
            _("This focus area is part of an agreement that is sent for signing or signed, so "
              "it cannot be renamed or deleted. Add a new focus area instead."),
            code="locked",
        )


class FocusAreaQuerySet(models.QuerySet["FocusArea"]):
    """A focus area's name is part of the text of every version that chose it (§3: signed text
    never changes), so bulk renames and deletions obey the same guard as save()/delete()."""

    def _refuse_if_signed(self) -> None:
        if AgreementVersion.objects.filter(focus_areas__in=self,
                                           status__in=LOCKED_STATUSES).exists():
            raise SignedFocusAreaError()

    def delete(self) -> Any:
        self._refuse_if_signed()
        return super().delete()

    def update(self, **kwargs: Any) -> int:
        if "name" in kwargs:
            self._refuse_if_signed()
        return super().update(**kwargs)

    def standard(self) -> FocusAreaQuerySet:
        """The guide's list (§2), the rows with a code: what SLT and council measures choose."""
        return self.filter(code__isnull=False)

    def by_code(self, code: str) -> FocusArea:
        """The guide's row with this code (e.g. "youth_crime")."""
        return self.get(code=code)


# The one focus-area table of the portal (#15): agreements, council action plans and SLT
# measures all point at these rows. It lives here rather than in the core because its rule is
# the agreement's — a name printed in a signed version never changes (§3) — and that guard
# needs AgreementVersion; politirad and slt already follow the agreement (ARCHITECTURE.md).
FOCUS_AREA_OTHER = "other"


# The guide's list (§2) is stored in Norwegian, the language of the signed text; the UI shows
# it in the reader's language through these msgids (the same as slt's FocusArea choices).
STANDARD_FOCUS_AREA_LABELS: dict[str, Any] = {
    "Samfunnssikkerhet og beredskap": _("Societal security and emergency preparedness"),
    "Ulykker og naturkatastrofer": _("Accidents and natural disasters"),
    "Trafikksikkerhet": _("Traffic safety"),
    "Trygghet i det offentlige rom / trygt uteliv": _("Safety in public spaces / safe nightlife"),
    "Kriminalitet begått av barn og unge": _("Crime committed by children and youth"),
    "Rus- og psykiatriproblematikk": _("Drug and psychiatric problems"),
    "Trygge skoler": _("Safe schools"),
    "Kriminelle nettverk, herunder gjenger": _("Criminal networks, including gangs"),
    "Arbeidslivskriminalitet og annen økonomisk kriminalitet": _(
        "Labour crime and other economic crime"),
    "Miljøkriminalitet": _("Environmental crime"),
    "Vold i nære relasjoner, æresrelatert vold": _("Domestic violence, honour-related violence"),
    "Seksuelle overgrep (inkl. på nett)": _("Sexual abuse (including online)"),
    "Kriminalitet på internett og sosiale medier": _("Crime on the internet and social media"),
    "Hatkriminalitet": _("Hate crime"),
    "Trusler mot lokale folkevalgte og deltakere i samfunnsdebatten": _(
        "Threats against local politicians and participants in public debate"),
    "Radikalisering og voldelig ekstremisme": _("Radicalisation and violent extremism"),
    "Pågående livstruende vold (PLIVO)": _("Ongoing life-threatening violence (PLIVO)"),
}


def focus_area_label(name: str) -> str:
    """A focus area's name in the reader's language (issue #14); own names stay as written."""
    label = STANDARD_FOCUS_AREA_LABELS.get(name)
    return str(label) if label is not None else name


class FocusArea(models.Model):
    """Satsingsområde. The guide's list of common challenges (§2) is seeded as standard."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    # A stable key for the guide's 17 standard rows (the codes SLT used as choices); None for
    # an agreement's own focus areas.
    code = models.SlugField(_("code"), max_length=40, unique=True, null=True, blank=True)
    is_standard = models.BooleanField(_("from the guide's list"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    objects = FocusAreaQuerySet.as_manager()

    class Meta:
        ordering = ["-is_standard", "order", "name"]
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")

    def __str__(self) -> str:
        return self.label

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Renaming would change the printed text of signed versions behind their fingerprint
        # (§3); deleting would drop it from them (the M2M rows go without m2m_changed).
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).values_list("name", flat=True).first()
            if stored is not None and stored != self.name and self._used_by_locked_version():
                raise SignedFocusAreaError()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.pk and self._used_by_locked_version():
            raise SignedFocusAreaError()
        return super().delete(*args, **kwargs)

    def _used_by_locked_version(self) -> bool:
        return self.versions.filter(status__in=LOCKED_STATUSES).exists()

    @property
    def label(self) -> str:
        """The name in the reader's language; `name` stays the stored (signed) text."""
        return focus_area_label(self.name)


class AgreementQuerySet(MunicipalQuerySet["Agreement"]):
    def for_register(self) -> AgreementQuerySet:
        # Six tables joined, the rare parties (a county's or a school's agreement) read in
        # batches: PostgreSQL plans a join of nine tables in ~10-30 ms, of six in ~1.5 ms,
        # while the rows take 0.3 ms to read (issue #12).
        return self.select_related(
            "municipality__county", "police_district", "in_force_version", "latest_version",
        ).prefetch_related("county", "organisation")


class Agreement(models.Model):
    """An agreement between a municipality (or county / school) and a police district (§3).

    Every agreement points to a municipality, also the county and school variants (the
    municipality where the county administration or the school is), so that access is
    scoped the same way as everything else.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=AgreementKind.choices,
                            default=AgreementKind.MUNICIPALITY)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="agreements",
        verbose_name=_("municipality"),
    )
    police_district = models.ForeignKey(
        PoliceDistrict, on_delete=models.PROTECT, related_name="agreements",
        verbose_name=_("police district"),
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="agreements",
        verbose_name=_("county municipality"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="agreements",
        verbose_name=_("upper secondary school"),
    )
    status = models.CharField(_("status"), max_length=20, choices=AgreementStatus.choices,
                              default=AgreementStatus.DRAFT, db_index=True)
    in_force_version = models.ForeignKey(
        "AgreementVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("version in force"),
    )
    latest_version = models.ForeignKey(
        "AgreementVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("latest version"),
    )
    declined_on = models.DateField(_("declined on"), null=True, blank=True)
    decline_note = models.TextField(_("decision"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name", "kind", "pk"]
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        indexes = [models.Index(fields=["municipality", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.first_party_name} – {self.police_district.full_name}"

    @property
    def first_party_name(self) -> str:
        if self.kind == AgreementKind.COUNTY and self.county_id:
            return str(self.county)
        if self.kind == AgreementKind.SCHOOL and self.organisation_id:
            return str(self.organisation)
        return f"{self.municipality.name} kommune"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.municipality_id and self.police_district_id and \
                self.municipality.police_district_id != self.police_district_id:
            errors["police_district"] = _("The police district must be the municipality's "
                                          "police district.")
        if self.kind == AgreementKind.COUNTY and not self.county_id:
            errors["county"] = _("Choose the county municipality that is a party.")
        if self.kind == AgreementKind.SCHOOL and not self.organisation_id:
            errors["organisation"] = _("Choose the upper secondary school that is a party.")
        if errors:
            raise ValidationError(errors)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.versions.filter(status__in=LOCKED_STATUSES).exists():
            raise SignedVersionError()
        return super().delete(*args, **kwargs)


class VersionQuerySet(MunicipalQuerySet["AgreementVersion"]):
    municipality_path = "agreement__municipality"

    """Bulk writes obey the same guard as save()/delete() (§3: signed text never changes)."""

    def delete(self) -> Any:
        if self.filter(status__in=LOCKED_STATUSES).exists():
            raise SignedVersionError()
        return super().delete()

    def update(self, **kwargs: Any) -> int:
        touches_text = set(kwargs) & set(CONTENT_FIELDS) or kwargs.get("status") == "draft"
        if touches_text and self.filter(status__in=LOCKED_STATUSES).exists():
            raise SignedVersionError()
        if set(kwargs) & set(SEALED_FIELDS) and self.filter(sealed_at__isnull=False).exists():
            raise SignedVersionError()
        return super().update(**kwargs)


# The sealed PDF and what identifies it; frozen once the version is sealed.
SEALED_FIELDS = ("pdf", "pdf_sha256", "sealed_at")
# Fields that make up the agreed text; frozen once a version is sent for signing.
CONTENT_FIELDS = (
    "strategies", "custom_focus_areas", "forms_of_cooperation", "thematic_forums",
    "extended_council_participants", "meetings_per_year", "agenda_lead_days",
    "evaluation_interval_months", "evaluation_method", "revision_date",
    "revision_interval_months", "number", "agreement_id",
)


class AgreementVersion(models.Model):
    """One numbered text of an agreement. Draft → sent for signing → in force → superseded."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="versions",
                                  verbose_name=_("agreement"))
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=20, choices=VersionStatus.choices,
                              default=VersionStatus.DRAFT, db_index=True)
    # --- content (§3: written locally) ---
    strategies = models.TextField(
        _("strategies and goals"), blank=True,
        help_text=_("Long-term strategic goals for the cooperation (guide §3)."),
    )
    focus_areas = models.ManyToManyField(FocusArea, blank=True, related_name="versions",
                                         verbose_name=_("focus areas"))
    custom_focus_areas = models.TextField(
        _("other focus areas"), blank=True,
        help_text=_("Focus areas not on the guide's list, one per line."),
    )
    forms_of_cooperation = models.JSONField(_("forms of cooperation"), default=list, blank=True)
    thematic_forums = models.TextField(
        _("thematic forums"), blank=True,
        help_text=_("Which themes, for example nightlife or domestic violence (guide §4.3)."),
    )
    extended_council_participants = models.TextField(
        _("participants in the extended council"), blank=True,
        help_text=_("Business, volunteer organisations, upper secondary schools (guide §4.2)."),
    )
    meetings_per_year = models.PositiveSmallIntegerField(
        _("council meetings per year"), default=MIN_MEETINGS_PER_YEAR,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )
    agenda_lead_days = models.PositiveSmallIntegerField(
        _("days before a meeting the agenda is sent"), default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    evaluation_interval_months = models.PositiveSmallIntegerField(
        _("evaluate every (months)"), default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    evaluation_method = models.CharField(_("evaluation method"), max_length=20,
                                         choices=EvaluationMethod.choices, blank=True)
    revision_date = models.DateField(_("revise by"), null=True, blank=True)
    revision_interval_months = models.PositiveSmallIntegerField(
        _("revise every (months)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    # --- lifecycle ---
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, blank=True,
                                   db_index=True)
    sent_for_signing_at = models.DateTimeField(_("sent for signing"), null=True, blank=True)
    in_force_from = models.DateTimeField(_("in force from"), null=True, blank=True)
    revision_due = models.DateField(_("revision due"), null=True, blank=True, db_index=True)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    pdf = models.FileField(_("PDF"), upload_to="avtaler/pdf/", blank=True)
    pdf_state = models.CharField(max_length=40, blank=True)
    # Once both parties have signed, the PDF is sealed (samarbeid.seal) and never rendered
    # again: the verify page compares a handed-back file with this SHA-256 of the sealed file.
    pdf_sha256 = models.CharField(_("SHA-256 of the sealed PDF"), max_length=64, blank=True,
                                  db_index=True)
    sealed_at = models.DateTimeField(_("sealed"), null=True, blank=True)
    # When the next revision and signature reminders fall due (None: nothing to send):
    # computed by the methods below when the status, the revision date or the sending
    # changes (save) and claimed by avtaler.reminders with a conditional UPDATE, so a scan
    # reads only the versions whose time has come (issue #12).
    revision_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)
    signature_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["agreement_id", "number"]
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="unique_version_number"),
        ]
        indexes = [models.Index(fields=[f], name=f"version_{f}",
                                condition=models.Q(**{f"{f}__isnull": False}))
                   for f in REMINDER_FIELDS]

    def __str__(self) -> str:
        return _("Version %(number)s") % {"number": self.number}

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Signed text never changes (§3: a revision is a new version). Only lifecycle and
        # rendering fields may be written on a locked version.
        stored = None
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).values(
                *CONTENT_FIELDS, *SEALED_FIELDS, *REMINDER_SOURCE_FIELDS).first()
            if stored and stored["status"] in LOCKED_STATUSES:
                changed = [f for f in CONTENT_FIELDS if stored[f] != getattr(self, f)]
                went_back = self.status == VersionStatus.DRAFT
                if changed or went_back:
                    raise SignedVersionError()
            # The sealed PDF is the record the parties hold: it is never replaced.
            if stored and stored["sealed_at"] and any(
                    stored[f] != (getattr(self, f).name if f == "pdf" else getattr(self, f))
                    for f in SEALED_FIELDS):
                raise SignedVersionError()
        if stored is None or any(stored[f] != getattr(self, f) for f in REMINDER_SOURCE_FIELDS):
            self.revision_reminder_at = self.revision_reminder_due()
            self.signature_reminder_at = self.signature_reminder_due()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *REMINDER_FIELDS}
        super().save(*args, **kwargs)

    def revision_reminder_due(self, *, after: int | None = None) -> dt.datetime | None:
        """When the next revision reminder falls due, `after` the stage just sent (days
        before the revision), or None when nothing more is to be sent."""
        if self.status != VersionStatus.IN_FORCE or self.revision_due is None:
            return None
        stages = [s for s in REVISION_STAGES if after is None or s < after]
        if not stages:
            return None
        return local_midnight(self.revision_due - dt.timedelta(days=stages[0]))

    def signature_reminder_due(self) -> dt.datetime | None:
        """When the "waiting for your signature" reminder falls due, or None."""
        if self.status != VersionStatus.SENT_FOR_SIGNING or self.sent_for_signing_at is None:
            return None
        return self.sent_for_signing_at + dt.timedelta(days=SIGNATURE_WAIT_DAYS)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.pk and type(self).objects.filter(pk=self.pk, status__in=LOCKED_STATUSES).exists():
            raise SignedVersionError()
        return super().delete(*args, **kwargs)

    @property
    def is_locked(self) -> bool:
        return self.status in LOCKED_STATUSES

    @property
    def is_signed(self) -> bool:
        return self.status in SIGNED_STATUSES

    @property
    def custom_focus_area_list(self) -> list[str]:
        return [line.strip() for line in self.custom_focus_areas.splitlines() if line.strip()]

    def get_forms_of_cooperation_display(self) -> list[str]:
        labels = dict(CooperationForm.choices)
        return [str(labels.get(code, code)) for code in self.forms_of_cooperation]

    def compute_revision_due(self, start: dt.date) -> dt.date | None:
        """Revision due from the plan the parties agreed (§3: plan for revision)."""
        if self.revision_date:
            return self.revision_date
        if self.revision_interval_months:
            return add_months(start, self.revision_interval_months)
        return None

    def warnings(self) -> list[str]:
        """What the guide recommends (bør) and this text does not do: warn, never refuse."""
        out = []
        if self.meetings_per_year < MIN_MEETINGS_PER_YEAR:
            out.append(str(_("The guide recommends at least two council meetings a year "
                             "(§4.1.2).")))
        if not self.revision_date and not self.revision_interval_months:
            out.append(str(_("The guide recommends that the parties agree a plan for revising "
                             "the agreement (§3).")))
        if not self.evaluation_method:
            out.append(str(_("The agreement should say how the cooperation is evaluated (§7).")))
        return out

    def clean(self) -> None:
        if self.revision_date and self.revision_interval_months:
            raise ValidationError({"revision_interval_months": _(
                "Give either a date or an interval for the revision, not both.")})
        invalid = set(self.forms_of_cooperation or []) - set(CooperationForm.values)
        if invalid:
            raise ValidationError({"forms_of_cooperation": _("Unknown form of cooperation.")})


class AgreementMeasureQuerySet(MunicipalQuerySet["AgreementMeasure"]):
    municipality_path = "version__agreement__municipality"

    def _refuse_if_any_locked(self) -> None:
        if AgreementVersion.objects.filter(pk__in=self.values("version_id"),
                                           status__in=LOCKED_STATUSES).exists():
            raise SignedVersionError()

    def delete(self) -> Any:
        self._refuse_if_any_locked()
        return super().delete()

    def update(self, **kwargs: Any) -> int:
        self._refuse_if_any_locked()
        return super().update(**kwargs)

    # bulk_create stays open on purpose: it is the data loaders' path (bench/dataset.py,
    # bench/pdfbench.py build signed versions in bulk); every user-facing path is guarded.


class AgreementMeasure(models.Model):
    """Tiltak, placed on the coordination staircase (§2.3)."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="measures",
                                verbose_name=_("version"))
    title = models.CharField(_("measure"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    responsible = models.CharField(_("responsible"), max_length=200, blank=True)
    coordination_step = models.PositiveSmallIntegerField(
        _("coordination step"), choices=CoordinationStep.choices, default=CoordinationStep.EXCHANGE,
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = AgreementMeasureQuerySet.as_manager()

    class Meta:
        ordering = ["version_id", "order", "pk"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_if_locked()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse_if_locked()
        return super().delete(*args, **kwargs)

    def _refuse_if_locked(self) -> None:
        if AgreementVersion.objects.filter(pk=self.version_id, status__in=LOCKED_STATUSES).exists():
            raise SignedVersionError()


def _signature_upload_to(instance: Signature, filename: str) -> str:
    return f"avtaler/signert/{instance.version_id}/{instance.party}.pdf"


class Signature(models.Model):
    """One party's signature on one version (§3): who, which role, when (UTC), which text."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT,
                                related_name="signatures", verbose_name=_("version"))
    party = models.CharField(_("party"), max_length=20, choices=Party.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("signed by"))
    name = models.CharField(_("name"), max_length=200)
    role_title = models.CharField(_("role"), max_length=120)
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64)
    wet_ink_pdf = models.FileField(_("scanned signed PDF"), upload_to=_signature_upload_to,
                                   blank=True)

    class Meta:
        ordering = ["version_id", "signed_at"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(fields=["version", "party"], name="one_signature_per_party"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_party_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A signature is a record of a fact: it is written once, never edited.
        if self.pk and type(self).objects.filter(pk=self.pk).exists():
            raise ValidationError(_("A signature cannot be changed."), code="locked")
        super().save(*args, **kwargs)
        # Who is still to sign has changed: the waiting reminder is re-armed (the ledger
        # keeps those already reminded from a second e-mail).
        version = self.version
        if version.status == VersionStatus.SENT_FOR_SIGNING:
            version.signature_reminder_at = version.signature_reminder_due()
            AgreementVersion.objects.filter(pk=version.pk).update(
                signature_reminder_at=version.signature_reminder_at)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError(_("A signature cannot be deleted."), code="locked")


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError("invalid date")  # pragma: no cover


def _refuse_focus_area_change(sender: Any, instance: Any, action: str, reverse: bool,
                              pk_set: set[int] | None, **kwargs: Any) -> None:
    """Focus areas are part of the signed text: the M2M table obeys the same guard."""
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    if isinstance(instance, AgreementVersion):
        version_ids: Any = [instance.pk]
    elif action == "pre_clear":
        version_ids = instance.versions.values("pk")
    else:
        version_ids = list(pk_set or [])
    if AgreementVersion.objects.filter(pk__in=version_ids, status__in=LOCKED_STATUSES).exists():
        raise SignedVersionError()


models.signals.m2m_changed.connect(_refuse_focus_area_change,
                                   sender=AgreementVersion.focus_areas.through,
                                   dispatch_uid="avtaler_focus_area_guard")
