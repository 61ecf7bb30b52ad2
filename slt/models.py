"""SLT — samordning av lokale rus- og kriminalitetsforebyggende tiltak (Veileder §6).

SLT is voluntary: about half of the municipalities have established it, others use another
model. So "not established" and "other model" are legitimate states, never faults (§6, §2.3).
Where SLT is established, a coordinator binds together three levels: steering (often the
police council itself), coordinating (middle managers) and executing (everyone who works
directly with children and youth). The coordinator tracks measures (tiltak) for children
and youth across the levels.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from avtaler.models import FocusArea
from samarbeid.access import MunicipalQuerySet
from samarbeid.models import CoordinationStep, MeasureStatus, Municipality


class SltStatus(models.TextChoices):
    ESTABLISHED = "established", _("Established")
    NOT_ESTABLISHED = "not_established", _("Not established")
    OTHER_MODEL = "other_model", _("Other model")


class LevelKind(models.TextChoices):
    """The three SLT levels of the SLT handbook, as quoted in Veileder §6."""

    STEERING = "steering", _("Steering level")
    COORDINATING = "coordinating", _("Coordinating level")
    EXECUTING = "executing", _("Executing level")


LEVEL_ORDER = [LevelKind.STEERING, LevelKind.COORDINATING, LevelKind.EXECUTING]


OPEN_STATUSES = [MeasureStatus.PLANNED, MeasureStatus.ACTIVE]




class SltModel(models.Model):
    """A municipality's SLT model. Access follows the primary `municipality`; a model shared
    by several municipalities lists the others in `other_municipalities`."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.PROTECT, related_name="slt_model",
        verbose_name=_("municipality"),
    )
    other_municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="shared_slt_models",
        verbose_name=_("shared with municipalities"),
        help_text=_("Municipalities that take part in this SLT model together with the "
                    "municipality."),
    )
    status = models.CharField(_("status"), max_length=20, choices=SltStatus.choices,
                              default=SltStatus.ESTABLISHED)
    status_note = models.TextField(
        _("note on the status"), blank=True,
        help_text=_("For example when SLT was established, or which other model the "
                    "municipality uses."),
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="coordinated_slt_models", verbose_name=_("coordinator"),
    )
    # Veileder §6 footnote 18: the title varies between municipalities.
    coordinator_title = models.CharField(_("coordinator's title"), max_length=120,
                                         default="SLT-koordinator")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["municipality__name"]
        verbose_name = _("SLT model")
        verbose_name_plural = _("SLT models")

    def __str__(self) -> str:
        return f"SLT {self.municipality}"

    @property
    def is_established(self) -> bool:
        return self.status == SltStatus.ESTABLISHED


class SltLevel(models.Model):
    """One of the three levels. The steering level is often the police council itself."""

    slt_model = models.ForeignKey(SltModel, on_delete=models.CASCADE, related_name="levels",
                                  verbose_name=_("SLT model"))
    kind = models.CharField(_("level"), max_length=20, choices=LevelKind.choices)
    description = models.TextField(
        _("description"), blank=True,
        help_text=_("Who takes part, how often the level meets, what it decides."),
    )
    # Veileder §6: "Mange kommuner har organisert det slik at politirådet er styringsnivået
    # for SLT" — link the council instead of copying its members.
    police_council = models.ForeignKey(
        "politirad.PoliceCouncil", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="slt_levels", verbose_name=_("police council"),
        help_text=_("When the police council is the steering level: its members and meetings "
                    "count for the level."),
    )

    class Meta:
        ordering = ["slt_model_id", "kind"]
        verbose_name = _("SLT level")
        verbose_name_plural = _("SLT levels")
        constraints = [
            models.UniqueConstraint(fields=["slt_model", "kind"], name="slt_unique_level_kind")
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    @property
    def position(self) -> int:
        return LEVEL_ORDER.index(LevelKind(self.kind))

    def clean(self) -> None:
        if not self.police_council_id:
            return
        if self.kind != LevelKind.STEERING:
            raise ValidationError({"police_council": _(
                "Only the steering level can be the police council.")})
        if self.slt_model_id and not council_covers(self.police_council_id,
                                                    self.slt_model.municipality_id):
            raise ValidationError({"police_council": _(
                "Choose a police council of the municipality.")})


def council_covers(council_id: int, municipality_id: int) -> bool:
    """Does the police council (local or regional, §4.4) include the municipality?"""
    from politirad.models import CouncilMunicipality, PoliceCouncil

    return (PoliceCouncil.objects.filter(pk=council_id, municipality_id=municipality_id).exists()
            or CouncilMunicipality.objects.filter(council_id=council_id,
                                                  municipality_id=municipality_id).exists())


class LevelMember(models.Model):
    """A member of a level: a portal user, or someone outside the portal by name."""

    level = models.ForeignKey(SltLevel, on_delete=models.CASCADE, related_name="members",
                              verbose_name=_("level"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
        related_name="slt_level_memberships", verbose_name=_("portal user"),
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    role = models.CharField(_("role in the level"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["level_id", "name", "id"]
        verbose_name = _("level member")
        verbose_name_plural = _("level members")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user_id and self.user is not None:
            return self.user.get_full_name() or self.user.get_username()
        return self.name

    @property
    def contact_email(self) -> str:
        if self.email:
            return self.email
        return self.user.email if self.user_id and self.user is not None else ""

    def clean(self) -> None:
        if not self.user_id and not self.name.strip():
            raise ValidationError(
                {"name": _("Choose a portal user, or write the name of a member outside the "
                           "portal.")}
            )


class LevelMeeting(models.Model):
    """A meeting of a level; the steering level should meet at least once a year."""

    level = models.ForeignKey(SltLevel, on_delete=models.CASCADE, related_name="meetings",
                              verbose_name=_("level"))
    date = models.DateField(_("date"))
    notes = models.TextField(_("notes"), blank=True,
                             help_text=_("Keep personal data out of the notes (§4.1.5)."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("level meeting")
        verbose_name_plural = _("level meetings")

    def __str__(self) -> str:
        return f"{self.level} {date_format(self.date, 'SHORT_DATE_FORMAT')}"


class SltActionPlan(models.Model):
    """The yearly SLT action plan that groups the measures."""

    slt_model = models.ForeignKey(SltModel, on_delete=models.CASCADE,
                                  related_name="action_plans", verbose_name=_("SLT model"))
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField(_("title"), max_length=200, blank=True)
    goals = models.TextField(_("goals and priorities"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("SLT action plan")
        verbose_name_plural = _("SLT action plans")
        constraints = [
            models.UniqueConstraint(fields=["slt_model", "year"], name="slt_unique_plan_year")
        ]

    def __str__(self) -> str:
        return self.title or str(_("SLT action plan %(year)s") % {"year": self.year})


class SltMeasureQuerySet(MunicipalQuerySet["SltMeasure"]):
    municipality_path = "slt_model__municipality"

    def open(self) -> SltMeasureQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: dt.date | None = None) -> SltMeasureQuerySet:
        return self.open().filter(ends_on__lt=today or timezone.localdate())


class SltMeasure(models.Model):
    """A measure (tiltak) for children and youth, placed on a level and on the coordination
    staircase (§2.3, §6)."""

    slt_model = models.ForeignKey(SltModel, on_delete=models.CASCADE, related_name="measures",
                                  verbose_name=_("SLT model"))
    action_plan = models.ForeignKey(
        SltActionPlan, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="measures", verbose_name=_("action plan"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    age_from = models.PositiveSmallIntegerField(
        _("target group, age from"), null=True, blank=True, validators=[MaxValueValidator(120)])
    age_to = models.PositiveSmallIntegerField(
        _("target group, age to"), null=True, blank=True, validators=[MaxValueValidator(120)])
    target_group = models.CharField(_("target group, description"), max_length=200, blank=True)
    # One of the guide's focus areas (the portal's one table, avtaler.FocusArea, #15); empty
    # means «Other», described in focus_area_other.
    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.PROTECT, null=True, blank=True, related_name="slt_measures",
        verbose_name=_("focus area"),
    )
    focus_area_other = models.CharField(
        _("other focus area"), max_length=200, blank=True,
        help_text=_("Fill in when the focus area is «Other»."),
    )
    level = models.ForeignKey(SltLevel, on_delete=models.PROTECT, related_name="measures",
                              verbose_name=_("level responsible"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="slt_measures", verbose_name=_("responsible person"),
    )
    responsible_name = models.CharField(
        _("responsible person outside the portal"), max_length=150, blank=True,
        help_text=_("Use this when the responsible person has no portal user."),
    )
    coordination_step = models.PositiveSmallIntegerField(
        _("coordination step"), choices=CoordinationStep.choices,
        default=CoordinationStep.EXCHANGE,
    )
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end / deadline"))
    status = models.CharField(_("status"), max_length=20, choices=MeasureStatus.choices,
                              default=MeasureStatus.PLANNED)
    council_task = models.ForeignKey(
        "politirad.Task", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="slt_measures", verbose_name=_("started by council task"),
        help_text=_("The police council's task or decision that started the measure."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    # When the next deadline reminder falls due (None: nothing more to send); set by the
    # services from slt.reminders.measure_next_reminder and claimed by the scan with a
    # conditional UPDATE, so a scan reads only what is due (issue #12).
    next_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SltMeasureQuerySet.as_manager()

    class Meta:
        ordering = ["ends_on", "title"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        indexes = [models.Index(fields=["status", "ends_on"]),
                   models.Index(fields=["next_reminder_at"], name="slt_measure_next_reminder",
                                condition=models.Q(next_reminder_at__isnull=False))]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        # Guard for admin and shell too: a measure never points into another SLT model.
        if self.level_id and self.slt_model_id:
            level_model = SltLevel.objects.filter(pk=self.level_id).values_list(
                "slt_model_id", flat=True).first()
            if level_model != self.slt_model_id:
                raise ValidationError(_("Choose a level of this municipality's SLT model."))
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.ends_on < timezone.localdate()

    @property
    def responsible_display(self) -> str:
        if self.responsible_id and self.responsible is not None:
            return self.responsible.get_full_name() or self.responsible.get_username()
        return self.responsible_name

    @property
    def focus_area_display(self) -> str:
        if self.focus_area_id is None or self.focus_area is None:
            return self.focus_area_other
        return self.focus_area.label

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        if self.age_from is not None and self.age_to is not None and self.age_from > self.age_to:
            errors.setdefault("age_to", []).append(ValidationError(
                _("The upper age must be the same as or higher than the lower age.")))
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors.setdefault("ends_on", []).append(ValidationError(
                _("The end must be on or after the start.")))
        if not self.responsible_id and not self.responsible_name.strip():
            # The coordinator follows measures up with the person responsible (§6).
            errors.setdefault("responsible", []).append(ValidationError(
                _("Every measure needs someone responsible: choose a portal user or write the "
                  "name of the person.")))
        if self.focus_area_id is None and not self.focus_area_other.strip():
            errors.setdefault("focus_area_other", []).append(ValidationError(
                _("Describe the focus area, or choose one from the list.")))
        if self.level_id and self.slt_model_id and self.level.slt_model_id != self.slt_model_id:
            errors.setdefault("level", []).append(ValidationError(
                _("Choose a level of this municipality's SLT model.")))
        if (self.action_plan_id and self.slt_model_id and self.action_plan is not None
                and self.action_plan.slt_model_id != self.slt_model_id):
            errors.setdefault("action_plan", []).append(ValidationError(
                _("Choose an action plan of this municipality's SLT model.")))
        if (self.council_task_id and self.slt_model_id and self.council_task is not None
                and not council_covers(self.council_task.council_id,
                                       self.slt_model.municipality_id)):
            errors.setdefault("council_task", []).append(ValidationError(
                _("Choose a task of a police council of this municipality.")))
        if errors:
            raise ValidationError(errors)


class MeasureUpdate(models.Model):
    """A progress entry on a measure: what happened, when, written by whom."""

    measure = models.ForeignKey(SltMeasure, on_delete=models.CASCADE, related_name="updates",
                                verbose_name=_("measure"))
    date = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("progress"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self) -> str:
        return f"{self.measure} {date_format(self.date, 'SHORT_DATE_FORMAT')}"

    @property
    def author_display(self) -> str:
        if self.author_id and self.author is not None:
            return self.author.get_full_name() or self.author.get_username()
        return ""


class DashboardVisit(models.Model):
    """When the user last opened the SLT dashboard ("what changed since your last visit").

    Kept in slt rather than in the shared UserProfile field so other apps' dashboards do not
    move this user's mark."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="slt_dashboard_visit")
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("SLT dashboard visit")
        verbose_name_plural = _("SLT dashboard visits")

    def __str__(self) -> str:
        return f"{self.user} {self.seen_at:%Y-%m-%d %H:%M}"
