"""Reminders go through the ledger: each is sent exactly once (scan twice, retry, two beats)."""

from __future__ import annotations

import datetime as dt
import smtplib
import threading
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from avtaler import reminders
from avtaler.models import AgreementVersion
from samarbeid.models import SentReminder

from .helpers import in_force_version, sent_version


def _due_in(version: AgreementVersion, days: int) -> None:
    version.revision_due = timezone.localdate() + dt.timedelta(days=days)
    version.save(update_fields=["revision_due"])


def _recipients() -> list[str]:
    return sorted(to for m in mail.outbox for to in m.to)


def test_revision_due_reaches_signatories_and_police_contact_once(world: Any) -> None:
    version = in_force_version(world)
    _due_in(version, 200)
    assert reminders.scan_revision_due() == 0
    _due_in(version, 85)
    assert reminders.scan_revision_due() == 3
    assert _recipients() == sorted([world.leader.email, world.chief.email, world.police.email])
    assert "skal revideres" in mail.outbox[0].subject
    assert "Stavanger" in mail.outbox[0].body
    assert reminders.scan_revision_due() == 0  # second scan: nothing new
    assert len(mail.outbox) == 3
    _due_in(version, 29)
    assert reminders.scan_revision_due() == 3  # the 30-day stage is a new reminder
    _due_in(version, 0)
    assert reminders.scan_revision_due() == 3  # and on the day
    assert reminders.scan_revision_due() == 0
    keys = set(SentReminder.objects.values_list("key", flat=True))
    assert keys == {f"agreement.revision.{s}:{version.pk}" for s in (90, 30, 0)}


def test_smtp_error_then_retry_sends_once(world: Any) -> None:
    version = in_force_version(world)
    _due_in(version, 60)
    from django.core.mail import EmailMultiAlternatives

    real_send = EmailMultiAlternatives.send
    calls = {"n": 0}

    def flaky(self: Any, *args: Any, **kwargs: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            raise smtplib.SMTPServerDisconnected("connection lost")
        return real_send(self, *args, **kwargs)

    with mock.patch.object(EmailMultiAlternatives, "send", flaky):
        assert reminders.scan_revision_due() == 2  # one failed, two sent
    assert SentReminder.objects.filter(status="failed").count() == 1
    assert reminders.scan_revision_due() == 1  # the retry sends the failed one
    assert reminders.scan_revision_due() == 0
    assert sorted(_recipients()) == sorted([world.leader.email, world.chief.email,
                                            world.police.email])


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="two writers at once need PostgreSQL: SQLite's shared in-memory "
                           "database refuses the second one instead of making it wait")
def test_two_concurrent_scans_send_once(world: Any) -> None:
    version = in_force_version(world)
    _due_in(version, 10)
    mail.outbox.clear()  # the set-up's own e-mails (sent for signing, after commit)
    barrier = threading.Barrier(2, timeout=60)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(reminders.scan_revision_due())
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
    assert sum(results) == 3
    assert len(mail.outbox) == 3
    assert SentReminder.objects.filter(status="sent", key__startswith="agreement.revision").count() == 3


def test_waiting_for_signature_more_than_14_days(world: Any) -> None:
    version = sent_version(world)
    assert reminders.scan_signature_waiting() == 0
    AgreementVersion.objects.filter(pk=version.pk).update(
        sent_for_signing_at=timezone.now() - dt.timedelta(days=15))
    from avtaler import services

    services.version_sign(version=version, actor=world.leader)
    assert reminders.scan_signature_waiting() == 1  # only the party that has not signed
    assert _recipients() == [world.chief.email]
    assert reminders.scan_signature_waiting() == 0
    assert SentReminder.objects.filter(key=f"agreement.signature_waiting:{version.pk}").count() == 1


def test_scans_are_registered_with_the_core() -> None:
    from samarbeid import notify

    assert {"avtaler.revision_due", "avtaler.signature_waiting"} <= set(notify.scans())
