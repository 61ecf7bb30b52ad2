"""SLT compliance checks (Veileder §6), each evaluated for a whole set of municipalities in a
fixed number of queries.

SLT is voluntary: "not established" is DECLINED and "other model" NOT_APPLICABLE, never a
fault. Only where SLT is established do the coordinator and steering-meeting rules apply.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samarbeid.compliance import Finding, Status
from samarbeid.models import Municipality

from .models import SltModel, SltStatus


def _url(number: str) -> str:
    return reverse("slt:overview", args=[number])


def _models(municipalities: QuerySet[Municipality]) -> dict[int, SltModel]:
    rows = SltModel.objects.filter(municipality__in=municipalities.values("pk")).select_related(
        "municipality")
    return {m.municipality_id: m for m in rows}


def evaluate_status(municipalities: QuerySet[Municipality]) -> dict[int, Finding]:
    """Whether SLT is established (2 queries)."""
    own = _models(municipalities)
    shared = {
        row.municipality_id: row.sltmodel
        for row in SltModel.other_municipalities.through.objects.filter(
            municipality__in=municipalities.values("pk"),
            sltmodel__status=SltStatus.ESTABLISHED,
        ).select_related("sltmodel__municipality")
    }
    result: dict[int, Finding] = {}
    for mid, model in own.items():
        url = _url(model.municipality.number)
        if model.status == SltStatus.ESTABLISHED:
            result[mid] = Finding(Status.OK, _("SLT is established."), url)
        elif model.status == SltStatus.OTHER_MODEL:
            result[mid] = Finding(Status.NOT_APPLICABLE,
                                  _("Another model is used (SLT is voluntary)."), url)
        elif mid not in shared:
            result[mid] = Finding(Status.DECLINED,
                                  _("SLT is not established (SLT is voluntary)."), url)
    for mid, host in shared.items():
        if mid not in result or result[mid].status != Status.OK:
            result[mid] = Finding(
                Status.OK,
                _("Shares the SLT model of %(name)s.") % {"name": host.municipality},
                _url(host.municipality.number),
            )
    return result


def evaluate_coordinator(municipalities: QuerySet[Municipality]) -> dict[int, Finding]:
    """SLT established without a coordinator binding the levels together (§6): FAIL."""
    result: dict[int, Finding] = {}
    for mid, model in _models(municipalities).items():
        if model.status != SltStatus.ESTABLISHED:
            continue
        url = _url(model.municipality.number)
        if model.coordinator_id:
            result[mid] = Finding(Status.OK, model.coordinator_title, url)
        else:
            result[mid] = Finding(
                Status.FAIL, _("SLT is established but has no coordinator. Record one."), url)
    return result


def evaluate_steering_meeting(municipalities: QuerySet[Municipality]) -> dict[int, Finding]:
    """The steering level should meet at least once this year: WARN when it has not (1 query).

    The last meeting is `selectors.steering_last_meeting`, the date the SLT page shows: the
    level's own meetings and, when the police council is the steering level, the council's."""
    from .selectors import steering_last_meeting, with_steering_meetings

    year_start = timezone.localdate().replace(month=1, day=1)
    rows = with_steering_meetings(
        SltModel.objects.filter(municipality__in=municipalities.values("pk"),
                                status=SltStatus.ESTABLISHED)
        .select_related("municipality")
    )
    result: dict[int, Finding] = {}
    for model in rows:
        url = _url(model.municipality.number)
        last = steering_last_meeting(model)
        if last is not None and last >= year_start:
            result[model.municipality_id] = Finding(
                Status.OK, _("Last meeting %(date)s.") % {"date": last.strftime("%d.%m.%Y")}, url)
        else:
            result[model.municipality_id] = Finding(
                Status.WARN, _("The steering level has not met this year. Record its meetings."),
                url)
    return result
