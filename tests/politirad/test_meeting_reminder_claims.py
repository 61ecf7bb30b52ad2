"""Meeting and council reminders read only what is due (issue #12): each meeting stores when
its "meeting soon", "agenda not sent" and "minutes not approved" reminders fall due, each
council when its "too few meetings" check does; a scan reads those whose time has come and
claims each with a conditional UPDATE before it sends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from politirad import reminders, services
from politirad.models import Meeting, Minutes, PoliceCouncil
from samarbeid import notify

from . import helpers

MEETING_SCANS: list[Callable[[], int]] = [reminders.scan_meeting_soon,
                                          reminders.scan_agenda_not_sent,
                                          reminders.scan_minutes_not_approved]


def _meetings(council: PoliceCouncil, n: int, *, days: float) -> None:
    """Meetings whose reminders are all ahead: the agenda deadline (7 days before) too."""
    for i in range(n):
        starts = timezone.now() + dt.timedelta(days=days, hours=i)
        Meeting.objects.create(council=council, starts_at=starts, place="Her",
                               agenda_deadline=starts - dt.timedelta(days=7))


def _queries(scan: Callable[[], int]) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        sent = scan()
    return sent, len(ctx.captured_queries)


def test_meeting_scans_cost_one_query_for_1_and_for_50_meetings_not_due(world: Any) -> None:
    council = helpers.make_council(world)
    _meetings(council, 1, days=30)
    one = [_queries(scan) for scan in MEETING_SCANS]
    _meetings(council, 49, days=30)
    fifty = [_queries(scan) for scan in MEETING_SCANS]
    assert one == fifty == [(0, 1)] * 3  # one indexed read of what is due, nothing sent


def test_a_moved_meeting_is_read_again_only_at_its_new_time_and_reminded_again(
        world: Any) -> None:
    meeting = helpers.make_meeting(world, days=1.5)
    assert reminders.scan_meeting_soon() == 4
    assert reminders.scan_meeting_soon() == 0
    meeting.refresh_from_db()
    assert meeting.soon_reminder_at is None  # sent: out of the scan
    later = meeting.starts_at + dt.timedelta(days=10)
    services.meeting_update(meeting=meeting, actor=world.police, starts_at=later,
                            ends_at=None, place=meeting.place, video_url="", title="")
    assert _queries(reminders.scan_meeting_soon) == (0, 1)  # re-armed, not due yet
    assert reminders.scan_meeting_soon(later - dt.timedelta(days=1)) == 4  # the new date's
    assert reminders.scan_meeting_soon(later - dt.timedelta(hours=12)) == 0
    assert len(mail.outbox) == 8


def test_sending_the_agenda_or_cancelling_the_meeting_disarms_its_reminders(
        world: Any) -> None:
    meeting = helpers.make_meeting(world, days=3)
    helpers.send_agenda(meeting, world.police)
    meeting.refresh_from_db()
    assert meeting.agenda_reminder_at is None
    assert reminders.scan_agenda_not_sent() == 0
    cancelled = helpers.make_meeting(world, meeting.council, days=4)
    services.meeting_update(meeting=cancelled, actor=world.police, starts_at=cancelled.starts_at,
                            ends_at=None, place="Her", video_url="", title="", cancelled=True)
    cancelled.refresh_from_db()
    assert (cancelled.soon_reminder_at, cancelled.agenda_reminder_at,
            cancelled.minutes_reminder_at) == (None, None, None)


def test_approving_the_minutes_disarms_their_reminder(world: Any) -> None:
    meeting = helpers.make_minutes(world, exempt=False)  # 20 days ago, draft
    assert meeting.minutes_reminder_at is not None
    services.minutes_approve(minutes=Minutes.objects.get(meeting=meeting), actor=world.leader)
    meeting.refresh_from_db()
    assert meeting.minutes_reminder_at is None
    assert _queries(reminders.scan_minutes_not_approved) == (0, 1)


def test_few_meetings_reads_only_the_councils_due_and_a_new_meeting_rearms(world: Any) -> None:
    council = helpers.make_council(world)
    year = timezone.localdate().year
    assert reminders.scan_few_meetings(dt.date(year, 9, 1)) == 2
    one = _queries(lambda: reminders.scan_few_meetings(dt.date(year, 9, 2)))
    for i in range(49):
        services.council_create(actor=world.police, name=f"Forum {i}", kind="local",
                                municipality=world.stavanger)
    PoliceCouncil.objects.exclude(pk=council.pk).update(
        few_meetings_reminder_at=timezone.make_aware(dt.datetime(year + 1, 9, 1)))
    fifty = _queries(lambda: reminders.scan_few_meetings(dt.date(year, 9, 2)))
    assert one == fifty == (0, 1)
    # A meeting of the year written in the autumn: the council is counted again (and the
    # ledger keeps the year's e-mail to one), then claimed to next year.
    tz = timezone.get_current_timezone()
    Meeting.objects.create(council=council, starts_at=dt.datetime(year, 3, 1, 9, tzinfo=tz))
    assert PoliceCouncil.objects.get(pk=council.pk).few_meetings_reminder_at == \
        timezone.make_aware(dt.datetime(year, 9, 1))
    assert reminders.scan_few_meetings(dt.date(year, 10, 1)) == 0
    assert PoliceCouncil.objects.get(pk=council.pk).few_meetings_reminder_at == \
        timezone.make_aware(dt.datetime(year + 1, 9, 1))


def test_a_scan_run_reads_no_ledger_rows_when_nothing_is_due(world: Any) -> None:
    helpers.make_meeting(world, days=1)
    notify.run_all_scans()  # sends, and fills the ledger
    with CaptureQueriesContext(connection) as ctx:
        notify.run_all_scans()
    assert not [q for q in ctx.captured_queries if "sentreminder" in q["sql"]]
