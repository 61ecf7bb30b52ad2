"""What `slt` registers with the core: compliance checks, home sections, a municipality
panel, the nav link, reminder kinds and scan, and the demo builder (Veileder §6)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samarbeid import access, compliance, demo, demo_national, facts, notify, pages, sections

from . import checks, reminders, selectors
from .demo import build_demo, build_national
from .models import OPEN_STATUSES, SltMeasure, SltModel

# Writes to slt's models can change a compliance finding (the core names no feature app).
compliance.watch_app("slt")

compliance.register(compliance.Check(
    code="slt_status", label=_("SLT"),
    rule=_("SLT is voluntary; record whether it is established, not established or another "
           "model (§6)."),
    section="§6", app="slt", evaluate=checks.evaluate_status, order=60,
))
compliance.register(compliance.Check(
    code="slt_coordinator", label=_("SLT coordinator"),
    rule=_("Where SLT is established, a coordinator binds the three levels together (§6)."),
    section="§6", app="slt", evaluate=checks.evaluate_coordinator, order=61,
))
compliance.register(compliance.Check(
    code="slt_steering_meeting", label=_("SLT steering level met this year"),
    rule=_("The steering level of SLT should meet at least once a year (§6)."),
    section="§6", app="slt", evaluate=checks.evaluate_steering_meeting, order=62,
))

notify.register_kind(reminders.KIND_DUE, _("SLT measure deadline in 7 days"), optional=True)
notify.register_kind(reminders.KIND_OVERDUE, _("SLT measure overdue"), optional=False)
notify.register_scan("slt_measure_deadlines", reminders.scan_measure_deadlines)


def _home_measures(user: Any) -> dict[str, list[sections.Item]]:
    """The home page's SLT items in one query: open measures the user is responsible for
    (tasks; overdue first) and overdue measures of the SLT models the user coordinates,
    held by others (reminders); eight of each (a window numbers the rows of each kind)."""
    if not user.is_authenticated:
        return {}
    principal = access.principal(user)
    today = timezone.localdate()

    def scope(level: access.Level) -> Q:
        if principal.national_admin:
            return Q()
        return access.municipality_q(principal, level, prefix=selectors.MEASURE_PATH)

    mine = Q(responsible=user, status__in=OPEN_STATUSES) & scope(access.Level.VIEW)
    coordinated = (Q(slt_model__coordinator=user, status__in=OPEN_STATUSES, ends_on__lt=today)
                   & ~Q(responsible=user) & scope(access.Level.WORK))
    rows = list(
        selectors.with_overdue_flag(SltMeasure.objects.filter(mine | coordinated), today)
        .annotate(own=Case(When(responsible=user, then=Value(1)), default=Value(0),
                           output_field=IntegerField()))
        .annotate(rank=Window(RowNumber(), partition_by=[F("own")],
                              order_by=[F("overdue").desc(), F("ends_on").asc(), F("pk").asc()]))
        .filter(rank__lte=8).select_related("slt_model__municipality"))
    rows.sort(key=lambda m: (-m.overdue, m.ends_on, m.pk))  # type: ignore[attr-defined]
    url = pages.url_template("slt:measure_detail")
    return {
        "tasks": [sections.Item(title=str(_("SLT measure: %(title)s") % {"title": m.title}),
                                url=url(m.pk), when=m.ends_on,
                                detail=m.slt_model.municipality.name, overdue=m.is_overdue)
                  for m in rows if m.own],  # type: ignore[attr-defined]
        "reminders": [sections.Item(
            title=str(_("Overdue SLT measure: %(title)s") % {"title": m.title}),
            url=url(m.pk), when=m.ends_on, detail=m.slt_model.municipality.name, overdue=True)
            for m in rows if not m.own],  # type: ignore[attr-defined]
    }


sections.register_group(("tasks", "reminders"), _home_measures)


def _panel(user: Any, municipality: Any) -> dict[str, Any] | None:
    today = timezone.localdate()
    model = (SltModel.objects.filter(municipality=municipality).select_related("coordinator")
             .annotate(open_count=Count("measures", filter=Q(measures__status__in=OPEN_STATUSES)),
                       overdue_count=Count("measures", filter=Q(
                           measures__status__in=OPEN_STATUSES, measures__ends_on__lt=today)))
             .first())
    hosts = list(selectors.host_models(municipality=municipality)) if model is None else []
    overdue = model.overdue_count if model is not None else 0  # type: ignore[attr-defined]
    return {"slt_model": model, "hosts": hosts, "overdue": overdue,
            "can_work": access.can(user, access.Level.WORK, municipality)}


sections.register_panel(sections.Panel(key="slt", order=60, template="slt/panel.html",
                                       context=_panel))
sections.register_nav(sections.NavLink(key="slt", label=_("SLT"), url_name="slt:dashboard",
                                       order=60, visible=selectors.coordinates_or_sees_slt))
demo.register_builder(build_demo, order=60)
# After politirad's part: SLT comes in some municipalities with a council.
demo_national.register("slt", build_national, order=40)


# --- Facts for evaluations (§7): SLT measures started in the evaluated period -------------
_SLT_FACT_LABEL = _("SLT measures started in the period")


def _slt_facts(period: facts.Period) -> list[facts.Fact]:
    from .models import SltMeasure

    started = SltMeasure.objects.filter(slt_model__municipality_id=period.municipality_id,
                                     starts_on__range=(period.start, period.end)).count()
    return [facts.Fact("measures", str(_SLT_FACT_LABEL), str(started), True,
                       str(_("the SLT module")))]


facts.register(facts.Provider("slt.measures", _("the SLT module"), _slt_facts,
                              (("measures", _SLT_FACT_LABEL),), order=60))
