"""Police councils (politiråd, Veileder §4): councils and thematic forums, their members,
meetings, agendas, attendance, minutes with decisions and tasks, plans and knowledge bases.

Rules that must hold whatever the entry point (views, admin, shell) live here as model
guards and in `politirad.services`:
- approved minutes never change (§4.1.2: the minutes commit the parties); a correction is a
  new, dated `MinutesCorrection`;
- exempt content (unntatt offentlighet) always carries its legal basis (§4.1.5).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from samarbeid import access, policy
from samarbeid.models import (
    AccessLevel,
    CoordinationStep,
    MeasureStatus,
    Municipality,
    Organisation,
)
from samarbeid.policy import CHANGE, READ_EXEMPT, VIEW, Principal, RestrictedQuerySet
from samarbeid.validators import refuse_identity_numbers

__all__ = ["AccessLevel"]  # defined once in the core, with who reads each level


class CouncilKind(models.TextChoices):
    LOCAL = "local", _("Local police council")
    EXTENDED = "extended", _("Extended police council")  # §4.2
    REGIONAL = "regional", _("Regional police council")  # §4.4
    THEMATIC = "thematic", _("Thematic forum")  # §4.3


class MemberRole(models.TextChoices):
    MAYOR = "mayor", _("Mayor")
    CHIEF_EXECUTIVE = "chief_executive", _("Chief municipal executive")
    SERVICE_UNIT_LEADER = "service_unit_leader", _("Head of police service unit")
    POLICE_CHIEF = "police_chief", _("Chief of police or deputy")
    POLICE_CONTACT = "police_contact", _("Police contact")
    SECRETARY = "secretary", _("Secretary")
    ORGANISATION_MEMBER = "organisation_member", _("Member for an organisation")
    OTHER = "other", _("Other member")


# §4.1.1: the municipality's political and administrative leadership.
MUNICIPAL_LEADERSHIP_ROLES = (MemberRole.MAYOR, MemberRole.CHIEF_EXECUTIVE)
# §4.1.1, §5.2: the local police leadership (the tjenesteenhetsleder should always attend).
POLICE_LEADERSHIP_ROLES = (MemberRole.SERVICE_UNIT_LEADER, MemberRole.POLICE_CHIEF)


def require_legal_basis(access_level: str, legal_basis: str, field: str = "legal_basis") -> None:
    if access_level == AccessLevel.EXEMPT and not legal_basis.strip():
        raise ValidationError({field: _(
            "Exempt content needs its legal basis, for example «offl. § 13 jf. fvl. § 13». "
            "Write the basis or choose another access level."
        )})


# --- The council policy (Veileder §4, §4.1.5) ------------------------------------------------
# A council seat gives that council; a municipal role gives the councils its municipality
# has joined. Who may do what:
#   VIEW         seats; everyone who works in one of the council's municipalities (municipal
#                leader, police contact, SLT coordinator), the unit's police leadership,
#                district administrators; national administrators (open and internal only)
#   CHANGE       the chair and the secretary; the parties (municipal leader, police contact,
#                police leadership, district administrator) of the council's municipalities
#   READ_EXEMPT  every seat, and the parties. Writing a row needs reading it, and CHANGE is a
#                subset of READ_EXEMPT, so no one changes what they cannot read.


def council_q(principal: Principal, action: str, prefix: str = "") -> Q | None:
    """A Q over PoliceCouncil (or, with `prefix`, over a model pointing to it)."""
    field = f"{prefix}_id" if prefix else "pk"
    if action == VIEW:
        if principal.national_admin:
            return None
        seats = principal.seat_ids("council")
        municipal = access.municipality_q(principal, access.Level.VIEW, prefix="municipality")
    else:
        seats = principal.seat_ids("council", chair_or_secretary=action == CHANGE)
        municipal = access.municipality_q(principal, access.Level.WORK, prefix="municipality",
                                          roles=access.PARTY_ROLES)
    if municipal is policy.NOTHING:
        return policy.ids_q(field, seats)
    linked = CouncilMunicipality.objects.filter(municipal).order_by().values("council_id")
    if seats:
        # One IN over a UNION ALL, not "IN (seats) OR IN (subquery)": PostgreSQL runs such an
        # OR as a filter over every row of the table (the country's meetings and tasks, issue
        # #12), the single IN as index lookups per council.
        linked = linked.union(PoliceCouncil.objects.filter(pk__in=sorted(seats)).order_by()
                              .values("pk"), all=True)
    return Q(**{f"{field}__in": linked})


def _and(*parts: Q | None) -> Q | None:
    result: Q | None = None
    for part in parts:
        if part is not None:
            result = part if result is None else result & part
    return result


def exempt_q(prefix: str) -> Q:
    """Rows under an exempt agenda item or minutes entry (their own level or their item's)."""
    return Q(**{f"{prefix}access_level": AccessLevel.EXEMPT})


def confidential_q(principal: Principal, action: str, *, council: str, exempt: Q) -> Q | None:
    """Council content with an access level: VIEW gives open and internal rows of visible
    councils, and exempt rows only where the principal reads exempt content; CHANGE gives
    rows of councils the principal may change (all of them readable, see above)."""
    if action == VIEW:
        readable_exempt = council_q(principal, READ_EXEMPT, prefix=council)
        assert readable_exempt is not None  # no one reads exempt content by default
        return _and(council_q(principal, VIEW, prefix=council), ~exempt | readable_exempt)
    return council_q(principal, action, prefix=council)


class PoliceCouncilQuerySet(RestrictedQuerySet["PoliceCouncil"]):
    def restriction(self, principal: Principal, action: str) -> Q | None:
        return council_q(principal, action)


class InCouncilQuerySet(RestrictedQuerySet[Any]):
    """Rows that belong to a council through `council_path` (meetings, plans, members …)."""

    council_path = "council"

    def restriction(self, principal: Principal, action: str) -> Q | None:
        return council_q(principal, action, prefix=self.council_path)


class PoliceCouncil(models.Model):
    """A police council or thematic forum. `municipality` is the primary municipality used for
    access scoping; a regional council (§4.4) lists all its municipalities in
    `municipalities` (the primary one included) and is visible from each of them."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=CouncilKind.choices,
                            default=CouncilKind.LOCAL)
    theme = models.CharField(_("theme"), max_length=200, blank=True,
                             help_text=_("For thematic forums, e.g. nightlife or traffic safety."))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT,
                                     related_name="police_councils",
                                     verbose_name=_("municipality"))
    municipalities: models.ManyToManyField = models.ManyToManyField(
        Municipality, through="CouncilMunicipality", related_name="+",
        verbose_name=_("municipalities"),
    )
    description = models.TextField(_("description"), blank=True)
    bylaws_review_on = models.DateField(
        _("next review of the police bylaws"), null=True, blank=True,
        help_text=_("The council reviews the municipality's police bylaws regularly (§4)."),
    )
    # Offentleglova: published minutes are public documents; their public version is shown
    # without login unless the council turns the page off.
    public_minutes = models.BooleanField(
        _("public minutes page"), default=True,
        help_text=_("Show the public version of published minutes on a page anyone can open "
                    "without logging in (offentleglova)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When the "too few meetings" check (§4.1.2, from 1 September) next falls due: claimed
    # by reminders.scan_few_meetings, re-armed by every meeting written (Meeting.save) and
    # by an agreement coming into force (registry), so a scan reads only what is due (#12).
    few_meetings_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PoliceCouncilQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("police council")
        verbose_name_plural = _("police councils")
        indexes = [models.Index(fields=["few_meetings_reminder_at"], name="council_few_meetings",
                                condition=Q(few_meetings_reminder_at__isnull=False))]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if self._state.adding and self.few_meetings_reminder_at is None:
            self.few_meetings_reminder_at = few_meetings_check_at(timezone.localdate().year)
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        # Access and compliance read the links: the primary municipality is always one of
        # them, however the council was made (service, admin, shell, fixture).
        CouncilMunicipality.objects.get_or_create(council=self,
                                                  municipality_id=self.municipality_id)

    def clean(self) -> None:
        if self.kind == CouncilKind.THEMATIC and not self.theme.strip():
            raise ValidationError({"theme": _("A thematic forum needs a theme (§4.3).")})


class CouncilMunicipality(models.Model):
    council = models.ForeignKey(PoliceCouncil, on_delete=models.CASCADE,
                                related_name="council_municipalities")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "municipality"],
                                               name="unique_council_municipality")]

    def __str__(self) -> str:
        return f"{self.council_id}:{self.municipality_id}"


class CouncilMunicipalityRequest(models.Model):
    """A request that a municipality join a regional council (§4.4). The municipality is
    linked only when someone who works there accepts: one municipality cannot put another
    into its council, its compliance or its members' access."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    council = models.ForeignKey(PoliceCouncil, on_delete=models.CASCADE,
                                related_name="municipality_requests")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("municipality"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("request to join a council")
        verbose_name_plural = _("requests to join a council")
        constraints = [models.UniqueConstraint(
            fields=["council", "municipality"], condition=Q(status="pending"),
            name="one_pending_request_per_municipality")]

    def __str__(self) -> str:
        return f"{self.council_id}:{self.municipality_id} ({self.status})"


class CouncilMemberQuerySet(InCouncilQuerySet):
    def update(self, **kwargs: Any) -> int:
        """A bulk update sends no signal: bump the seated users' principals here."""
        users = set(self.exclude(user=None).values_list("user_id", flat=True))
        count = super().update(**kwargs)
        for user_id in users:
            policy.bump(user_id)
        return count

    def active(self, on: dt.date | None = None) -> CouncilMemberQuerySet:
        today = on or timezone.localdate()
        return self.filter(Q(starts_on__lte=today),
                           Q(ends_on__isnull=True) | Q(ends_on__gt=today))


class CouncilMember(models.Model):
    """A portal user or an external person (name, e-mail, organisation) on a council.

    A portal user's seat gives them this council and nothing else (`samarbeid.policy` seats,
    registered in `politirad.apps`); it ends on `ends_on` with no job to run.
    """

    council = models.ForeignKey(PoliceCouncil, on_delete=models.CASCADE, related_name="members",
                                verbose_name=_("council"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                             blank=True, related_name="council_memberships",
                             verbose_name=_("portal user"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+",
                                     verbose_name=_("organisation"))
    role = models.CharField(_("role"), max_length=30, choices=MemberRole.choices)
    is_chair = models.BooleanField(_("chair"), default=False)
    is_secretary = models.BooleanField(_("secretary"), default=False)
    starts_on = models.DateField(_("starts"), default=timezone.localdate)
    ends_on = models.DateField(_("ends"), null=True, blank=True)

    objects = CouncilMemberQuerySet.as_manager()

    class Meta:
        ordering = ["-is_chair", "role", "name"]
        verbose_name = _("council member")
        verbose_name_plural = _("council members")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user_id and self.user:
            return self.user.get_full_name() or self.user.get_username()
        return self.name

    @property
    def contact_email(self) -> str:
        if self.user_id and self.user:
            return self.user.email
        return self.email

    def clean(self) -> None:
        if not self.user_id and not self.name.strip():
            raise ValidationError({"name": _("Choose a portal user or write the name of the "
                                             "external member.")})
        if not self.user_id and not self.email.strip():
            raise ValidationError({"email": _("An external member needs an e-mail address so "
                                              "the agenda reaches them.")})


class MeetingQuerySet(InCouncilQuerySet):
    pass


class MeetingState(models.TextChoices):
    """planned → agenda sent → held → minutes draft → approved → published (§4.1.2)."""

    CANCELLED = "cancelled", _("Cancelled")
    PLANNED = "planned", _("Planned")
    AGENDA_SENT = "agenda_sent", _("Agenda sent")
    HELD = "held", _("Held")
    MINUTES_DRAFT = "minutes_draft", _("Minutes in draft")
    APPROVED = "approved", _("Minutes approved")
    PUBLISHED = "published", _("Minutes published")


FROZEN_STATES = (MeetingState.APPROVED, MeetingState.PUBLISHED)
# What the approved minutes show of the meeting itself; it never changes after approval.
FROZEN_MEETING_FIELDS = ("starts_at", "ends_at", "place", "video_url", "title", "cancelled",
                         "agenda_sent_at")
# Meeting reminders (politirad.reminders): "meeting in two days", "agenda not sent" from the
# agenda deadline, "minutes not approved" 14 days after and not for meetings long past.
MEETING_SOON_DAYS = 2
MINUTES_REMINDER_DAYS = 14
MINUTES_REMINDER_WINDOW_DAYS = 120
MEETING_REMINDER_FIELDS = ("soon_reminder_at", "agenda_reminder_at", "minutes_reminder_at")
REARMING_FIELDS = ("starts_at", "cancelled", "agenda_deadline", "agenda_sent_at")


def few_meetings_check_at(year: int) -> dt.datetime:
    """1 September of `year` (§4.1.2: the check of the year's meetings starts then)."""
    return local_midnight(dt.date(year, 9, 1))


def rearm_few_meetings(councils: Q, year: int) -> None:
    """Bring the councils' "too few meetings" check forward to 1 September of `year` (a
    meeting of that year was written): after that date the next scan counts them again."""
    when = few_meetings_check_at(year)
    PoliceCouncil.objects.filter(councils).filter(
        Q(few_meetings_reminder_at__isnull=True) | Q(few_meetings_reminder_at__gt=when)
    ).update(few_meetings_reminder_at=when)


class Meeting(models.Model):
    """A council meeting. §4.1.2: at least two a year, written agenda sent in good time."""

    council = models.ForeignKey(PoliceCouncil, on_delete=models.CASCADE, related_name="meetings",
                                verbose_name=_("council"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    agenda_sent_at = models.DateTimeField(_("agenda sent"), null=True, blank=True)
    agenda_deadline = models.DateTimeField(
        _("agenda deadline"), null=True, blank=True, editable=False,
        help_text=_("When the agenda should go out, from the agreement's lead time."),
    )
    sequence = models.PositiveIntegerField(default=0, editable=False)  # iCalendar SEQUENCE
    # Stored facts the meeting lists show (issue #12): written only by
    # services.meeting_counters_refresh after every attendance or task write, so a list of
    # meetings reads its own rows instead of scanning the country's attendance and tasks.
    attendance_recorded = models.BooleanField(default=False, editable=False)
    municipal_leadership_present = models.BooleanField(default=False, editable=False)  # §4.1.1
    police_leadership_present = models.BooleanField(default=False, editable=False)  # §5.2
    open_task_count = models.PositiveIntegerField(default=0, editable=False)
    # When each reminder about the meeting next falls due (None: nothing to send), computed
    # by `reminder_times` whenever the start, cancellation, agenda or minutes change
    # (Meeting.save, Minutes.save) and claimed by the scans with a conditional UPDATE, so a
    # scan reads only the meetings whose time has come (issue #12).
    soon_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)
    agenda_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)
    minutes_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        # starts_at alone: the upcoming meetings of a reader who sees every council (the
        # national home page) are read from now on, not from a scan of the country's.
        indexes = [models.Index(fields=["council", "starts_at"]),
                   models.Index(fields=["starts_at"], name="meeting_starts_at"),
                   *(models.Index(fields=[f], name=f"meeting_{f}",
                                  condition=Q(**{f"{f}__isnull": False}))
                     for f in MEETING_REMINDER_FIELDS)]

    def __str__(self) -> str:
        when = date_format(timezone.localtime(self.starts_at), "SHORT_DATE_FORMAT")
        return f"{self.title or self.council.name} {when}"

    def save(self, *args: object, **kwargs: object) -> None:
        """Approved minutes freeze the meeting. A new meeting, or a changed start,
        cancellation, agenda deadline or agenda sent, re-arms its reminders here, whatever
        the entry point (service, admin, shell), and the council's "too few meetings" check."""
        stored = None
        minutes_status = None
        if self.pk:
            stored = Meeting.objects.filter(pk=self.pk).values(
                *FROZEN_MEETING_FIELDS, "agenda_deadline", "minutes__status").first()
            minutes_status = stored.pop("minutes__status") if stored else None
            if stored and minutes_status in (MinutesStatus.APPROVED, MinutesStatus.PUBLISHED) \
                    and any(stored[f] != getattr(self, f) for f in FROZEN_MEETING_FIELDS):
                raise _approved_refusal()
        rearm = stored is None or any(stored[f] != getattr(self, f) for f in REARMING_FIELDS)
        if rearm:
            self.arm_reminders(minutes_status)
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *MEETING_REMINDER_FIELDS}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        if rearm:
            years = {self.starts_at.year} | ({stored["starts_at"].year} if stored else set())
            rearm_few_meetings(Q(pk=self.council_id), min(years))

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        result = super().delete(*args, **kwargs)  # type: ignore[arg-type]
        rearm_few_meetings(Q(pk=self.council_id), self.starts_at.year)  # one fewer to count
        return result

    def arm_reminders(self, minutes_status: str | None = None) -> None:
        """Set the reminder fields from `reminder_times` (save does; a bulk_create, which
        skips save, calls it on each row)."""
        for field, value in self.reminder_times(minutes_status).items():
            setattr(self, field, value)

    def reminder_times(self, minutes_status: str | None = None) -> dict[str, dt.datetime | None]:
        """When each reminder falls due (`minutes_status`: None when there are no minutes).
        A time already past stays armed: the scan that reads it decides whether it is still
        to be sent (the meeting may be over) and claims it."""
        live = not self.cancelled
        return {
            "soon_reminder_at": self.starts_at - dt.timedelta(days=MEETING_SOON_DAYS)
            if live else None,
            "agenda_reminder_at": self.agenda_deadline
            if live and self.agenda_sent_at is None else None,
            "minutes_reminder_at": self.starts_at + dt.timedelta(days=MINUTES_REMINDER_DAYS)
            if live and minutes_status in (None, MinutesStatus.DRAFT) else None,
        }

    @property
    def display_title(self) -> str:
        return self.title or str(_("Meeting"))

    @property
    def end(self) -> dt.datetime:
        return self.ends_at or self.starts_at + dt.timedelta(hours=2)

    @property
    def agenda_sent_late(self) -> bool:
        return bool(self.agenda_sent_at and self.agenda_deadline
                    and self.agenda_sent_at > self.agenda_deadline)

    @property
    def is_past(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def state(self) -> MeetingState:
        """Where the meeting is in its cycle (reads the minutes once, cached on the row)."""
        minutes: Minutes | None
        try:
            minutes = self.minutes
        except Minutes.DoesNotExist:
            minutes = None
        if minutes is not None and minutes.status == MinutesStatus.PUBLISHED:
            return MeetingState.PUBLISHED
        if minutes is not None and minutes.status == MinutesStatus.APPROVED:
            return MeetingState.APPROVED
        if self.cancelled:
            return MeetingState.CANCELLED
        if minutes is not None:
            return MeetingState.MINUTES_DRAFT
        if self.is_past:
            return MeetingState.HELD
        return MeetingState.AGENDA_SENT if self.agenda_sent_at else MeetingState.PLANNED

    @property
    def is_frozen(self) -> bool:
        """Approved minutes fix the meeting's time, place, agenda and attendance."""
        return self.state in FROZEN_STATES

    @property
    def may_send_agenda(self) -> bool:
        """The agenda goes out before the meeting; once it is held there is nothing to send."""
        return not self.cancelled and not self.is_past and not self.is_frozen

    def clean(self) -> None:
        if self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
        if not self.place.strip() and not self.video_url.strip():
            raise ValidationError({"place": _("Write the place of the meeting or a video link.")})


class AgendaItemQuerySet(RestrictedQuerySet["AgendaItem"]):
    council_path = "meeting__council"
    item_prefix = ""

    def restriction(self, principal: Principal, action: str) -> Q | None:
        return confidential_q(principal, action, council=self.council_path,
                              exempt=exempt_q(self.item_prefix))


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items",
                                verbose_name=_("meeting"))
    number = models.PositiveSmallIntegerField(_("item number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    presenter = models.CharField(_("presenter"), max_length=200, blank=True)
    access_level = models.CharField(_("access level"), max_length=10, choices=AccessLevel.choices,
                                    default=AccessLevel.OPEN)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True,
                                   help_text=_("Required when exempt, e.g. «offl. § 13 jf. fvl. § 13»."))

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [models.UniqueConstraint(fields=["meeting", "number"],
                                               name="unique_agenda_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def save(self, *args: object, **kwargs: object) -> None:
        _refuse_when_meeting_frozen(self.meeting_id)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        _refuse_when_meeting_frozen(self.meeting_id)
        refuse_agenda_change_after_sending(self.meeting_id)
        return super().delete(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_exempt(self) -> bool:
        return self.access_level == AccessLevel.EXEMPT

    def clean(self) -> None:
        require_legal_basis(self.access_level, self.legal_basis)
        # §4.1.5: agenda items are about measures, not persons.
        refuse_identity_numbers({"title": self.title, "description": self.description,
                                 "presenter": self.presenter})


def _attachment_path(instance: AgendaAttachment, filename: str) -> str:
    import secrets

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"politirad/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{ext}"


class AgendaAttachmentQuerySet(AgendaItemQuerySet):
    council_path = "item__meeting__council"
    item_prefix = "item__"


class AgendaAttachment(models.Model):
    """A document for an agenda item; its content is checked on upload and it is always
    served as a download (never rendered inline)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="attachments",
                             verbose_name=_("agenda item"))
    file = models.FileField(_("file"), upload_to=_attachment_path)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = AgendaAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    APOLOGIES = "apologies", _("Sent apologies")
    ABSENT = "absent", _("Absent")


class AttendanceQuerySet(InCouncilQuerySet):
    council_path = "meeting__council"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(CouncilMember, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"],
                                               name="unique_attendance")]

    def __str__(self) -> str:
        return f"{self.member} – {self.get_status_display()}"

    def save(self, *args: object, **kwargs: object) -> None:
        _refuse_when_meeting_frozen(self.meeting_id)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        _refuse_when_meeting_frozen(self.meeting_id)
        return super().delete(*args, **kwargs)  # type: ignore[arg-type]


class ApprovedMinutesError(ValidationError):
    """Raised by the guards when something tries to change approved minutes."""


def _approved_refusal() -> ApprovedMinutesError:
    return ApprovedMinutesError(_(
        "The minutes are approved and can no longer be changed. Add a dated correction instead."
    ))


def refuse_agenda_change_after_sending(meeting_id: int | None) -> None:
    """Items are removed or renumbered only before the agenda goes out (§4.1.2: the members
    prepare from the agenda they received); afterwards a change is a new item."""
    if meeting_id and Meeting.objects.filter(pk=meeting_id,
                                             agenda_sent_at__isnull=False).exists():
        raise ValidationError(_("The agenda is sent, so its items can no longer be removed or "
                                "moved. Add a new item or change the text of an item instead."))


def _refuse_when_meeting_frozen(meeting_id: int | None) -> None:
    if meeting_id and Minutes.objects.filter(
            meeting_id=meeting_id,
            status__in=[MinutesStatus.APPROVED, MinutesStatus.PUBLISHED]).exists():
        raise _approved_refusal()


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


class MinutesQuerySet(InCouncilQuerySet):
    council_path = "meeting__council"


class Minutes(models.Model):
    """Møtereferat (§4.1.2): sets out tasks, who is responsible and the deadline.

    draft → approved (by the chair) → published to members. Approved minutes never change.
    """

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="minutes")
    status = models.CharField(_("status"), max_length=10, choices=MinutesStatus.choices,
                              default=MinutesStatus.DRAFT)
    summary = models.TextField(_("summary"), blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # What the approved minutes show as follow-up of open tasks (§4.1.2), kept as it was at
    # approval: a task created later never enters approved minutes.
    follow_up: models.ManyToManyField = models.ManyToManyField(
        "Task", blank=True, related_name="followed_up_in",
        verbose_name=_("follow-up of open tasks"))

    objects = MinutesQuerySet.as_manager()

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return str(_("Minutes of %(meeting)s") % {"meeting": self.meeting})

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk:
            stored = Minutes.objects.filter(pk=self.pk).values("status", "summary", "approved_at",
                                                                "approved_by_id").first()
            if stored and stored["status"] != MinutesStatus.DRAFT:
                frozen_changed = (
                    stored["summary"] != self.summary
                    or stored["approved_at"] != self.approved_at
                    or stored["approved_by_id"] != self.approved_by_id
                    or self.status == MinutesStatus.DRAFT
                )
                if frozen_changed:
                    raise _approved_refusal()
            approved_now = (stored is None or stored["status"] == MinutesStatus.DRAFT) \
                and self.status != MinutesStatus.DRAFT
        else:
            approved_now = self.status != MinutesStatus.DRAFT
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        if approved_now:  # approved: the "minutes not approved" reminder is off (issue #12)
            Meeting.objects.filter(pk=self.meeting_id).update(minutes_reminder_at=None)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        if not self.is_draft:
            raise _approved_refusal()
        return super().delete(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_draft(self) -> bool:
        return self.status == MinutesStatus.DRAFT


class _FrozenWithMinutes(models.Model):
    """Rows that belong to minutes: they cannot change once the minutes are approved."""

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        status = self._minutes_status()
        if status is not None and status != MinutesStatus.DRAFT:
            raise _approved_refusal()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        status = self._minutes_status()
        if status is not None and status != MinutesStatus.DRAFT:
            raise _approved_refusal()
        return super().delete(*args, **kwargs)  # type: ignore[arg-type]

    def _minutes_status(self) -> str | None:
        raise NotImplementedError


def entry_exempt_q(prefix: str = "") -> Q:
    """An entry is exempt when it or its agenda item is."""
    return exempt_q(prefix) | exempt_q(f"{prefix}agenda_item__")


class MinutesEntryQuerySet(RestrictedQuerySet["MinutesEntry"]):
    council_path = "minutes__meeting__council"
    entry_prefix = ""

    def restriction(self, principal: Principal, action: str) -> Q | None:
        return confidential_q(principal, action, council=self.council_path,
                              exempt=entry_exempt_q(self.entry_prefix))


class MinutesEntry(_FrozenWithMinutes):
    """The minutes of one agenda item: notes, decisions and tasks."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="entries")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="entries",
                                    verbose_name=_("agenda item"))
    notes = models.TextField(_("notes"), blank=True)
    access_level = models.CharField(_("access level"), max_length=10, choices=AccessLevel.choices,
                                    default=AccessLevel.OPEN)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)

    objects = MinutesEntryQuerySet.as_manager()

    class Meta:
        ordering = ["agenda_item__number"]
        verbose_name = _("minutes entry")
        verbose_name_plural = _("minutes entries")
        constraints = [models.UniqueConstraint(fields=["minutes", "agenda_item"],
                                               name="unique_entry_per_item")]

    def __str__(self) -> str:
        return str(self.agenda_item)

    def _minutes_status(self) -> str | None:
        return Minutes.objects.filter(pk=self.minutes_id).values_list("status", flat=True).first()

    @property
    def is_exempt(self) -> bool:
        return self.access_level == AccessLevel.EXEMPT

    def clean(self) -> None:
        require_legal_basis(self.access_level, self.legal_basis)
        refuse_identity_numbers({"notes": self.notes})  # §4.1.5: measures, not persons


class DecisionQuerySet(MinutesEntryQuerySet):
    council_path = "entry__minutes__meeting__council"
    entry_prefix = "entry__"


class Decision(_FrozenWithMinutes):
    """Vedtak: one decision recorded under an agenda item."""

    entry = models.ForeignKey(MinutesEntry, on_delete=models.CASCADE, related_name="decisions")
    number = models.PositiveSmallIntegerField(default=1)
    text = models.TextField(_("decision"))

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["entry", "number"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.text[:80]

    def _minutes_status(self) -> str | None:
        return Minutes.objects.filter(entries__pk=self.entry_id).values_list(
            "status", flat=True).first()


class MinutesCorrectionQuerySet(AgendaItemQuerySet):
    council_path = "minutes__meeting__council"


class MinutesCorrection(models.Model):
    """A dated correction to approved minutes; the approved text itself never changes."""

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="corrections")
    made_on = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("correction"))
    access_level = models.CharField(_("access level"), max_length=10, choices=AccessLevel.choices,
                                    default=AccessLevel.OPEN)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MinutesCorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["made_on", "created_at"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return f"{date_format(self.made_on, 'SHORT_DATE_FORMAT')}: {self.text[:60]}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk:  # a correction is itself a record: add a new one instead
            raise _approved_refusal()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        require_legal_basis(self.access_level, self.legal_basis)
        refuse_identity_numbers({"text": self.text})  # §4.1.5: measures, not persons


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_TASK_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)
# Deadline reminders (politirad.reminders.scan_tasks): a notice this many days before the
# deadline, one when it has passed, and none for a task overdue longer than the window.
TASK_DUE_NOTICE_DAYS = 3
TASK_OVERDUE_WINDOW_DAYS = 60
REMINDER_DUE = "due"
REMINDER_OVERDUE = "overdue"


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of a day in the portal's time zone (reminders fall due at day starts)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class TaskQuerySet(RestrictedQuerySet["Task"]):
    """A task's title can give away an exempt matter (offl. § 13, §4.1.5): a task under an
    exempt item is exempt itself. The responsible may change the status of their own task."""

    def restriction(self, principal: Principal, action: str) -> Q | None:
        q = confidential_q(principal, action, council="council", exempt=entry_exempt_q("entry__"))
        if action == CHANGE and principal.user_id is not None:
            mine = Q(responsible_user_id=principal.user_id) | Q(
                responsible_member__user_id=principal.user_id)
            visible = confidential_q(principal, VIEW, council="council",
                                     exempt=entry_exempt_q("entry__"))
            own = mine if visible is None else mine & visible
            q = own if q is None else q | own
        return q


class Task(models.Model):
    """Oppgave from the minutes (§4.1.2): responsible, deadline, status with a history."""

    council = models.ForeignKey(PoliceCouncil, on_delete=models.CASCADE, related_name="tasks",
                                verbose_name=_("council"))
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="tasks", verbose_name=_("meeting"))
    entry = models.ForeignKey(MinutesEntry, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="tasks", verbose_name=_("agenda item"))
    title = models.CharField(_("task"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    responsible_member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, null=True,
                                           blank=True, related_name="tasks",
                                           verbose_name=_("responsible member"))
    responsible_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                                 null=True, blank=True, related_name="+",
                                                 verbose_name=_("responsible organisation"))
    responsible_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                         null=True, blank=True, related_name="politirad_tasks",
                                         verbose_name=_("responsible user"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices,
                              default=TaskStatus.OPEN)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # When the next deadline reminder falls due (None: nothing more to send). Set by
    # reminders.task_next_reminder whenever the deadline or the status changes, claimed by
    # the scan with a conditional UPDATE (issue #12), so a scan reads only what is due.
    next_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["status", "deadline"]),
                   models.Index(fields=["council", "status"]),
                   # A person's open tasks (home, my tasks) among the many done ones.
                   models.Index(fields=["responsible_user", "status"]),
                   models.Index(fields=["responsible_member", "status"]),
                   models.Index(fields=["next_reminder_at"], name="task_next_reminder",
                                condition=Q(next_reminder_at__isnull=False))]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        """Once the minutes are approved, what they say about a task (title, responsible,
        deadline) never changes; its status and comments still do.

        A new task, or a changed deadline or status, re-arms the deadline reminder here,
        whatever the entry point (service, admin, shell): the scan reads only
        `next_reminder_at` (issue #12)."""
        update_fields = kwargs.get("update_fields")
        rearm = self._state.adding or self.pk is None
        if self.pk and not self._state.adding:
            frozen = ("title", "description", "deadline", "responsible_member_id",
                      "responsible_organisation_id", "responsible_user_id")
            stored = Task.objects.filter(pk=self.pk).values(
                *frozen, "status", "meeting__minutes__status").first()
            status = stored and stored.pop("meeting__minutes__status")
            if self.meeting_id and stored and status and status != MinutesStatus.DRAFT and any(
                    stored[f] != getattr(self, f) for f in frozen):
                raise _approved_refusal()
            rearm = stored is None or (stored["deadline"], stored["status"]) != (
                self.deadline, self.status)
        if rearm:
            self.next_reminder_at = self.reminder_due_at()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "next_reminder_at"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def reminder_due_at(self, *, after: str = "", today: dt.date | None = None
                        ) -> dt.datetime | None:
        """When the next deadline reminder falls due, `after` the kind just sent (REMINDER_DUE
        or REMINDER_OVERDUE), or None when nothing more is to be sent."""
        today = today or timezone.localdate()
        if not self.is_open or after == REMINDER_OVERDUE or self.deadline < today - dt.timedelta(
                days=TASK_OVERDUE_WINDOW_DAYS):
            return None
        if after == REMINDER_DUE:
            return local_midnight(self.deadline + dt.timedelta(days=1))
        return local_midnight(self.deadline - dt.timedelta(days=TASK_DUE_NOTICE_DAYS))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TASK_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.deadline < timezone.localdate()

    @property
    def responsible_name(self) -> str:
        if self.responsible_member_id and self.responsible_member:
            return self.responsible_member.display_name
        if self.responsible_user_id and self.responsible_user:
            return self.responsible_user.get_full_name() or self.responsible_user.get_username()
        if self.responsible_organisation_id and self.responsible_organisation:
            return self.responsible_organisation.name
        return ""

    def clean(self) -> None:
        refuse_identity_numbers({"title": self.title, "description": self.description})
        if not (self.responsible_member_id or self.responsible_organisation_id
                or self.responsible_user_id):
            raise ValidationError({"responsible_member": _(
                "Every task needs someone responsible (§4.1.2): choose a member or an "
                "organisation.")})


class TaskComment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+")
    text = models.TextField(_("comment"), blank=True)
    status_from = models.CharField(max_length=12, choices=TaskStatus.choices, blank=True)
    status_to = models.CharField(max_length=12, choices=TaskStatus.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("task comment")
        verbose_name_plural = _("task comments")

    def __str__(self) -> str:
        return self.text[:60]


class PlanKind(models.TextChoices):
    OVERALL = "overall", _("Overall plan")
    ACTION = "action", _("Action plan")


class ActionPlanQuerySet(InCouncilQuerySet):
    pass


class ActionPlan(models.Model):
    """Overall plan of the council or a joint action plan (§4)."""

    council = models.ForeignKey(PoliceCouncil, on_delete=models.CASCADE, related_name="plans")
    kind = models.CharField(_("kind"), max_length=10, choices=PlanKind.choices,
                            default=PlanKind.ACTION)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-starts_on"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The plan must end after it starts.")})






class CouncilMeasure(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="measures")
    title = models.CharField(_("measure"), max_length=200)
    # The guide's focus area (the portal's one table, avtaler.FocusArea, #15), or none and
    # the plan's own words in focus_area_other.
    focus_area = models.ForeignKey(
        "avtaler.FocusArea", on_delete=models.PROTECT, null=True, blank=True,
        related_name="council_measures", verbose_name=_("focus area"),
    )
    focus_area_other = models.CharField(_("other focus area"), max_length=200, blank=True)
    coordination_step = models.PositiveSmallIntegerField(
        _("coordination step"), choices=CoordinationStep.choices,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    responsible = models.CharField(_("responsible"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    status = models.CharField(_("status"), max_length=10, choices=MeasureStatus.choices,
                              default=MeasureStatus.PLANNED)

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return self.title

    @property
    def focus_area_display(self) -> str:
        if self.focus_area_id is None or self.focus_area is None:
            return self.focus_area_other
        return self.focus_area.label

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The measure must end after it starts.")})
        if self.focus_area_id is None and not self.focus_area_other.strip():
            raise ValidationError({"focus_area_other": _(
                "Describe the focus area, or choose one from the list.")})


class Agency(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    POLICE = "police", _("Police")
    COUNTY = "county", _("County municipality")
    OTHER = "other", _("Other agency")


class KnowledgeBaseRequestQuerySet(InCouncilQuerySet):
    pass


class KnowledgeBaseRequest(models.Model):
    """§4.1.5: the council asks each agency for a knowledge base to decide on."""

    council = models.ForeignKey(PoliceCouncil, on_delete=models.CASCADE,
                                related_name="knowledge_requests")
    agency = models.CharField(_("agency"), max_length=20, choices=Agency.choices)
    topic = models.CharField(_("topic"), max_length=200)
    requested_on = models.DateField(_("requested"), default=timezone.localdate)
    due_on = models.DateField(_("due"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered"), null=True, blank=True)

    objects = KnowledgeBaseRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_on", "pk"]
        verbose_name = _("knowledge base request")
        verbose_name_plural = _("knowledge base requests")

    def __str__(self) -> str:
        return self.topic
