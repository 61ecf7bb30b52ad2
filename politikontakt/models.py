"""Police contacts (politikontakt, Veileder §5): who is each municipality's daily link to the
police, the directorate's approvals for a contact with more than three municipalities
(§5, footnote 15), and the district's directory of other preventive functions (§2.1).

Assignments are created and ended only through `politikontakt.services`, which applies the
rule of three under a row lock and keeps the police-contact Membership (and so access) in
step; `Assignment.save()` refuses a new row that did not come through the service, so the
admin, the shell and any import obey the rule too.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samarbeid.access import MunicipalQuerySet
from samarbeid.models import Membership, Municipality, OperationalUnit, PoliceDistrict

# Veileder §5, footnote 15: more than three municipalities needs Politidirektoratet's approval.
MAX_MUNICIPALITIES_WITHOUT_APPROVAL = 3


class AssignmentQuerySet(MunicipalQuerySet["Assignment"]):
    def active(self, on: dt.date | None = None) -> AssignmentQuerySet:
        """In effect on the day (started, not ended)."""
        today = on or timezone.localdate()
        return self.filter(Q(starts_on__lte=today), Q(ends_on__isnull=True) | Q(ends_on__gt=today))

    def current_or_planned(self, on: dt.date | None = None) -> AssignmentQuerySet:
        """Not ended: what counts towards the rule of three (a planned start counts too, or
        five future assignments could be booked past the rule)."""
        today = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))


class Assignment(models.Model):
    """Tildeling: a police contact is assigned to a municipality (Veileder §5).

    The mandate and authority are written down at the start (§5.2); the share of the position
    shows whether the role has the time it needs (§5.3: a full-time role works best). Ended
    assignments stay, so the history shows who was the contact, when.
    """

    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="police_assignments",
        verbose_name=_("police contact"),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="police_assignments",
        verbose_name=_("municipality"),
    )
    operational_unit = models.ForeignKey(
        OperationalUnit, on_delete=models.PROTECT, null=True, blank=True,
        related_name="police_assignments", verbose_name=_("operational unit"),
        help_text=_("Police contacts belong to a geographic operational unit (guide §5.3)."),
    )
    starts_on = models.DateField(_("starts"), default=timezone.localdate)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    share_of_position = models.PositiveSmallIntegerField(
        _("share of position (%)"), default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("How much of the contact's position goes to this municipality. The guide "
                    "finds that the role works best as a full-time role (§5.3)."),
    )
    mandate = models.TextField(
        _("mandate and authority"), blank=True,
        help_text=_("What the contact may decide and commit to on the police's behalf, "
                    "clarified at the start (guide §5.2)."),
    )
    membership = models.OneToOneField(
        Membership, on_delete=models.PROTECT, null=True, blank=True,
        related_name="police_assignment", verbose_name=_("membership"),
    )
    approval = models.ForeignKey(
        "DirectorateApproval", on_delete=models.PROTECT, null=True, blank=True,
        related_name="assignments", verbose_name=_("directorate approval"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name", "-starts_on"]
        verbose_name = _("police contact assignment")
        verbose_name_plural = _("police contact assignments")
        indexes = [models.Index(fields=["contact", "ends_on"]),
                   models.Index(fields=["municipality", "ends_on"])]

    def __str__(self) -> str:
        name = self.contact.get_full_name() or self.contact.get_username()
        return f"{name} – {self.municipality}"

    def save(self, *args: object, **kwargs: object) -> None:
        # The rule of three is checked under a lock in services.assignment_create; a row
        # created any other way (admin, shell, import) would skip it.
        if self._state.adding and not getattr(self, "_via_service", False):
            raise ValidationError(_("Police contact assignments are made through "
                                    "politikontakt.services.assignment_create, which applies "
                                    "the rule of three (guide §5)."))
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def last_day(self) -> dt.date | None:
        """The last day the assignment holds (`ends_on` is the first day it does not)."""
        return self.ends_on - dt.timedelta(days=1) if self.ends_on else None

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        return self.starts_on <= today and (self.ends_on is None or self.ends_on > today)

    @property
    def is_ended(self) -> bool:
        return self.ends_on is not None and self.ends_on <= timezone.localdate()

    def clean(self) -> None:
        if self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date must be after the start date.")})
        if (self.operational_unit_id and self.municipality_id and self.operational_unit
                and self.operational_unit.police_district_id
                != self.municipality.police_district_id):
            raise ValidationError({"operational_unit": _(
                "The operational unit must belong to the municipality's police district.")})


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class DirectorateApprovalQuerySet(models.QuerySet["DirectorateApproval"]):
    def valid(self, on: dt.date | None = None) -> DirectorateApprovalQuerySet:
        """Approved and not expired (the expiry date is the last valid day)."""
        today = on or timezone.localdate()
        return self.filter(status=ApprovalStatus.APPROVED).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=today)
        )

    def expired(self, on: dt.date | None = None) -> DirectorateApprovalQuerySet:
        today = on or timezone.localdate()
        return self.filter(status=ApprovalStatus.APPROVED, expires_on__lt=today)


class DirectorateApproval(models.Model):
    """Godkjenning fra Politidirektoratet for a contact to cover more than three
    municipalities (Veileder §5, footnote 15). Requested by a district administrator with a
    reason; approved or rejected by a national administrator, optionally until a date."""

    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="police_approvals",
        verbose_name=_("police contact"),
    )
    police_district = models.ForeignKey(
        PoliceDistrict, on_delete=models.PROTECT, related_name="police_contact_approvals",
        verbose_name=_("police district"),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("municipality it is for"),
        help_text=_("The municipality that needs the contact beyond the third."),
    )
    max_municipalities = models.PositiveSmallIntegerField(
        _("municipalities in all"), default=4,
        validators=[MinValueValidator(MAX_MUNICIPALITIES_WITHOUT_APPROVAL + 1),
                    MaxValueValidator(20)],
        help_text=_("How many municipalities the contact may cover in all with this approval."),
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=ApprovalStatus.choices,
                              default=ApprovalStatus.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("date of request"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)
    expires_on = models.DateField(
        _("valid until"), null=True, blank=True,
        help_text=_("Last day the approval is valid. Leave empty for no expiry."),
    )

    objects = DirectorateApprovalQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("directorate approval")
        verbose_name_plural = _("directorate approvals")

    def __str__(self) -> str:
        name = self.contact.get_full_name() or self.contact.get_username()
        return f"{name} ({self.get_status_display()})"

    @property
    def is_valid(self) -> bool:
        return self.status == ApprovalStatus.APPROVED and (
            self.expires_on is None or self.expires_on >= timezone.localdate()
        )

    @property
    def is_expired(self) -> bool:
        return (self.status == ApprovalStatus.APPROVED and self.expires_on is not None
                and self.expires_on < timezone.localdate())


class PreventiveFunctionKind(models.TextChoices):
    """The police district's dedicated preventive functions named in Veileder §2.1."""

    BUSINESS_CONTACT = "business_contact", _("Business contact (næringslivskontakt)")
    RADICALISATION_CONTACT = "radicalisation_contact", _(
        "Radicalisation contact (radikaliseringskontakt)")
    DIVERSITY_COORDINATOR = "diversity_coordinator", _(
        "Diversity coordinator (mangfoldskoordinator)")
    DOMESTIC_VIOLENCE_COORDINATOR = "domestic_violence_coordinator", _(
        "Domestic violence coordinator (familievoldskoordinator)")
    HONOUR_VIOLENCE_LEAD = "honour_violence_lead", _(
        "Lead on partner and honour-related violence")
    ONLINE_PATROL = "online_patrol", _("Online patrol (nettpatrulje)")
    VICTIM_SUPPORT_CENTRE = "victim_support_centre", _(
        "Support centre for victims of crime")
    CHILDRENS_HOUSE = "childrens_house", _("Children's House (Statens barnehus)")
    ENVIRONMENTAL_CRIME_COORDINATOR = "environmental_crime_coordinator", _(
        "Environmental crime coordinator (miljøkrimkoordinator)")
    OTHER = "other", _("Other function")


class PreventiveFunction(models.Model):
    """Who holds a preventive function in the police district, so a municipal user finds
    "whom do I call about X" (Veileder §2.1, §5.3: know which function to contact)."""

    police_district = models.ForeignKey(
        PoliceDistrict, on_delete=models.CASCADE, related_name="preventive_functions",
        verbose_name=_("police district"),
    )
    kind = models.CharField(_("function"), max_length=40, choices=PreventiveFunctionKind.choices)
    other_name = models.CharField(
        _("name of the function"), max_length=120, blank=True,
        help_text=_("Only for «Other function»."),
    )
    holder_name = models.CharField(_("holder"), max_length=150)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    note = models.TextField(_("note"), blank=True,
                            help_text=_("For example what to contact the function about."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["police_district__code", "kind", "holder_name"]
        verbose_name = _("preventive function")
        verbose_name_plural = _("preventive functions")

    def __str__(self) -> str:
        return f"{self.function_name}: {self.holder_name}"

    @property
    def function_name(self) -> str:
        if self.kind == PreventiveFunctionKind.OTHER and self.other_name:
            return self.other_name
        return str(self.get_kind_display())

    def clean(self) -> None:
        if self.kind == PreventiveFunctionKind.OTHER and not self.other_name.strip():
            raise ValidationError({"other_name": _("Give the name of the function.")})
        if not self.phone.strip() and not self.email.strip():
            raise ValidationError(_("Give a phone number or an e-mail address, so that the "
                                    "municipality can reach the function."))
