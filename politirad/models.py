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

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samarbeid.models import CoordinationStep, Membership, Municipality, Organisation


class AccessLevel(models.TextChoices):
    """Access level of agenda items and minutes entries (§4.1.5, offentleglova)."""

    OPEN = "open", _("Open")
    INTERNAL = "internal", _("Internal")
    EXEMPT = "exempt", _("Exempt from public access")


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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("police council")
        verbose_name_plural = _("police councils")

    def __str__(self) -> str:
        return self.name

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


class CouncilMemberQuerySet(models.QuerySet["CouncilMember"]):
    def active(self) -> CouncilMemberQuerySet:
        return self.filter(ends_on__isnull=True)


class CouncilMember(models.Model):
    """A portal user or an external person (name, e-mail, organisation) on a council.

    Adding a portal user grants a council-member membership for the council's municipality
    (through `samarbeid.services`), so access follows; removing the member ends it.
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
    membership = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False)
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
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["council", "starts_at"])]

    def __str__(self) -> str:
        when = timezone.localtime(self.starts_at).strftime("%d.%m.%Y")
        return f"{self.title or self.council.name} {when}"

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

    def clean(self) -> None:
        if self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
        if not self.place.strip() and not self.video_url.strip():
            raise ValidationError({"place": _("Write the place of the meeting or a video link.")})


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

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [models.UniqueConstraint(fields=["meeting", "number"],
                                               name="unique_agenda_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def is_exempt(self) -> bool:
        return self.access_level == AccessLevel.EXEMPT

    def clean(self) -> None:
        require_legal_basis(self.access_level, self.legal_basis)


def _attachment_path(instance: AgendaAttachment, filename: str) -> str:
    import secrets

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"politirad/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{ext}"


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


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(CouncilMember, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"],
                                               name="unique_attendance")]

    def __str__(self) -> str:
        return f"{self.member} – {self.get_status_display()}"


class ApprovedMinutesError(ValidationError):
    """Raised by the guards when something tries to change approved minutes."""


def _approved_refusal() -> ApprovedMinutesError:
    return ApprovedMinutesError(_(
        "The minutes are approved and can no longer be changed. Add a dated correction instead."
    ))


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


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
        super().save(*args, **kwargs)  # type: ignore[arg-type]

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


class MinutesEntry(_FrozenWithMinutes):
    """The minutes of one agenda item: notes, decisions and tasks."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="entries")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="entries",
                                    verbose_name=_("agenda item"))
    notes = models.TextField(_("notes"), blank=True)
    access_level = models.CharField(_("access level"), max_length=10, choices=AccessLevel.choices,
                                    default=AccessLevel.OPEN)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)

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


class Decision(_FrozenWithMinutes):
    """Vedtak: one decision recorded under an agenda item."""

    entry = models.ForeignKey(MinutesEntry, on_delete=models.CASCADE, related_name="decisions")
    number = models.PositiveSmallIntegerField(default=1)
    text = models.TextField(_("decision"))

    class Meta:
        ordering = ["entry", "number"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.text[:80]

    def _minutes_status(self) -> str | None:
        return Minutes.objects.filter(entries__pk=self.entry_id).values_list(
            "status", flat=True).first()


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

    class Meta:
        ordering = ["made_on", "created_at"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return f"{self.made_on:%d.%m.%Y}: {self.text[:60]}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk:  # a correction is itself a record: add a new one instead
            raise _approved_refusal()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        require_legal_basis(self.access_level, self.legal_basis)


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_TASK_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)


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

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["status", "deadline"]),
                   models.Index(fields=["council", "status"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        """Once the minutes are approved, what they say about a task (title, responsible,
        deadline) never changes; its status and comments still do."""
        if self.pk and self.meeting_id:
            frozen = ("title", "description", "deadline", "responsible_member_id",
                      "responsible_organisation_id", "responsible_user_id")
            stored = Task.objects.filter(pk=self.pk).values(*frozen, "meeting__minutes__status"
                                                            ).first()
            status = stored and stored.pop("meeting__minutes__status")
            if stored and status and status != MinutesStatus.DRAFT and any(
                    stored[f] != getattr(self, f) for f in frozen):
                raise _approved_refusal()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

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

    class Meta:
        ordering = ["kind", "-starts_on"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The plan must end after it starts.")})


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    DONE = "done", _("Done")
    STOPPED = "stopped", _("Stopped")




class Measure(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="measures")
    title = models.CharField(_("measure"), max_length=200)
    focus_area = models.CharField(_("focus area"), max_length=200)
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

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The measure must end after it starts.")})


class Agency(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    POLICE = "police", _("Police")
    COUNTY = "county", _("County municipality")
    OTHER = "other", _("Other agency")


class KnowledgeBaseRequest(models.Model):
    """§4.1.5: the council asks each agency for a knowledge base to decide on."""

    council = models.ForeignKey(PoliceCouncil, on_delete=models.CASCADE,
                                related_name="knowledge_requests")
    agency = models.CharField(_("agency"), max_length=20, choices=Agency.choices)
    topic = models.CharField(_("topic"), max_length=200)
    requested_on = models.DateField(_("requested"), default=timezone.localdate)
    due_on = models.DateField(_("due"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_on", "pk"]
        verbose_name = _("knowledge base request")
        verbose_name_plural = _("knowledge base requests")

    def __str__(self) -> str:
        return self.topic
