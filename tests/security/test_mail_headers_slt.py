"""SLT reminder e-mails with hostile titles (issue 7 §2): a title with a line break cannot
inject a header nor block the reminder (Django refuses such a subject, which would make the
scan fail on every run); the plain-text body prints markup literally."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from slt import reminders
from tests.slt.helpers import measure, slt_model

from .conftest import HOSTILE

pytestmark = pytest.mark.django_db


def test_reminder_with_a_line_break_in_the_title_is_sent_with_a_one_line_subject(
        world: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    model = slt_model(world.stavanger)
    title = "Natteravner\r\nBcc: alle@example.no " + HOSTILE
    measure(model, title=title, days_left=-1, responsible=world.leader)

    assert reminders.scan_measure_deadlines() == 1
    message = mail.outbox[0]
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "Natteravner Bcc: alle@example.no" in message.subject
    assert message.bcc == [] and message.to == [world.leader.email]
    assert HOSTILE in message.body  # plain text: the characters, nothing rendered
    assert isinstance(message, mail.EmailMultiAlternatives) and not message.alternatives
