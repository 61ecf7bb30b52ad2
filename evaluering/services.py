"""Writes of evaluations (Veileder §7). Keyword-only, atomic, full_clean before save."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

# A real domain link, not a report across apps (ARCHITECTURE "Dependencies point one way"):
# the evaluated forum is a police council, and a lesson from its evaluation becomes a task
# of that council (§7 → §4.1.2). So evaluering calls the council app's own service for it
# rather than a core registry hook, which would hide a link that is part of the domain.
from politirad.models import PoliceCouncil
from politirad.selectors import may
from politirad.services import council_task_create
from samarbeid import audit, policy
from samarbeid.models import AuditAction, Municipality

from . import selectors
from .models import (
    Evaluation,
    EvaluationResponse,
    EvaluationStatus,
    FollowUp,
    Mode,
    SubjectKind,
    question_codes,
)

if TYPE_CHECKING:
    from django.http import HttpRequest


def _audit_label(evaluation: Evaluation) -> str:
    """What the audit trail says about an evaluation: the kind of forum, the method and
    the period, never typed text (names of forums, answers, summaries may name people,
    and the history is shown to every reader of the evaluation)."""
    return (f"{evaluation.get_subject_kind_display()}, {evaluation.get_method_display()}, "
            f"{evaluation.period_start:%d.%m.%Y}–{evaluation.period_end:%d.%m.%Y}")


def _clean_answers(method: str, answers: dict[str, Any]) -> dict[str, str]:
    return {code: str(answers.get(code, "") or "").strip() for code in question_codes(method)}


@transaction.atomic
def evaluation_create(*, municipality: Municipality, actor: Any, period_start: dt.date,
                      period_end: dt.date, method: str, mode: str,
                      subject_kind: str = SubjectKind.AGREEMENT, subject_id: int | None = None,
                      subject_name: str = "", request: HttpRequest | None = None
                      ) -> Evaluation:
    """Start an evaluation of a forum (or the agreement as a whole) for a period."""
    if subject_kind == SubjectKind.AGREEMENT:
        subject_id, subject_name = None, ""
    evaluation = Evaluation(
        municipality=municipality, subject_kind=subject_kind, subject_id=subject_id,
        subject_name=subject_name, period_start=period_start, period_end=period_end,
        method=method, mode=mode, created_by=actor,
    )
    evaluation.full_clean()
    evaluation.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=evaluation,
                 summary=_audit_label(evaluation), request=request)
    return evaluation


@transaction.atomic
def evaluation_save_answers(*, evaluation: Evaluation, actor: Any, answers: dict[str, Any],
                            summary: str | None = None,
                            request: HttpRequest | None = None) -> Evaluation:
    """Save the joint answers (and the summary) of an evaluation in progress."""
    evaluation.answers = _clean_answers(evaluation.method, answers)
    fields = ["answers"]
    if summary is not None:
        evaluation.summary = summary.strip()
        fields.append("summary")
    evaluation.full_clean()
    evaluation.save(update_fields=fields)  # the model refuses a completed evaluation
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=evaluation,
                 summary=_("Answers and summary saved") if summary is not None
                 else _("Answers saved"), request=request)
    return evaluation


@transaction.atomic
def response_submit(*, evaluation: Evaluation, respondent: Any, answers: dict[str, Any],
                    request: HttpRequest | None = None) -> EvaluationResponse:
    """A member's own answers; submitting again replaces them until the forum completes."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.is_completed:
        raise ValidationError(_("The evaluation is completed, so answers can no longer be "
                                "given. Ask the forum to start a new evaluation."))
    if evaluation.mode != Mode.INDIVIDUAL:
        raise ValidationError(_("This evaluation has one joint answer; members do not answer "
                                "one by one."))
    response, created = EvaluationResponse.objects.update_or_create(
        evaluation=evaluation, respondent=respondent,
        defaults={"answers": _clean_answers(evaluation.method, answers),
                  "submitted_at": timezone.now()},
    )
    # Recorded on the evaluation, whose page shows its history to those who may read it;
    # the summary names the response, never its text.
    audit.record(actor=respondent, action=AuditAction.CREATE if created else AuditAction.CHANGE,
                 obj=evaluation,
                 summary=(_("Member's answers given (response %(id)s)") if created
                          else _("Member's answers changed (response %(id)s)"))
                 % {"id": response.pk}, request=request)
    return response


@transaction.atomic
def evaluation_complete(*, evaluation: Evaluation, actor: Any,
                        request: HttpRequest | None = None) -> Evaluation:
    """Close the evaluation: the facts of the period are kept with it and it never changes.

    Joint answers must answer every question; when members answer one by one, the forum's
    summary is what the evaluation concludes (§7: the forum evaluates its own work)."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.is_completed:
        raise ValidationError(_("The evaluation is already completed."))
    missing = [str(q["label"]) for q in evaluation.questions() if not q["answer"]]
    if evaluation.mode == Mode.JOINT and missing:
        raise ValidationError(_("Answer every question before completing. Missing: %(list)s.")
                              % {"list": ", ".join(missing)})
    if evaluation.mode == Mode.INDIVIDUAL:
        if not evaluation.responses.exists():
            raise ValidationError(_("No member has answered yet. Ask the members to answer, "
                                    "then write the forum's summary."))
        if not evaluation.summary:
            raise ValidationError(_("Write the forum's summary of the members' answers "
                                    "before completing."))
    evaluation.facts = selectors.period_facts(evaluation)
    evaluation.status = EvaluationStatus.COMPLETED
    evaluation.completed_at = timezone.now()
    evaluation.completed_by = actor
    evaluation.full_clean()
    evaluation.save(update_fields=["facts", "status", "completed_at", "completed_by"])
    audit.record(actor=actor, action=AuditAction.APPROVE, obj=evaluation,
                 summary=_("Evaluation completed"), request=request)
    return evaluation


def _council_task_create(*, evaluation: Evaluation, title: str, responsible: str,
                         deadline: dt.date | None, actor: Any) -> int | None:
    """Turn a lesson into a task of the evaluated council (§4.1.2: task, responsible,
    deadline). The person who turns the lesson into a task is responsible until the council
    reassigns it; the named responsible is kept in the description.

    Only someone the council's policy lets change the council (its chair and secretary, the
    parties of the cooperation) adds a task to it; anyone else's lesson stays a follow-up item
    of the evaluation. Without an actor (demo, shell) the task is added."""
    if (evaluation.subject_kind not in (SubjectKind.POLICE_COUNCIL, SubjectKind.THEMATIC_FORUM)
            or not evaluation.subject_id or deadline is None):
        return None
    council = PoliceCouncil.objects.filter(pk=evaluation.subject_id).first()
    if council is None:
        return None
    if actor is not None and not may(actor, policy.CHANGE, council):
        return None
    description = _("From the evaluation %(evaluation)s.") % {"evaluation": evaluation}
    if responsible:
        description += " " + _("Responsible: %(name)s.") % {"name": responsible}
    # The council app creates its own tasks (validation, audit, the assignee's notice).
    task = council_task_create(council=council, actor=actor, title=title, deadline=deadline,
                               description=description, responsible_user=actor)
    return task.pk


@transaction.atomic
def follow_up_create(*, evaluation: Evaluation, actor: Any, title: str, responsible: str = "",
                     deadline: dt.date | None = None,
                     request: HttpRequest | None = None) -> FollowUp:
    """A lesson turned into something to do (§7: the evaluation adjusts the cooperation).

    Allowed on completed evaluations too: the follow-up is a new row, not a change to the
    evaluation."""
    item = FollowUp(evaluation=evaluation, title=title.strip(), responsible=responsible.strip(),
                    deadline=deadline, created_by=actor)
    item.full_clean()
    item.task_id = _council_task_create(evaluation=evaluation, title=item.title,
                                        responsible=item.responsible, deadline=deadline,
                                        actor=actor)
    item.save()
    # On the evaluation, so its page shows the follow-up in its history; the title is typed
    # text that may name people, so the summary names the item by its number only.
    audit.record(actor=actor, action=AuditAction.CREATE, obj=evaluation,
                 summary=_("Follow-up item %(id)s added") % {"id": item.pk}, request=request)
    return item


@transaction.atomic
def evaluation_delete(*, evaluation: Evaluation, actor: Any,
                      request: HttpRequest | None = None) -> None:
    """Delete an evaluation in progress (the model refuses a completed one, §7)."""
    pk = evaluation.pk
    label = _audit_label(evaluation)
    evaluation.delete()
    evaluation.pk = pk  # the audit trail keeps the id of what was deleted
    audit.record(actor=actor, action=AuditAction.DELETE, obj=evaluation, summary=label,
                 request=request)
