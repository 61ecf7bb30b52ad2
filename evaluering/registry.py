"""What `evaluering` registers with the core: the compliance check "evaluation done in its
period", the nav link, the municipality panel, the reminder scan and the demo content."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

from avtaler.models import AgreementVersion, VersionStatus
from samarbeid import access, compliance, demo, demo_national, notify, sections

from . import demo as evaluering_demo
from . import reminders, schedule, selectors

# Writes to evaluering's models can change a compliance finding (the core names no feature app).
compliance.watch_app("evaluering")


def _evaluate(municipalities: Any) -> Any:
    return selectors.evaluation_findings(municipalities)


compliance.register(compliance.Check(
    code="evaluation_done", label=_("Evaluation done in its period"),
    rule=_("The cooperation is evaluated as often as the agreement says (12 months if it "
           "says nothing)."),
    section="§7", app="evaluering", evaluate=_evaluate, order=800,
))


sections.register_nav(sections.NavLink("evaluering-evaluations", _("Evaluations"),
                                       "evaluering:index", order=800,
                                       visible=lambda user: not selectors.follows_in_reports(user)))


def _panel(user: Any, municipality: Any) -> dict[str, Any] | None:
    latest = selectors.latest_completed(municipality)
    # The latest completed evaluation ends the last period: no second query for it, and
    # none for the terms when nothing is evaluated (the panel shows no interval).
    plan = schedule.schedules_from([municipality.pk], {
        municipality.pk: latest.period_end if latest is not None else None},
        evaluated_only=True)[municipality.pk]
    return {
        "latest": latest,
        "plan": plan,
        "can_work": access.can(user, access.Level.WORK, municipality),
    }


def _reminders(user: Any) -> list[sections.Item]:
    """Home page: evaluations due within 30 days or overdue in the user's municipalities.
    Administrators follow this in the reports instead of a list of hundreds."""
    if selectors.follows_in_reports(user):
        return []
    return selectors.due_items(user)


sections.register("reminders", _reminders)
sections.register_panel(sections.Panel("evaluering", 800, "evaluering/panel.html", _panel))

notify.register_kind(reminders.KIND_DUE, _("Evaluation due soon"), optional=True)
notify.register_kind(reminders.KIND_OVERDUE, _("Evaluation overdue"), optional=False)
notify.register_scan("evaluering.evaluation_due", reminders.scan)


def _agreement_in_force(sender: Any, instance: Any, update_fields: Any = None,
                        **kwargs: Any) -> None:
    """An agreement coming into force may change the interval (§7): re-arm the reminder
    of its municipality, which the scan would otherwise read only at the old date."""
    if instance.status == VersionStatus.IN_FORCE and (update_fields is None
                                                      or "status" in update_fields):
        municipality_id = instance.agreement.municipality_id
        if municipality_id:
            reminders.arm([municipality_id])


post_save.connect(_agreement_in_force, sender=AgreementVersion,
                  dispatch_uid="evaluering_agreement_in_force")


demo.register_builder(evaluering_demo.build, order=800)
# Last: evaluates the councils politirad's part made, after slt drew its share.
demo_national.register("evaluering", evaluering_demo.build_national, order=50)
