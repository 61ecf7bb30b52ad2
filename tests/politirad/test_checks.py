"""Compliance checks: right status per municipality, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from politirad import checks, services
from politirad.models import AttendanceStatus, Minutes
from samarbeid import compliance
from samarbeid.compliance import Status
from samarbeid.models import Municipality, Participation

from . import helpers


def _evaluate(*municipalities: Any) -> dict[int, dict[str, Any]]:
    qs = Municipality.objects.filter(pk__in=[m.pk for m in municipalities])
    return compliance.evaluate(qs, codes=[c.code for c in checks.CHECKS])


def test_statuses(world: Any) -> None:
    meeting = helpers.make_minutes(world, exempt=False)  # 20 days ago, agenda never sent
    task = helpers.first_task(meeting)
    task.deadline = timezone.localdate() - dt.timedelta(days=1)
    task.save()
    Municipality.objects.filter(pk=world.bergen.pk).update(participation=Participation.DECLINED)
    result = _evaluate(world.stavanger, world.sandnes, world.bergen)
    stavanger = result[world.stavanger.pk]
    assert stavanger["politirad_meetings"].status == Status.WARN  # 1 of 2
    assert "1" in stavanger["politirad_meetings"].detail
    assert stavanger["politirad_agenda_in_time"].status == Status.WARN
    assert stavanger["politirad_minutes"].status == Status.WARN
    assert stavanger["politirad_overdue_tasks"].status == Status.WARN
    assert result[world.sandnes.pk]["politirad_meetings"].status == Status.NOT_APPLICABLE
    assert result[world.bergen.pk]["politirad_meetings"].status == Status.DECLINED


def test_a_council_that_follows_the_recipe_is_ok(world: Any) -> None:
    council = helpers.make_council(world)
    for days in (-100, -30):
        meeting = helpers.make_meeting(world, council, days=days)
        meeting.agenda_sent_at = meeting.agenda_deadline
        meeting.save()
        item = helpers.first_item(meeting)
        # Approval needs the attendance recorded (the minutes say who was present).
        services.attendance_record(meeting=meeting, actor=world.police, statuses={
            m.pk: AttendanceStatus.PRESENT for m in council.members.all()})
        services.minutes_entry_save(meeting=meeting, agenda_item=item, actor=world.police,
                                    notes="ok", decisions=[])
        services.minutes_approve(minutes=Minutes.objects.get(meeting=meeting), actor=world.leader)
    row = _evaluate(world.stavanger)[world.stavanger.pk]
    assert {k: v.status for k, v in row.items()} == {
        "politirad_meetings": Status.OK, "politirad_agenda_in_time": Status.OK,
        "politirad_minutes": Status.OK, "politirad_overdue_tasks": Status.OK}


def test_checks_use_a_fixed_number_of_queries(world: Any) -> None:
    helpers.make_minutes(world, exempt=False)
    few = Municipality.objects.filter(pk__in=[world.stavanger.pk, world.sandnes.pk])
    many = Municipality.objects.all()[:200]
    many = Municipality.objects.filter(pk__in=[m.pk for m in many] + [world.stavanger.pk])
    counts = []
    for qs in (few, many):
        with CaptureQueriesContext(connection) as ctx:
            compliance.evaluate(qs, codes=[c.code for c in checks.CHECKS])
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
