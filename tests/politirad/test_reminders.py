"""Reminders are sent exactly once: a second scan, and a retry after an SMTP error, never
send twice (ledger in samarbeid.notify)."""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any
from unittest import mock

from django.core import mail
from django.utils import timezone

from politirad import reminders, services
from politirad.models import Meeting, TaskStatus
from samarbeid import notify
from samarbeid.models import SentReminder

from . import helpers


def _to() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox)


def test_meeting_in_two_days_reaches_every_member_once(world: Any) -> None:
    helpers.make_meeting(world, days=1.5)
    # Four members with an e-mail: alice, paul, the external member and bob (a seat only).
    assert reminders.scan_meeting_soon() == 4
    assert reminders.scan_meeting_soon() == 0
    assert _to() == ["alice@example.no", "bob@example.no", "ekstern@example.no",
                     "paul@example.no"]


def test_optional_reminders_can_be_muted(world: Any) -> None:
    world.leader.profile.muted_reminders = [reminders.KIND_MEETING_SOON]
    world.leader.profile.save()
    helpers.make_meeting(world, days=1)
    reminders.scan_meeting_soon()
    assert "alice@example.no" not in _to()


def test_essential_reminders_cannot_be_muted(world: Any) -> None:
    world.police.profile.muted_reminders = [reminders.KIND_AGENDA_NOT_SENT]
    world.police.profile.save()
    helpers.make_meeting(world, days=3)
    assert reminders.scan_agenda_not_sent() == 1
    assert _to() == ["paul@example.no"]


def test_agenda_not_sent_goes_to_secretary_and_police_contact_once(world: Any) -> None:
    meeting = helpers.make_meeting(world, days=3)  # lead time (7 days) has started
    helpers.make_meeting(world, meeting.council, days=20)  # lead time not started
    assert reminders.scan_agenda_not_sent() == 1
    assert reminders.scan_agenda_not_sent() == 0
    assert _to() == ["paul@example.no"]
    helpers.send_agenda(meeting, world.police)
    mail.outbox.clear()
    assert reminders.scan_agenda_not_sent() == 0


def test_smtp_failure_then_retry_sends_exactly_once(world: Any) -> None:
    helpers.make_meeting(world, days=3)
    with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages",
                    side_effect=smtplib.SMTPServerDisconnected("down")):
        assert reminders.scan_agenda_not_sent() == 0
    row = SentReminder.objects.get()
    assert row.status == SentReminder.Status.FAILED
    assert reminders.scan_agenda_not_sent() == 1
    assert reminders.scan_agenda_not_sent() == 0
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == SentReminder.Status.SENT and row.attempts == 2


def test_minutes_not_approved_after_14_days_reminds_the_chair(world: Any) -> None:
    meeting = helpers.make_minutes(world, exempt=False)  # 20 days ago, draft
    assert reminders.scan_minutes_not_approved() == 1
    assert reminders.scan_minutes_not_approved() == 0
    assert _to() == ["alice@example.no"]
    recent = helpers.make_meeting(world, meeting.council, days=-5)
    assert recent.pk
    mail.outbox.clear()
    assert reminders.scan_minutes_not_approved() == 0


def test_approved_minutes_are_not_reminded(world: Any) -> None:
    helpers.make_minutes(world, state="approved", exempt=False)
    assert reminders.scan_minutes_not_approved() == 0


def test_task_due_in_three_days_and_overdue(world: Any) -> None:
    meeting = helpers.make_minutes(world, exempt=False)
    task = helpers.first_task(meeting)  # alice is responsible
    today = timezone.localdate()
    task.deadline = today + dt.timedelta(days=3)
    task.save()
    assert reminders.scan_tasks(today) == 1
    assert reminders.scan_tasks(today) == 0
    assert "due" in mail.outbox[0].subject.lower() or "frist" in mail.outbox[0].subject.lower()
    assert reminders.scan_tasks(today + dt.timedelta(days=4)) == 1  # now overdue
    assert reminders.scan_tasks(today + dt.timedelta(days=5)) == 0
    assert _to() == ["alice@example.no", "alice@example.no"]
    services.task_update_status(task=task, actor=world.leader, status=TaskStatus.DONE)
    mail.outbox.clear()
    task.deadline = today - dt.timedelta(days=1)  # a done task is never reminded
    task.save()
    assert reminders.scan_tasks(today) == 0


def test_few_meetings_by_first_of_september(world: Any) -> None:
    council = helpers.make_council(world)
    year = timezone.localdate().year
    assert reminders.scan_few_meetings(dt.date(year, 8, 31)) == 0
    assert reminders.scan_few_meetings(dt.date(year, 9, 1)) == 2  # chair and police contact
    assert reminders.scan_few_meetings(dt.date(year, 9, 2)) == 0
    assert _to() == ["alice@example.no", "paul@example.no"]
    # Issue #14: the guide's minimum, named as the guide's (no agreement in force here).
    assert "Veilederen anbefaler minst 2 (§4.1.2)" in mail.outbox[0].body
    assert "avtalen" not in mail.outbox[0].body
    tz = timezone.get_current_timezone()
    for month in (3, 10):
        Meeting.objects.create(council=council, starts_at=dt.datetime(year, month, 1, 9,
                                                                      tzinfo=tz), place="Her")
    SentReminder.objects.all().delete()
    assert reminders.scan_few_meetings(dt.date(year, 9, 3)) == 0


def test_beat_runs_every_scan_and_a_second_beat_sends_nothing(world: Any) -> None:
    helpers.make_meeting(world, days=1)
    first = notify.run_all_scans()
    assert first["politirad.meeting_soon"] == 4 and first["politirad.agenda_not_sent"] == 1
    sent_first = len(mail.outbox)
    assert sent_first >= 5
    second = notify.run_all_scans()
    assert all(v == 0 for k, v in second.items() if k.startswith("politirad."))
    assert len(mail.outbox) == sent_first
