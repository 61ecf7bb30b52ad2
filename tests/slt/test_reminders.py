"""Reminders for measure deadlines: seven days ahead and overdue, to the responsible person
and the coordinator, exactly once (core ledger)."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from samarbeid import notify
from samarbeid.models import Role, SentReminder
from slt import reminders, services
from tests.factories import user_with_role

from .helpers import measure, slt_model


class FailingBackend(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("mail server went away")


@pytest.fixture
def setup(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    coordinator = user_with_role(Role.SLT_COORDINATOR, username="siri",
                                 municipality=world.stavanger)
    model = slt_model(world.stavanger, coordinator=coordinator)
    return coordinator, model


def test_due_in_seven_days_to_responsible_and_coordinator_once(world, setup):
    coordinator, model = setup
    m = measure(model, title="Natteravner", days_left=7, responsible=world.police)
    measure(model, title="Langt fram", days_left=30, responsible=world.police)
    assert reminders.scan_measure_deadlines() == 2
    assert sorted(msg.to[0] for msg in mail.outbox) == sorted([world.police.email,
                                                                coordinator.email])
    assert "Natteravner" in mail.outbox[0].subject
    assert f"/slt/tiltak/{m.pk}/" in mail.outbox[0].body
    assert reminders.scan_measure_deadlines() == 0
    assert len(mail.outbox) == 2


def test_overdue_is_sent_once_more_and_not_for_closed(world, setup):
    coordinator, model = setup
    m = measure(model, title="For sent", days_left=-1, responsible=coordinator)
    measure(model, title="Stanset", days_left=-1, status="stopped")
    assert notify.run_all_scans()["slt_measure_deadlines"] == 1  # same person: one e-mail
    assert "over fristen" in mail.outbox[0].subject
    assert notify.run_all_scans()["slt_measure_deadlines"] == 0
    services.measure_update(measure=m, actor=None, ends_on=m.ends_on - dt.timedelta(days=1))
    assert reminders.scan_measure_deadlines() == 1  # a new deadline is a new reminder


def test_smtp_failure_then_retry_sends_once(world, setup, settings):
    coordinator, model = setup
    measure(model, days_left=3, responsible=world.police)
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    assert reminders.scan_measure_deadlines() == 0
    assert set(SentReminder.objects.values_list("status", flat=True)) == {"failed"}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders.scan_measure_deadlines() == 2
    assert reminders.scan_measure_deadlines() == 0
    assert len(mail.outbox) == 2


def test_muted_due_reminder_but_overdue_cannot_be_muted(world, setup):
    coordinator, model = setup
    profile = coordinator.profile
    profile.muted_reminders = [reminders.KIND_DUE, reminders.KIND_OVERDUE]
    profile.save()
    measure(model, days_left=2, responsible=coordinator, title="Snart")
    measure(model, days_left=-2, responsible=coordinator, title="Forsinket")
    assert reminders.scan_measure_deadlines() == 1
    assert "Forsinket" in mail.outbox[0].subject


# --- Reading only what is due (issue #12) ---------------------------------------------------


def _scan_queries(today):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        sent = reminders.scan_measure_deadlines(today)
    return sent, len(ctx.captured_queries)


def test_a_scan_of_measures_not_yet_due_costs_the_same_for_10_and_200(world, setup):
    _coordinator, model = setup
    for i in range(10):
        measure(model, title=f"Tiltak {i}", days_left=60)
    assert _scan_queries(None) == (0, 1)
    for i in range(190):
        measure(model, title=f"Tiltak {i + 10}", days_left=60)
    assert _scan_queries(None) == (0, 1)  # one indexed read of what is due


def test_a_measure_is_claimed_then_rearmed_by_a_new_deadline(world, setup):
    coordinator, model = setup
    m = measure(model, title="Natteravner", days_left=7, responsible=coordinator)
    assert reminders.scan_measure_deadlines() == 1
    m.refresh_from_db()
    # Claimed: the next reminder is the overdue one, the day after the deadline.
    assert timezone.localtime(m.next_reminder_at).date() == m.ends_on + dt.timedelta(days=1)
    services.measure_update(measure=m, actor=None, ends_on=m.ends_on + dt.timedelta(days=30))
    m.refresh_from_db()
    assert timezone.localtime(m.next_reminder_at).date() == m.ends_on - dt.timedelta(days=7)
    assert reminders.scan_measure_deadlines() == 0
    services.measure_add_update(measure=m, actor=coordinator, text="Ferdig", status="completed")
    m.refresh_from_db()
    assert m.next_reminder_at is None  # closed: out of every scan
