"""Issue #14: e-mails in the recipient's language. The language a user chose with the switch
is kept on their profile; reminders to them are written in it, others get Bokmål."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.urls import reverse

from politirad import reminders
from samarbeid import notify

from . import helpers


def _mail_to(address: str) -> Any:
    [message] = [m for m in mail.outbox if m.to == [address]]
    return message


def _choose(user: Any, language: str) -> None:
    user.profile.language = language
    user.profile.save()


def test_reminder_reaches_each_member_in_their_language(world: Any) -> None:
    _choose(world.leader, "en")  # alice
    _choose(world.police, "nn")  # paul
    helpers.make_meeting(world, days=1.5)
    assert reminders.scan_meeting_soon() == 4
    english, nynorsk = _mail_to("alice@example.no"), _mail_to("paul@example.no")
    bokmal = _mail_to("bob@example.no")  # never chose: Bokmål

    assert english.subject.startswith("Meeting ")
    assert "Reminder:" in english.body and "You get this reminder" in english.body
    assert "Møte" not in english.subject

    assert nynorsk.subject.startswith("Møte ")
    assert "påminninga" in nynorsk.body and "Valfrie" in nynorsk.body

    assert bokmal.subject.startswith("Møte ")
    assert "påminnelsen" in bokmal.body or "påminnelse" in bokmal.body
    assert "påminninga" not in bokmal.body and "You get" not in bokmal.body


def test_dates_in_the_mail_follow_the_recipients_language(world: Any) -> None:
    _choose(world.leader, "en")
    meeting = helpers.make_meeting(world, days=1.5)
    reminders.scan_meeting_soon()
    from django.utils import timezone

    when = timezone.localtime(meeting.starts_at)
    assert f"{when.day} {when:%b} {when.year}" in _mail_to("alice@example.no").subject
    assert f"{when:%d.%m.%Y}" in _mail_to("bob@example.no").subject


def test_the_language_switch_is_kept_for_a_logged_in_user(world: Any, client: Any) -> None:
    client.force_login(world.leader)
    response = client.post(reverse("set_language"), {"language": "nn", "next": "/"})
    assert response.status_code == 302
    world.leader.profile.refresh_from_db()
    assert world.leader.profile.language == "nn"
    assert notify.language_of(world.leader) == "nn"
    assert notify.language_of(world.police) == "nb"  # never chose


def test_an_anonymous_switch_only_sets_the_cookie(world: Any, client: Any) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
