"""Agreement reminders read only what is due (issue #12): each version stores when its next
revision and signature reminders fall due; a scan reads those whose time has come and
claims each with a conditional UPDATE before it sends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from avtaler import reminders
from avtaler.models import AgreementVersion, VersionStatus

from .helpers import in_force_version


def _queries(scan: Callable[[], int]) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        sent = scan()
    return sent, len(ctx.captured_queries)


def _more(version: AgreementVersion, numbers: range, **fields: Any) -> None:
    for number in numbers:
        AgreementVersion.objects.create(agreement=version.agreement, number=number, **fields)


def test_scans_cost_one_query_for_1_and_for_50_versions_not_due(world: Any) -> None:
    version = in_force_version(world)  # revision due in 24 months or not at all
    version.revision_due = timezone.localdate() + dt.timedelta(days=400)
    version.save(update_fields=["revision_due"])
    # Sent now: it waits 14 days before anyone is reminded.
    _more(version, range(2, 3), status=VersionStatus.SENT_FOR_SIGNING,
          sent_for_signing_at=timezone.now())
    mail.outbox.clear()
    one = [_queries(reminders.scan_revision_due), _queries(reminders.scan_signature_waiting)]
    _more(version, range(100, 149), status=VersionStatus.IN_FORCE,
          revision_due=timezone.localdate() + dt.timedelta(days=400))
    _more(version, range(200, 249), status=VersionStatus.SENT_FOR_SIGNING,
          sent_for_signing_at=timezone.now())
    fifty = [_queries(reminders.scan_revision_due), _queries(reminders.scan_signature_waiting)]
    assert one == fifty == [(0, 1), (0, 1)]
    assert not mail.outbox


def test_moving_the_revision_date_rearms_the_reminder(world: Any) -> None:
    version = in_force_version(world)
    version.revision_due = timezone.localdate() + dt.timedelta(days=200)
    version.save(update_fields=["revision_due"])
    assert timezone.localtime(version.revision_reminder_at).date() == \
        version.revision_due - dt.timedelta(days=90)
    assert reminders.scan_revision_due() == 0  # not read: 110 days to go
    version.revision_due = timezone.localdate() + dt.timedelta(days=20)
    version.save(update_fields=["revision_due"])
    assert reminders.scan_revision_due() == 3  # the 30-day stage, to the three of them
    version.refresh_from_db()
    assert timezone.localtime(version.revision_reminder_at).date() == version.revision_due
