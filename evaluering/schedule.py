"""When is each municipality's next evaluation due (Veileder §7: "Det bør fremkomme i
samarbeidsavtalen hvor ofte samarbeidet skal evalueres")?

The interval comes from the agreement in force (`avtaler.selectors.agreement_terms`,
12 months when nothing is agreed); the clock starts at the end of the period of the last
completed evaluation. A municipality that has never evaluated has no due date yet: it shows
as "not evaluated yet" in the reports and gets no reminder until a first evaluation exists.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

# A real domain link (ARCHITECTURE "Dependencies point one way"): the agreement in force
# says how often the cooperation is evaluated (§7).
from avtaler.selectors import agreement_terms

from .models import Evaluation, EvaluationStatus

DEFAULT_INTERVAL_MONTHS = 12
DUE_SOON_DAYS = 30


class State:
    NOT_EVALUATED = "not_evaluated"
    OK = "ok"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Schedule:
    municipality_id: int
    interval_months: int
    last_period_end: dt.date | None
    next_due: dt.date | None
    state: str

    @property
    def days_left(self) -> int | None:
        if self.next_due is None:
            return None
        return (self.next_due - timezone.localdate()).days


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def intervals(municipality_ids: list[int]) -> dict[int, int]:
    """Evaluation interval in months per municipality, from the agreement in force."""
    terms = agreement_terms(municipality_ids)
    return {mid: (getattr(terms.get(mid), "evaluation_interval_months", None)
                  or DEFAULT_INTERVAL_MONTHS) for mid in municipality_ids}


def last_completed_q() -> Subquery:
    """The end of the last completed evaluation's period, as a subquery over Municipality
    (for a list that reads the municipalities anyway: one query instead of two)."""
    return Subquery(
        Evaluation.objects.filter(municipality=OuterRef("pk"), status=EvaluationStatus.COMPLETED)
        .order_by().values("municipality").annotate(last=Max("period_end")).values("last")[:1])


def schedules(municipality_ids: Iterable[int], today: dt.date | None = None) -> dict[int, Schedule]:
    """Schedule per municipality in a fixed number of queries (one here plus the terms)."""
    ids = list(municipality_ids)
    last = dict(
        Evaluation.objects.filter(municipality_id__in=ids, status=EvaluationStatus.COMPLETED)
        .values("municipality_id").annotate(last=Max("period_end"))
        .values_list("municipality_id", "last")
    )
    return schedules_from(ids, last, today)


def schedules_from(ids: list[int], last: dict[int, dt.date | None],
                   today: dt.date | None = None, *, evaluated_only: bool = False
                   ) -> dict[int, Schedule]:
    """Schedules from the ends of the last completed periods (`last`), plus one query for
    the terms. `evaluated_only`: no terms for municipalities never evaluated (their
    schedule has no due date either way; a caller that shows no interval skips the query
    when none is evaluated)."""
    today = today or timezone.localdate()
    months = intervals([mid for mid in ids if last.get(mid)] if evaluated_only else ids)
    out: dict[int, Schedule] = {}
    for mid in ids:
        end = last.get(mid)
        interval = months.get(mid, DEFAULT_INTERVAL_MONTHS)
        if end is None:
            out[mid] = Schedule(mid, interval, None, None, State.NOT_EVALUATED)
            continue
        due = add_months(end, interval)
        if due < today:
            state = State.OVERDUE
        elif (due - today).days <= DUE_SOON_DAYS:
            state = State.DUE_SOON
        else:
            state = State.OK
        out[mid] = Schedule(mid, interval, end, due, state)
    return out
