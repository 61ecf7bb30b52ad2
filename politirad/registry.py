"""What `politirad` registers with the core: compliance checks, reminder kinds and scans,
home-page sections, the municipality panel, navigation and the demo builder."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from avtaler.models import AgreementVersion, VersionStatus
from samarbeid import access, compliance, demo, demo_national, facts, notify, pages, policy, sections

from . import checks, reminders, selectors
from . import demo as politirad_demo

# Writes to politirad's models can change a compliance finding (the core names no feature app).
compliance.watch_app("politirad")


def _meetings(user: Any) -> list[sections.Item]:
    # Only the columns the item shows (a cold home page builds this on the first request
    # after a write, issue #12).
    url = pages.url_template("politirad:meeting_detail")
    return [
        sections.Item(title=f"{m.council.name}: {m.display_title}", url=url(m.pk),
                      when=m.starts_at, detail=m.place)
        for m in selectors.upcoming_meetings_for(user).only(
            "pk", "title", "starts_at", "place", "council__name")
    ]


def _tasks(user: Any) -> list[sections.Item]:
    today = timezone.localdate()
    url = pages.url_template("politirad:task_detail")
    rows = policy.rows("politirad.home_tasks", user, lambda: (
        selectors.my_tasks(user, related=False)
        .values_list("pk", "title", "deadline", "council__name")[:8]))
    return [
        sections.Item(title=title, url=url(pk), when=deadline, detail=council,
                      overdue=deadline < today)
        for pk, title, deadline, council in rows
    ]


def _agendas_to_send(user: Any) -> list[sections.Item]:
    """Meetings the user prepares whose agenda is due within three days and not sent."""
    from .models import Meeting

    now = timezone.now()
    soon = now + dt.timedelta(days=3)
    qs = (Meeting.objects.filter(
        council__in=selectors.councils(user, access.Level.WORK).values("pk"), cancelled=False,
        agenda_sent_at__isnull=True, starts_at__gt=now, agenda_deadline__lte=soon)
        .select_related("council").only("pk", "agenda_deadline", "council__name")
        .order_by("starts_at")[:8])
    url = pages.url_template("politirad:meeting_detail")
    return [
        sections.Item(title=_("Send the agenda: %(council)s") % {"council": m.council.name},
                      url=url(m.pk),
                      when=m.agenda_deadline, overdue=bool(m.agenda_deadline
                                                            and m.agenda_deadline < now))
        for m in qs
    ]


def _agenda_delivery() -> int:
    from . import services

    return services.scan_agenda_delivery()


def _panel(user: Any, municipality: Any) -> dict[str, Any]:
    works_here = access.can(user, access.Level.WORK, municipality)
    return {
        "councils": list(selectors.councils_for_municipality(user, municipality)[:20]),
        "can_create": access.can(user, access.Level.WORK, municipality,
                                 roles=access.PARTY_ROLES),
        "requests": list(selectors.join_requests(user).filter(municipality=municipality))
        if works_here else [],
    }


def _join_requests(user: Any) -> list[sections.Item]:
    """Requests that a municipality the user works in join a regional council (§4.4)."""
    return [
        sections.Item(title=_("Answer: may %(municipality)s join %(council)s?") % {
            "municipality": r.municipality.name, "council": r.council.name},
            url=reverse("municipality_detail", args=[r.municipality.number]) + "#join-requests",
            when=r.requested_at.date())
        for r in selectors.join_requests(user)[:8]
    ]


for check in checks.CHECKS:
    compliance.register(check)


def _council_municipalities(pk: int) -> list[int]:
    """A council's findings belong to every municipality it is linked to (§4.4 regional)."""
    from .models import CouncilMunicipality, PoliceCouncil

    ids = set(CouncilMunicipality.objects.filter(council_id=pk).values_list("municipality_id", flat=True))
    ids.update(PoliceCouncil.objects.filter(pk=pk).values_list("municipality_id", flat=True))
    return sorted(i for i in ids if i is not None)


# A write to anything of a council refreshes the findings of the council's municipalities only.
compliance.register_scope("politirad.policecouncil", _council_municipalities)

reminders.register_kinds()
notify.register_scan("politirad.meeting_soon", reminders.scan_meeting_soon)
notify.register_scan("politirad.agenda_not_sent", reminders.scan_agenda_not_sent)
notify.register_scan("politirad.minutes_not_approved", reminders.scan_minutes_not_approved)
notify.register_scan("politirad.tasks", reminders.scan_tasks)
notify.register_scan("politirad.few_meetings", reminders.scan_few_meetings)
notify.register_scan("politirad.agenda_delivery", _agenda_delivery)


def _agreement_in_force(sender: Any, instance: Any, update_fields: Any = None,
                        **kwargs: Any) -> None:
    """An agreement coming into force may raise the number of meetings a year (§4.1.2):
    the councils of its municipality are counted again at the next scan from 1 September."""
    from .models import rearm_few_meetings

    if instance.status == VersionStatus.IN_FORCE and (update_fields is None
                                                      or "status" in update_fields):
        municipality_id = instance.agreement.municipality_id
        if municipality_id:
            rearm_few_meetings(Q(municipality_id=municipality_id), timezone.localdate().year)


post_save.connect(_agreement_in_force, sender=AgreementVersion,
                  dispatch_uid="politirad_agreement_in_force")


def _seat_lines(user: Any) -> list[str]:
    from .models import CouncilMember

    lines = []
    for seat in CouncilMember.objects.active().filter(user=user).select_related("council"):
        label = (_("Chair of %(council)s") if seat.is_chair else
                 _("Secretary of %(council)s") if seat.is_secretary else
                 _("Member of %(council)s"))
        lines.append(label % {"council": seat.council.name})
    return lines


sections.register_seat_lines(_seat_lines)
sections.register("meetings", _meetings)
sections.register("tasks", _tasks)
sections.register("reminders", _agendas_to_send)
sections.register("reminders", _join_requests)
sections.register_panel(sections.Panel(key="politirad_councils", order=20,
                                       template="politirad/panel_councils.html", context=_panel))
sections.register_nav(sections.NavLink(key="politirad", label=gettext_lazy("Police councils"),
                                       url_name="politirad:council_list", order=20))
sections.register_nav(sections.NavLink(key="politirad_tasks", label=gettext_lazy("My tasks"),
                                       url_name="politirad:my_tasks", order=21))
# The personal calendar feed the settings page shows (samarbeid/views.py names no app's URL).
sections.register_calendar_feed(lambda token: reverse("politirad:calendar_feed", args=[token]))
demo.register_builder(politirad_demo.build, order=30)
# After avtaler's part (councils follow the agreements); slt and evaluering build on them.
demo_national.register("politirad", politirad_demo.build_national, order=30)


# --- Seats: a council seat gives that council (samarbeid.policy) -----------------------------


def _council_seats(user_id: int, today: dt.date) -> Any:
    from .models import CouncilMember

    return CouncilMember.objects.active(today).filter(user_id=user_id)


def _register_seats() -> None:
    from samarbeid import policy

    from .models import CouncilMember

    policy.register_seats("council", _council_seats,
                          fields=("council_id", "role", "is_chair", "is_secretary"),
                          models_to_watch=[CouncilMember])


_register_seats()

# --- Invitations to a council seat (issue 11) ---------------------------------------------------
from . import people as _people  # noqa: E402

_people.register()

# --- Facts for evaluations (§7): the council's record over the evaluated period ----------------

_COUNCIL_FACT_LABELS = (
    ("meetings", gettext_lazy("Meetings held against the target")),
    ("agendas", gettext_lazy("Agendas sent in time")),
    ("tasks", gettext_lazy("Tasks done by their deadline")),
    ("leadership", gettext_lazy("Meetings with municipal and police leadership present")),
)
_COUNCIL_FACT_SOURCE = gettext_lazy("the police council module")


def _share(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f} %"


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _council_facts(period: facts.Period) -> list[facts.Fact]:
    """Meetings held against the target (§4.1.2), agendas sent in time, tasks done by their
    deadline and leadership attendance (§4.1.1): of the evaluated forum, or (for the
    agreement as a whole) of every council and thematic forum of the municipality."""
    from .models import PoliceCouncil

    if period.scope == "slt":
        return []
    source = str(_COUNCIL_FACT_SOURCE)
    if period.scope == "council":
        ids = [period.council_id] if period.council_id else []
    else:
        ids = list(PoliceCouncil.objects.filter(municipality_id=period.municipality_id)
                   .values_list("pk", flat=True))
    if not ids:
        return [facts.Fact(k, str(label), _("No police council is registered in the portal."),
                            False, source) for k, label in _COUNCIL_FACT_LABELS]
    rows = list(selectors.council_facts(ids, period.start, period.end).values())
    held = sum(r.meetings_held for r in rows)
    target = sum(r.target for r in rows)
    values = [
        _("%(held)s of %(target)s") % {"held": held, "target": target},
        _share(_mean([r.agendas_in_time_share for r in rows])),
        _share(_mean([r.tasks_done_by_deadline_share for r in rows])),
        _share(_mean([r.leadership_attendance_share for r in rows])),
    ]
    return [facts.Fact(k, str(label), value, True, source)
            for (k, label), value in zip(_COUNCIL_FACT_LABELS, values, strict=True)]


facts.register(facts.Provider("politirad.council", _COUNCIL_FACT_SOURCE, _council_facts,
                                _COUNCIL_FACT_LABELS, order=30))
