"""What `evaluering` registers with the core: the compliance check "evaluation done in its
period", the nav links, the municipality panel, the reminder scan and the demo content."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from samarbeid import access, compliance, demo, notify, sections

from . import reminders

# Writes to evaluering's models can change a compliance finding (the core names no feature app).
compliance.watch_app("evaluering")


def _evaluate(municipalities: Any) -> Any:
    from .selectors import evaluation_findings

    return evaluation_findings(municipalities)


compliance.register(compliance.Check(
    code="evaluation_done", label=_("Evaluation done in its period"),
    rule=_("The cooperation is evaluated as often as the agreement says (12 months if it "
           "says nothing)."),
    section="§7", app="evaluering", evaluate=_evaluate, order=800,
))


def reads_reports(user: Any) -> bool:
    """Administrators and police leadership run reports across municipalities."""
    r = access.roles(user)
    return r.national_admin or bool(r.admin_districts) or bool(r.leadership_units)


sections.register_nav(sections.NavLink("evaluering-reports", _("Reports"),
                                       "evaluering:report_national", order=800,
                                       visible=reads_reports))
sections.register_nav(sections.NavLink("evaluering-evaluations", _("Evaluations"),
                                       "evaluering:index", order=800,
                                       visible=lambda user: not reads_reports(user)))


def _panel(user: Any, municipality: Any) -> dict[str, Any] | None:
    from . import selectors

    return {
        "latest": selectors.latest_completed(municipality),
        "plan": selectors.schedule_for(municipality),
        "can_work": access.can(user, access.Level.WORK, municipality),
    }


def _reminders(user: Any) -> list[sections.Item]:
    """Home page: evaluations due within 30 days or overdue in the user's municipalities.
    Administrators follow this in the reports instead of a list of hundreds."""
    from . import selectors

    if reads_reports(user):
        return []
    return selectors.due_items(user)


sections.register("reminders", _reminders)
sections.register_panel(sections.Panel("evaluering", 800, "evaluering/panel.html", _panel))

notify.register_kind(reminders.KIND_DUE, _("Evaluation due soon"), optional=True)
notify.register_kind(reminders.KIND_OVERDUE, _("Evaluation overdue"), optional=False)
notify.register_scan("evaluering.evaluation_due", reminders.scan)


def _demo(d: Any) -> None:
    from .demo import build

    build(d)


demo.register_builder(_demo, order=800)
