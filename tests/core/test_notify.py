"""The reminder ledger: exactly once, also under retry and concurrency."""

from __future__ import annotations

import smtplib
import threading
from typing import Any

import pytest
from django.core import mail
from django.db import connection

from samarbeid import notify
from samarbeid.models import SentReminder

pytestmark = pytest.mark.django_db

ARGS: dict[str, Any] = {"subject": "Påminnelse", "template": "samarbeid/email/reminder.txt",
        "context": {"text": "Husk møtet"}}


def test_sends_once_for_the_same_key_and_recipient() -> None:
    assert notify.send_once(key="k:1", recipient="a@example.no", **ARGS)
    assert not notify.send_once(key="k:1", recipient="a@example.no", **ARGS)
    assert notify.send_once(key="k:1", recipient="b@example.no", **ARGS)
    assert [m.to for m in mail.outbox] == [["a@example.no"], ["b@example.no"]]
    assert "Husk møtet" in mail.outbox[0].body


def test_a_failed_send_is_retried_and_then_sent_once(monkeypatch: Any) -> None:
    calls = {"n": 0}
    real = notify.send_mail_now

    def flaky(**kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise smtplib.SMTPConnectError(421, "down")
        real(**kwargs)

    monkeypatch.setattr(notify, "send_mail_now", flaky)
    with pytest.raises(smtplib.SMTPConnectError):
        notify.send_once(key="k:2", recipient="a@example.no", **ARGS)
    assert SentReminder.objects.get(key="k:2").status == "failed"
    assert notify.send_once(key="k:2", recipient="a@example.no", **ARGS)
    assert not notify.send_once(key="k:2", recipient="a@example.no", **ARGS)
    assert len(mail.outbox) == 1
    row = SentReminder.objects.get(key="k:2")
    assert row.status == "sent" and row.attempts == 2


def test_muted_optional_reminders_are_not_sent(world: Any) -> None:
    notify.register_kind("test_muted", "x", optional=True)
    notify.register_kind("test_required", "y", optional=False)
    world.leader.profile.muted_reminders = ["test_muted", "test_required"]
    world.leader.profile.save()
    assert not notify.send_once(key="k:3", recipient="a@example.no", user=world.leader,
                                kind="test_muted", **ARGS)
    assert notify.send_once(key="k:4", recipient="a@example.no", user=world.leader,
                            kind="test_required", **ARGS)


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_send_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs PostgreSQL; CI runs it there")
    barrier = threading.Barrier(4)
    results: list[bool] = []

    def worker() -> None:
        from django.db import connection as conn

        barrier.wait()
        try:
            results.append(notify.send_once(key="k:race", recipient="a@example.no", **ARGS))
        finally:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, False, True]
    assert len(mail.outbox) == 1


def test_scheduler_runs_every_registered_scan(capsys: Any) -> None:
    from django.core.management import call_command

    ran: list[str] = []

    def scan() -> int:
        ran.append("x")
        return 1

    notify.register_scan("test_scan", scan)
    try:
        call_command("run_scheduler", "--once")
    finally:
        notify._scans.pop("test_scan")
    assert ran == ["x"]
    assert "'test_scan': 1" in capsys.readouterr().out


def test_a_steady_state_scan_costs_no_query_per_reminder_sent_before() -> None:
    from django.test.utils import CaptureQueriesContext

    def scan() -> int:
        keys = [f"bulk:{i}" for i in range(30)]
        notify.preload(keys)  # a scan names the keys of the rows it read as due
        return sum(notify.send_once(key=key, recipient="a@example.no", **ARGS) for key in keys)

    notify.register_scan("bulk_scan", scan)
    try:
        assert notify.run_all_scans(["bulk_scan"])["bulk_scan"] == 30
        with CaptureQueriesContext(connection) as ctx:
            assert notify.run_all_scans(["bulk_scan"])["bulk_scan"] == 0
    finally:
        notify._scans.pop("bulk_scan")
    assert len(ctx) <= 3  # the due keys' ledger rows and a savepoint pair, not 30 claims
    assert len(mail.outbox) == 30
