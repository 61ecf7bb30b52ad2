"""Evaluations of the cooperation (Veileder §7).

The guide asks each forum where the cooperation happens (police council, thematic forum,
SLT) to evaluate its own work — a process evaluation — as often as the agreement says, with
the GLL method (gjort, lært, lurt) or the six main questions of Politidirektoratet (2016).

The forum is referred to by a (kind, object id) pair rather than a foreign key: the forum
models live in apps that change on their own schedule, and an evaluation must survive a
forum being reorganised. Every evaluation carries its municipality so that scoping goes
through `samarbeid.access` like everything else.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samarbeid.access import MunicipalQuerySet
from samarbeid.models import EvaluationMethod, Municipality


class SubjectKind(models.TextChoices):
    """What is evaluated (§7: the forum where the cooperation happens, or the whole)."""

    AGREEMENT = "agreement", _("The cooperation agreement as a whole")
    POLICE_COUNCIL = "police_council", _("Police council")
    THEMATIC_FORUM = "thematic_forum", _("Thematic forum")
    SLT = "slt", _("SLT")


class Mode(models.TextChoices):
    JOINT = "joint", _("One joint answer")
    INDIVIDUAL = "individual", _("Each member answers, the forum writes a summary")


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("In progress")
    COMPLETED = "completed", _("Completed")


# The questions of each method, in order (§7). Codes are stable keys in `answers`.
QUESTIONS: dict[str, list[tuple[str, Any, Any]]] = {
    EvaluationMethod.GLL: [
        # pgettext: "Done" is also a task status elsewhere in the portal (Utført).
        ("done", pgettext_lazy("GLL", "Done"), _("What have we done?")),
        ("learned", pgettext_lazy("GLL", "Learned"), _("What have we learned?")),
        ("smart", pgettext_lazy("GLL", "Smart"), _("What was smart?")),
    ],
    EvaluationMethod.SIX_QUESTIONS: [
        ("status", _("1. Status"),
         _("What has the forum done and achieved?")),
        ("measures", _("2. Measures"),
         _("Which measures have been started, and who took part?")),
        ("internal", _("3. Internal conditions"),
         _("How is the climate of cooperation? What helps and what hinders it?")),
        ("external", _("4. External frame"),
         _("How does the formal frame of the cooperation work?")),
        ("lessons", _("5. Lessons"),
         _("What are the most important lessons?")),
        ("ahead", _("6. The work ahead"),
         _("Based on the answers above, how can the forum improve its work ahead?")),
    ],
}


def question_codes(method: str) -> list[str]:
    return [code for code, _label, _text in QUESTIONS[method]]


class EvaluationQuerySet(MunicipalQuerySet["Evaluation"]):
    pass


class Evaluation(models.Model):
    """One evaluation of a forum (or the agreement) for a period (§7)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="evaluations",
        verbose_name=_("municipality"),
    )
    subject_kind = models.CharField(_("what is evaluated"), max_length=20,
                                    choices=SubjectKind.choices, default=SubjectKind.AGREEMENT)
    subject_id = models.PositiveBigIntegerField(_("forum id"), null=True, blank=True)
    subject_name = models.CharField(
        _("forum"), max_length=200, blank=True,
        help_text=_("The name of the forum, kept so the evaluation reads the same later."),
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    method = models.CharField(_("method"), max_length=20, choices=EvaluationMethod.choices,
                              default=EvaluationMethod.GLL)
    mode = models.CharField(_("how to answer"), max_length=20, choices=Mode.choices,
                            default=Mode.JOINT)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    facts = models.JSONField(
        _("facts"), default=list, blank=True,
        help_text=_("What the portal knew about the period when the evaluation was completed."),
    )
    status = models.CharField(_("status"), max_length=20, choices=EvaluationStatus.choices,
                              default=EvaluationStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # When the municipality's next "evaluation due" reminder falls due, kept on its latest
    # completed evaluation only (None on the others): set by reminders.arm when an
    # evaluation is completed or the agreement's interval changes, claimed by the scan
    # with a conditional UPDATE, so a scan reads only what is due (issue #12).
    next_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        indexes = [models.Index(fields=["municipality", "status", "period_end"]),
                   models.Index(fields=["next_reminder_at"], name="evaluation_next_reminder",
                                condition=models.Q(next_reminder_at__isnull=False))]

    def __str__(self) -> str:
        start, end = (date_format(d, "SHORT_DATE_FORMAT") for d in (self.period_start, self.period_end))
        return f"{self.subject_display} {start}–{end}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A completed evaluation is the forum's record of the period (§7): it never changes,
        # in the admin or the shell either. A new period is a new evaluation.
        if self.pk and type(self).objects.filter(
                pk=self.pk, status=EvaluationStatus.COMPLETED).exists():
            raise ValidationError(_("A completed evaluation cannot be changed. "
                                    "Start a new evaluation for the next period."))
        super().save(*args, **kwargs)
        if self.status == EvaluationStatus.COMPLETED:
            # Completed now (a completed row never reaches here twice): the clock of the
            # next evaluation starts again (§7), whatever the entry point.
            from . import reminders

            reminders.arm([self.municipality_id])

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if type(self).objects.filter(pk=self.pk, status=EvaluationStatus.COMPLETED).exists():
            raise ValidationError(_("A completed evaluation cannot be deleted."))
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _(
                "The period must end after it starts. Check the two dates.")})
        if self.subject_kind != SubjectKind.AGREEMENT and not self.subject_name:
            raise ValidationError({"subject_name": _(
                "Name the forum that is evaluated, or choose the agreement as a whole.")})

    @property
    def subject_display(self) -> str:
        if self.subject_name:
            return self.subject_name
        return str(self.get_subject_kind_display())

    @property
    def is_completed(self) -> bool:
        return self.status == EvaluationStatus.COMPLETED

    def questions(self) -> list[dict[str, Any]]:
        return [{"code": code, "label": label, "text": text,
                 "answer": (self.answers or {}).get(code, "")}
                for code, label, text in QUESTIONS[self.method]]


class EvaluationResponse(models.Model):
    """One member's own answers when each member answers (the forum then summarises)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE,
                                   related_name="responses", verbose_name=_("evaluation"))
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                   related_name="+", verbose_name=_("respondent"))
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("evaluation response")
        verbose_name_plural = _("evaluation responses")
        constraints = [models.UniqueConstraint(fields=["evaluation", "respondent"],
                                               name="one_response_per_member")]

    def __str__(self) -> str:
        return f"{self.evaluation_id}: {self.respondent_id}"


class FollowUp(models.Model):
    """A lesson turned into something to do (§7: the evaluation adjusts the cooperation).

    When the council app is there the lesson becomes a council task and `task_id` points to
    it; otherwise the follow-up item itself is tracked here.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE,
                                   related_name="follow_ups", verbose_name=_("evaluation"))
    title = models.CharField(_("what to do"), max_length=300)
    responsible = models.CharField(_("responsible"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    task_id = models.PositiveBigIntegerField(_("council task"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("follow-up item")
        verbose_name_plural = _("follow-up items")

    def __str__(self) -> str:
        return self.title
