"""Issue #14: a council task given to someone (not from minutes) reaches the responsible
once, after commit, with a link on the configured site URL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from politirad import handoffs, services

from . import helpers

pytestmark = pytest.mark.django_db


def test_the_responsible_hears_of_a_council_task_once(
        world: Any, settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.SITE_URL = "http://127.0.0.1:8001"
    council = helpers.make_council(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        task = services.council_task_create(
            council=council, actor=world.police, title="Kartlegge møteplasser",
            deadline=timezone.localdate() + dt.timedelta(days=30),
            responsible_user=world.leader)
    assert [m.to for m in mail.outbox] == [[world.leader.email]]
    body = mail.outbox[0].body
    assert "Kartlegge møteplasser" in body
    assert "http://127.0.0.1:8001" + reverse("politirad:task_detail", args=[task.pk]) in body
    assert handoffs.task_assigned(task.pk) == 0
    assert len(mail.outbox) == 1


def test_the_task_e_mail_is_written_in_the_responsibles_language(
        world: Any, django_capture_on_commit_callbacks: Any) -> None:
    """The police contact creates the task in Bokmål; the mayor chose English, so the subject
    and the body reach her in English (issue #14: in the recipient's language)."""
    world.leader.profile.language = "en"
    world.leader.profile.save()
    council = helpers.make_council(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.council_task_create(
            council=council, actor=world.police, title="Kartlegge møteplasser",
            deadline=timezone.localdate() + dt.timedelta(days=30),
            responsible_user=world.leader)
    [message] = mail.outbox
    assert message.subject.startswith("A task for you: ")
    assert "Oppgave" not in message.subject
