"""Evaluation reminders read only what is due (issue #12): the latest completed evaluation
of a municipality stores when its next reminder falls due; a scan reads those whose time has
come and claims each with a conditional UPDATE before it sends."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evaluering import reminders
from evaluering.models import Evaluation, EvaluationStatus
from samarbeid.models import Municipality

pytestmark = pytest.mark.django_db


def _completed(municipality: Municipality, end: dt.date) -> Evaluation:
    return Evaluation.objects.create(municipality=municipality, period_start=end - dt.timedelta(
        days=364), period_end=end, status=EvaluationStatus.COMPLETED)


def _queries(today: dt.date) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        sent = reminders.scan(today=today)
    return sent, len(ctx.captured_queries)


def test_a_scan_costs_one_query_for_1_and_for_50_municipalities_not_due(world: Any) -> None:
    today = timezone.localdate()
    _completed(world.stavanger, today - dt.timedelta(days=30))  # due in 11 months
    one = _queries(today)
    for i in range(49):
        municipality = Municipality.objects.create(
            number=f"9{i:03d}", name=f"Kommune {i}", county=world.stavanger.county,
            police_district=world.stavanger.police_district)
        _completed(municipality, today - dt.timedelta(days=30))
    fifty = _queries(today)
    assert one == fifty == (0, 1)


def test_only_the_latest_completed_evaluation_is_armed_and_a_new_one_moves_the_clock(
        world: Any) -> None:
    first = _completed(world.stavanger, dt.date(2025, 6, 30))  # due 2026-06-30
    first.refresh_from_db()
    assert timezone.localtime(first.next_reminder_at).date() == dt.date(2026, 5, 31)
    second = _completed(world.stavanger, dt.date(2026, 3, 31))  # due 2027-03-31
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.next_reminder_at is None
    assert timezone.localtime(second.next_reminder_at).date() == dt.date(2027, 3, 1)
    assert reminders.scan(today=dt.date(2026, 6, 10)) == 0  # the old due date: nothing
    assert reminders.scan(today=dt.date(2027, 3, 10)) == 2  # mayor and police contact
