"""Core domain: the places and parties of the cooperation, and users' roles.

Veileder §2: 357 municipalities, 15 counties, 12 police districts split into geographic
operational units (GDE). Taking part in any form of cooperation is voluntary for a
municipality (§2.3, §3, §4), so "declined" is a legitimate participation status.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # noqa: F401


class County(models.Model):
    """Fylke / fylkeskommune; runs the upper secondary schools and may sign its own
    agreement with the police district (§3)."""

    number = models.CharField(_("county number"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["number"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return self.name


class PoliceDistrict(models.Model):
    """One of the 12 police districts (SSB Klass 109)."""

    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("police district")
        verbose_name_plural = _("police districts")

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        return f"{self.name} politidistrikt"


class OperationalUnit(models.Model):
    """Geografisk driftsenhet (GDE), led by a tjenesteenhetsleder (§2.1, §5.3).

    No public list exists, so administrators maintain them.
    """

    police_district = models.ForeignKey(
        PoliceDistrict, on_delete=models.PROTECT, related_name="operational_units",
        verbose_name=_("police district"),
    )
    name = models.CharField(_("name"), max_length=150)

    class Meta:
        ordering = ["police_district__code", "name"]
        verbose_name = _("operational unit")
        verbose_name_plural = _("operational units")
        constraints = [
            models.UniqueConstraint(fields=["police_district", "name"], name="unique_unit_name")
        ]

    def __str__(self) -> str:
        return self.name


class CoordinationStep(models.IntegerChoices):
    """The coordination staircase (samordningstrappen, Veileder §2.3, after DFØ): where a
    measure or plan sits, shared by agreements, council action plans and SLT measures."""

    EXCHANGE = 1, _("1 – Exchange information and knowledge")
    UNDERSTANDING = 2, _("2 – Common understanding of problem and solution")
    ADJUST = 3, _("3 – Adjust own plans or policy to the others")
    JOINT = 4, _("4 – Joint plan or measures with coordinated resources")


class MeasureStatus(models.TextChoices):
    """Where a measure stands, one set of words for council action plans and SLT (#15)."""

    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")


class EvaluationMethod(models.TextChoices):
    """How the cooperation is evaluated (§7): the method an agreement names and the one an
    evaluation uses, one enum for both (#15)."""

    GLL = "gll", _("GLL (done, learned, smart)")
    SIX_QUESTIONS = "six_questions", _("The six main questions")


class AccessLevel(models.TextChoices):
    """Confidentiality of council content (§4.1.5, offentleglova), defined once for the
    portal. Who reads each level and what each output shows: `samarbeid.confidentiality`."""

    OPEN = "open", _("Open")
    INTERNAL = "internal", _("Internal")
    EXEMPT = "exempt", _("Exempt from public access")


class Participation(models.TextChoices):
    """Whether the municipality takes part in the cooperation; voluntary (§2.3)."""

    NOT_RECORDED = "not_recorded", _("Not recorded")
    TAKING_PART = "taking_part", _("Taking part")
    OTHER_FORM = "other_form", _("Other form of cooperation")
    DECLINED = "declined", _("Declined")


class Municipality(models.Model):
    """Kommune. Same duties everywhere, very different capacity (§2.2)."""

    number = models.CharField(_("municipality number"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("county")
    )
    police_district = models.ForeignKey(
        PoliceDistrict, on_delete=models.PROTECT, related_name="municipalities",
        verbose_name=_("police district"),
    )
    operational_unit = models.ForeignKey(
        OperationalUnit, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="municipalities", verbose_name=_("operational unit"),
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_date = models.DateField(_("population as of"), null=True, blank=True)
    participation = models.CharField(
        _("participation"), max_length=20, choices=Participation.choices,
        default=Participation.NOT_RECORDED,
    )
    participation_note = models.TextField(_("note on participation"), blank=True)

    class Meta:
        ordering = ["name", "number"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.operational_unit_id
            and self.operational_unit
            and self.operational_unit.police_district_id != self.police_district_id
        ):
            raise ValidationError(
                {"operational_unit": _("The operational unit must belong to the municipality's "
                                       "police district.")}
            )


class OrganisationKind(models.TextChoices):
    BUSINESS = "business", _("Business")
    VOLUNTEER = "volunteer", _("Volunteer organisation")
    UPPER_SECONDARY_SCHOOL = "school", _("Upper secondary school")
    COUNTY_MUNICIPALITY = "county", _("County municipality")
    PUBLIC_AGENCY = "agency", _("Public agency")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    """A party outside the municipality and the police, e.g. in an extended council (§4.2)."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    organisation_number = models.CharField(_("organisation number"), max_length=9, blank=True)
    county = models.ForeignKey(
        County, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("county")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="organisations", verbose_name=_("municipality"),
    )
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    MUNICIPAL_LEADER = "municipal_leader", _("Municipal leader")
    POLICE_CONTACT = "police_contact", _("Police contact")
    POLICE_LEADERSHIP = "police_leadership", _("Police leadership")
    SLT_COORDINATOR = "slt_coordinator", _("SLT coordinator")
    DISTRICT_ADMIN = "district_admin", _("District administrator")
    NATIONAL_ADMIN = "national_admin", _("National administrator")


# Which scope field each role needs.
# A seat on a council or an SLT level is not a role: the app that owns it registers it with
# the policy (`samarbeid.policy.register_seats`), and it gives that council or level only.
MUNICIPALITY_ROLES = {Role.MUNICIPAL_LEADER, Role.POLICE_CONTACT, Role.SLT_COORDINATOR}
POLICE_ROLES = {Role.POLICE_CONTACT, Role.POLICE_LEADERSHIP, Role.DISTRICT_ADMIN}


class MembershipQuerySet(models.QuerySet["Membership"]):
    def update(self, **kwargs: Any) -> int:
        """A bulk update (`ends_on` for many roles at once) sends no signal: bump the users'
        principals here, so no one keeps a role that was changed."""
        from . import policy

        users = set(self.values_list("user_id", flat=True))
        count = super().update(**kwargs)
        for user_id in users:
            policy.bump(user_id)
        return count

    def active(self, on: object = None) -> MembershipQuerySet:
        today = on or timezone.localdate()
        return self.filter(Q(starts_on__lte=today), Q(ends_on__isnull=True) | Q(ends_on__gt=today))


class Membership(models.Model):
    """A user's role, scoped to a municipality, an operational unit or a police district.

    Created and ended through `samarbeid.services`; it gives access from `starts_on` up to
    (not including) `ends_on` by itself, read by `samarbeid.policy`.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, null=True, blank=True,
        related_name="memberships", verbose_name=_("municipality"),
    )
    operational_unit = models.ForeignKey(
        OperationalUnit, on_delete=models.CASCADE, null=True, blank=True,
        related_name="memberships", verbose_name=_("operational unit"),
    )
    police_district = models.ForeignKey(
        PoliceDistrict, on_delete=models.CASCADE, null=True, blank=True,
        related_name="memberships", verbose_name=_("police district"),
    )
    title = models.CharField(
        _("title"), max_length=120, blank=True,
        help_text=_("For example mayor, chief municipal executive, chief of police."),
    )
    can_sign = models.BooleanField(
        _("may sign agreements"), default=False,
        help_text=_("Mayor or delegate for the municipality; chief of police or delegate "
                    "for the police."),
    )
    starts_on = models.DateField(_("starts"), default=timezone.localdate)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user_id", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self) -> str:
        scope = self.municipality or self.operational_unit or self.police_district or ""
        return f"{self.get_role_display()} {scope}".strip()

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        return self.starts_on <= today and (self.ends_on is None or self.ends_on > today)

    def clean(self) -> None:
        role = self.role
        if role in MUNICIPALITY_ROLES and not self.municipality_id:
            raise ValidationError({"municipality": _("This role needs a municipality.")})
        if role == Role.POLICE_LEADERSHIP and not self.operational_unit_id:
            raise ValidationError({"operational_unit": _("This role needs an operational unit.")})
        if role == Role.DISTRICT_ADMIN and not self.police_district_id:
            raise ValidationError({"police_district": _("This role needs a police district.")})
        if self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date must be after the start date.")})


def _new_token() -> str:
    # Referenced by the first migration (the old, clear-text default); not used any more.
    return secrets.token_urlsafe(32)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserProfile(models.Model):
    """Per-user settings: calendar feed token and reminders the user has turned off.

    The calendar token is a password for the feed: only its SHA-256 is stored, so a copy of
    the database (or a backup) gives no one the users' calendars. The address is shown once,
    when it is made."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    calendar_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True,
                                           editable=False)
    calendar_token_created_at = models.DateTimeField(null=True, blank=True, editable=False)
    muted_reminders = models.JSONField(default=list, blank=True)
    # Chosen with the language switch; e-mails to the user are written in it (issue #14).
    # Empty: never chosen, so Bokmål (LANGUAGE_CODE).
    language = models.CharField(_("Preferred language"), max_length=8, blank=True,
                                choices=settings.LANGUAGES,
                                help_text=_("E-mails to you are written in this language."))
    last_dashboard_visit = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")

    def __str__(self) -> str:
        return str(self.user)

    def rotate_calendar_token(self) -> str:
        """A new feed address; the old one stops working. Returns the token (shown once)."""
        token = secrets.token_urlsafe(32)
        self.calendar_token_hash = _token_hash(token)
        self.calendar_token_created_at = timezone.now()
        self.save(update_fields=["calendar_token_hash", "calendar_token_created_at"])
        return token

    @classmethod
    def for_calendar_token(cls, token: str) -> UserProfile | None:
        if len(token) < 20:
            return None
        return cls.objects.select_related("user").filter(
            calendar_token_hash=_token_hash(token)).first()


class SentReminder(models.Model):
    """Ledger of reminders: one row per (key, recipient), claimed before sending so that a
    retry, a second scan or two beats at once never send the same reminder twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(max_length=200)
    recipient = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    subject = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient"], name="unique_reminder")
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.recipient} ({self.status})"


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
    DELETE = "delete", _("Deleted")
    END = "end", _("Ended")
    SEND = "send", _("Sent")
    SIGN = "sign", _("Signed")
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")
    PUBLISH = "publish", _("Published")
    DECLINE = "decline", _("Declined")
    EXPORT = "export", _("Exported")
    LOGIN = "login", _("Logged in")
    LOGOUT = "logout", _("Logged out")
    LOGIN_FAILED = "login_failed", _("Failed login")
    PASSWORD_CHANGE = "password_change", _("Password changed")
    DOWNLOAD = "download", _("Downloaded")
    REFUSED = "refused", _("Access refused")
    IN_FORCE = "in_force", _("Came into force")
    PROGRESS = "progress", _("Progress recorded")
    REQUEST = "request", _("Requested")
    WITHDRAW = "withdraw", _("Withdrawn")
    INVITE = "invite", _("Invited")
    ACCEPT = "accept", _("Accepted")
    REVOKE = "revoke", _("Revoked")
    DEACTIVATE = "deactivate", _("Deactivated")
    MFA = "mfa", _("Second factor changed")


class AuditEvent(models.Model):
    """Who did what to which object, when (UTC). Written by `samarbeid.audit.record`."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    # Who acted stays in the trail when the account is deleted (the FK goes to NULL).
    actor_ref = models.PositiveIntegerField(null=True, blank=True, editable=False)
    actor_name = models.CharField(max_length=300, blank=True, editable=False)
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    summary = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    @property
    def actor_display(self) -> str:
        if self.actor is not None:
            return self.actor.get_full_name() or self.actor.get_username()
        return self.actor_name


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        """Not accepted or revoked; an expired one stays pending until it is resent."""
        return self.filter(status=InvitationStatus.PENDING)

    def usable(self) -> InvitationQuerySet:
        return self.pending().filter(expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An invitation by e-mail to a role (a `Membership`) or to a seat a feature app owns
    (a council seat), made through `samarbeid.invitations`.

    Only a SHA-256 hash of the link's token is stored: the link in the e-mail is the only
    copy. A link works once and until `expires_at` (7 days); resending makes a new link and
    the old one stops working.
    """

    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    # A role: the same fields as the membership it becomes.
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, blank=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, null=True, blank=True,
        related_name="invitations", verbose_name=_("municipality"),
    )
    operational_unit = models.ForeignKey(
        OperationalUnit, on_delete=models.CASCADE, null=True, blank=True,
        related_name="invitations", verbose_name=_("operational unit"),
    )
    police_district = models.ForeignKey(
        PoliceDistrict, on_delete=models.CASCADE, null=True, blank=True,
        related_name="invitations", verbose_name=_("police district"),
    )
    title = models.CharField(_("title"), max_length=120, blank=True)
    can_sign = models.BooleanField(_("may sign agreements"), default=False)
    starts_on = models.DateField(_("starts"), default=timezone.localdate)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    # Or a seat: the kind a feature app registered ("council"), the object and the seat role.
    seat_kind = models.CharField(max_length=30, blank=True)
    seat_object_id = models.PositiveBigIntegerField(null=True, blank=True)
    seat_role = models.CharField(max_length=30, blank=True)
    # Terms the app that receives the role needs (a police contact's share of position).
    extra = models.JSONField(default=dict, blank=True)

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=InvitationStatus.choices,
                              default=InvitationStatus.PENDING)
    expires_at = models.DateTimeField(_("expires"))
    sends = models.PositiveSmallIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="accepted_invitations",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    membership = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["status", "expires_at"]),
                   models.Index(fields=["seat_kind", "seat_object_id"])]

    def __str__(self) -> str:
        return f"{self.email} ({self.role or self.seat_kind})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.status == InvitationStatus.PENDING and not self.is_expired

    @property
    def state(self) -> str:
        """pending / expired / accepted / revoked, for the People pages."""
        if self.status == InvitationStatus.PENDING and self.is_expired:
            return "expired"
        return str(self.status)

    @property
    def scope(self) -> Municipality | OperationalUnit | PoliceDistrict | None:
        return self.municipality or self.operational_unit or self.police_district

    @property
    def label(self) -> str:
        """What the person is invited to («Ordfører, Stavanger»)."""
        from .invitations import describe

        return describe(self)


class ExternalIdentity(models.Model):
    """A login at an OpenID provider linked to a portal user (`samarbeid.oidc`).

    `subject_hash` is an HMAC (keyed with IDENTITY_HASH_KEY) of the provider's subject or,
    for ID-porten and Ansattporten, of the national person identifier (`pid`): the person
    number itself is never stored.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="external_identities")
    provider = models.CharField(max_length=40)
    kind = models.CharField(max_length=10)  # "pid" or "sub"
    subject_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")

    def __str__(self) -> str:
        return f"{self.provider} ({self.kind}) → {self.user_id}"


class ComplianceSnapshot(models.Model):
    """The compliance findings of one municipality in one language, as last computed
    (samarbeid/compliance.py). Valid while `token` equals the municipality's current version
    (every write to its data gives a new one) and the date: the national, district and
    county reports read these rows instead of computing 357 municipalities on a request,
    and a worker refreshes the rows a write made stale."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="+")
    language = models.CharField(max_length=16)
    token = models.CharField(max_length=120)
    findings = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "language"],
                                               name="compliance_snapshot_unique")]

    def __str__(self) -> str:
        return f"{self.municipality_id}/{self.language} {self.token}"
