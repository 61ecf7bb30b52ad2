"""Schedule from the agreement (§7) and reminders before due and when overdue, exactly once."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from evaluering import reminders, schedule, selectors, services
from evaluering.models import Mode
from samarbeid.compliance import Status
from samarbeid.models import EvaluationMethod, Municipality, Participation, SentReminder

pytestmark = pytest.mark.django_db


def _completed(world: Any, end: dt.date) -> None:
    e = services.evaluation_create(municipality=world.stavanger, actor=world.leader,
                                   period_start=end - dt.timedelta(days=364), period_end=end,
                                   method=EvaluationMethod.GLL, mode=Mode.JOINT)
    services.evaluation_save_answers(evaluation=e, actor=world.leader,
                                     answers={"done": "a", "learned": "b", "smart": "c"})
    services.evaluation_complete(evaluation=e, actor=world.leader)


def test_add_months_keeps_month_ends() -> None:
    assert schedule.add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert schedule.add_months(dt.date(2025, 12, 31), 12) == dt.date(2026, 12, 31)


def test_next_due_uses_the_agreement_interval(world: Any) -> None:
    _completed(world, dt.date(2025, 6, 30))
    terms = {world.stavanger.pk: mock.Mock(evaluation_interval_months=6)}
    with mock.patch("evaluering.schedule.agreement_terms", return_value=terms):
        plan = schedule.schedules([world.stavanger.pk], today=dt.date(2025, 12, 1))
    assert plan[world.stavanger.pk].next_due == dt.date(2025, 12, 30)
    assert plan[world.stavanger.pk].state == schedule.State.DUE_SOON


def test_compliance_finding_ok_overdue_never_and_declined(world: Any) -> None:
    Municipality.objects.filter(pk=world.bergen.pk).update(participation=Participation.DECLINED)
    _completed(world, timezone.localdate() - dt.timedelta(days=30))
    findings = selectors.evaluation_findings(Municipality.objects.filter(
        pk__in=[world.stavanger.pk, world.sandnes.pk, world.bergen.pk]))
    assert findings[world.stavanger.pk].status == Status.OK
    assert findings[world.sandnes.pk].status == Status.WARN
    assert findings[world.bergen.pk].status == Status.DECLINED
    assert findings[world.stavanger.pk].url.endswith(f"/evaluering/kommune/{world.stavanger.number}/")


def test_overdue_is_a_warning(world: Any) -> None:
    _completed(world, timezone.localdate() - dt.timedelta(days=400))
    finding = selectors.evaluation_findings(Municipality.objects.filter(pk=world.stavanger.pk))
    assert finding[world.stavanger.pk].status == Status.WARN


def test_due_soon_reminder_goes_out_once_then_overdue_once(world: Any) -> None:
    end = dt.date(2025, 6, 30)
    _completed(world, end)  # due 2026-06-30
    assert reminders.scan(today=dt.date(2026, 5, 1)) == 0  # more than 30 days left
    sent = reminders.scan(today=dt.date(2026, 6, 10))
    assert sent == 2  # the mayor and the police contact of Stavanger
    assert reminders.scan(today=dt.date(2026, 6, 11)) == 0  # second scan: nothing new
    assert {m.to[0] for m in mail.outbox} == {world.leader.email, world.police.email}
    assert reminders.scan(today=dt.date(2026, 7, 2)) == 2  # overdue: once more
    assert reminders.scan(today=dt.date(2026, 7, 3)) == 0
    assert len(mail.outbox) == 4
    assert "Stavanger" in mail.outbox[-1].subject


def test_smtp_failure_then_retry_sends_once(world: Any) -> None:
    _completed(world, dt.date(2025, 6, 30))
    with mock.patch("django.core.mail.EmailMultiAlternatives.send",
                    side_effect=ConnectionRefusedError):
        assert reminders.scan(today=dt.date(2026, 6, 10)) == 0
    assert SentReminder.objects.filter(status=SentReminder.Status.FAILED).count() == 2
    assert reminders.scan(today=dt.date(2026, 6, 10)) == 2
    assert reminders.scan(today=dt.date(2026, 6, 10)) == 0
    assert len(mail.outbox) == 2


def test_scan_is_registered_with_the_core() -> None:
    from samarbeid import notify

    assert notify.scans()["evaluering.evaluation_due"] is reminders.scan


def test_home_page_lists_an_overdue_evaluation_for_the_mayor(world: Any, client: Any) -> None:
    _completed(world, timezone.localdate() - dt.timedelta(days=400))
    client.force_login(world.leader)
    page = client.get("/").content.decode()
    assert "Evaluer samarbeidet i Stavanger" in page
    client.force_login(world.outsider)
    assert "Evaluer samarbeidet i Stavanger" not in client.get("/").content.decode()
