"""Issue #14: minutes published reach every member, and each responsible hears of their
task, once each through the ledger; an exempt task's title stays out of the e-mail."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from politirad import handoffs, services
from politirad.models import Minutes

from . import helpers

pytestmark = pytest.mark.django_db


def test_publishing_the_minutes_mails_members_and_responsibles_once(
        world: Any, settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.SITE_URL = "http://portal.example:8001"
    meeting = helpers.make_minutes(world, state="approved")
    minutes = Minutes.objects.get(meeting=meeting)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_publish(minutes=minutes, actor=world.police)
    published = [m for m in mail.outbox if m.subject.startswith("Referat publisert")]
    tasks = [m for m in mail.outbox if m.subject.startswith("En oppgave til deg")]
    assert len(published) == len({tuple(m.to) for m in published}) >= 2
    assert all("http://portal.example:8001/politirad/moter/" in m.body for m in published)
    assert {m.to[0] for m in tasks} == {world.leader.email, world.police.email}
    leader_mail = next(m for m in tasks if m.to == [world.leader.email])
    assert "Lage trygghetsplan" in leader_mail.body
    police_mail = next(m for m in tasks if m.to == [world.police.email])
    assert "Hemmelig oppgave" not in police_mail.body  # exempt: named in the portal only
    mail.outbox.clear()
    assert handoffs.minutes_published(minutes.pk) == 0  # a retry sends nothing twice
    assert mail.outbox == []
