"""Task deadline reminders read only what is due (issue #12): each task stores when its next
reminder falls due, and a scan claims a due row with a conditional UPDATE before it sends."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.core import mail
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from politirad import reminders, services
from politirad.models import Task, TaskStatus
from samarbeid.models import SentReminder

from . import helpers


def _tasks(world: Any, council: Any, n: int, *, days: int) -> None:
    leader = helpers.member(council, world.leader)
    for i in range(n):
        services.council_task_create(council=council, actor=world.police, title=f"Oppgave {i}",
                                     deadline=timezone.localdate() + dt.timedelta(days=days),
                                     responsible_member=leader)


def _scan_queries(today: dt.date) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        sent = reminders.scan_tasks(today)
    return sent, len(ctx.captured_queries)


def test_a_scan_of_tasks_not_yet_due_costs_the_same_for_10_and_200(world: Any) -> None:
    council = helpers.make_council(world)
    today = timezone.localdate()
    _tasks(world, council, 10, days=30)
    sent, ten = _scan_queries(today)
    assert sent == 0
    _tasks(world, council, 190, days=30)
    assert Task.objects.filter(status=TaskStatus.OPEN).count() == 200
    sent, two_hundred = _scan_queries(today)
    assert sent == 0
    assert ten == two_hundred == 1  # one indexed read of what is due


def test_a_due_task_is_reminded_once_then_when_overdue_then_never(world: Any) -> None:
    council = helpers.make_council(world)
    _tasks(world, council, 1, days=3)
    _tasks(world, council, 50, days=40)  # not due: never read
    today = timezone.localdate()
    assert reminders.scan_tasks(today) == 1
    assert reminders.scan_tasks(today) == 0
    assert reminders.scan_tasks(today + dt.timedelta(days=1)) == 0
    assert reminders.scan_tasks(today + dt.timedelta(days=4)) == 1  # overdue
    assert reminders.scan_tasks(today + dt.timedelta(days=5)) == 0
    assert [m.to[0] for m in mail.outbox] == ["alice@example.no", "alice@example.no"]
    due = Task.objects.get(title="Oppgave 0", deadline=today + dt.timedelta(days=3))
    assert due.next_reminder_at is None  # nothing more to send: out of every scan


def test_changing_the_deadline_rearms_the_reminder(world: Any) -> None:
    council = helpers.make_council(world)
    _tasks(world, council, 1, days=2)
    today = timezone.localdate()
    assert reminders.scan_tasks(today) == 1
    assert reminders.scan_tasks(today + dt.timedelta(days=3)) == 1  # overdue
    task = Task.objects.get()
    assert task.next_reminder_at is None
    task.deadline = today + dt.timedelta(days=10)  # moved (e.g. in the admin)
    task.save()
    assert task.next_reminder_at is not None
    assert reminders.scan_tasks(today + dt.timedelta(days=3)) == 0  # not due yet
    assert reminders.scan_tasks(today + dt.timedelta(days=7)) == 1  # the new deadline's notice
    assert len(mail.outbox) == 3


def test_done_is_never_reminded_and_reopening_rearms(world: Any) -> None:
    council = helpers.make_council(world)
    _tasks(world, council, 1, days=1)
    task = Task.objects.get()
    services.task_update_status(task=task, actor=world.leader, status=TaskStatus.DONE)
    task.refresh_from_db()
    assert task.next_reminder_at is None
    assert reminders.scan_tasks(timezone.localdate()) == 0
    services.task_update_status(task=task, actor=world.leader, status=TaskStatus.OPEN)
    assert reminders.scan_tasks(timezone.localdate()) == 1


def test_a_failed_send_is_given_back_and_sent_by_the_next_scan(world: Any,
                                                             settings: Any) -> None:
    council = helpers.make_council(world)
    _tasks(world, council, 1, days=1)
    settings.EMAIL_BACKEND = "tests.slt.test_reminders.FailingBackend"
    assert reminders.scan_tasks(timezone.localdate()) == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders.scan_tasks(timezone.localdate()) == 1
    assert reminders.scan_tasks(timezone.localdate()) == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="two writers at once need PostgreSQL: SQLite's shared in-memory "
                           "database refuses the second one instead of making it wait")
def test_two_concurrent_task_scans_send_once(world: Any) -> None:
    council = helpers.make_council(world)
    _tasks(world, council, 5, days=1)
    mail.outbox.clear()  # the assignment e-mails, sent after commit here
    barrier = threading.Barrier(2, timeout=60)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(reminders.scan_tasks(timezone.localdate()))
        except BaseException as exc:  # shown below: a failing thread must not pass silently
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert sum(results) == 5
    assert len(mail.outbox) == 5
    assert SentReminder.objects.filter(status="sent", key__startswith="politirad:task-due"
                                       ).count() == 5
