"""Issue #14, "Meeting cycle": what a secretary planning a meeting reads on the pages, in the
messages and in the history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.avtaler.helpers import in_force_version

from . import helpers

pytestmark = pytest.mark.django_db


def _local(days: float) -> str:
    return (timezone.localtime() + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _meeting_page(client: Any, meeting: Any) -> str:
    return client.get(reverse("politirad:meeting_detail", args=[meeting.pk])).content.decode()


def test_the_meeting_form_names_the_agreement_only_when_one_is_in_force(client: Any,
                                                                        world: Any) -> None:
    council = helpers.make_council(world)
    meeting = helpers.make_meeting(world, council)
    client.force_login(world.police)
    form = client.get(reverse("politirad:meeting_create", args=[council.pk])).content.decode()
    assert "fristen i avtalen" not in form
    assert "ingen avtale er i kraft" in form.lower()
    assert "fristen i avtalen" not in _meeting_page(client, meeting)

    in_force_version(world)
    form = client.get(reverse("politirad:meeting_create", args=[council.pk])).content.decode()
    assert "fristen i avtalen" in form
    assert "ingen avtale er i kraft" not in form.lower()


def test_moving_a_meeting_so_close_that_the_deadline_has_passed_warns(client: Any,
                                                                      world: Any) -> None:
    meeting = helpers.make_meeting(world, days=20)
    client.force_login(world.police)
    response = client.post(reverse("politirad:meeting_edit", args=[meeting.pk]), {
        "starts_at": _local(2), "place": "Rådhuset"}, follow=True)
    assert response.status_code == 200
    assert "fristen for dagsordenen" in response.content.decode().lower()
    # A meeting moved further out carries no warning.
    response = client.post(reverse("politirad:meeting_edit", args=[meeting.pk]), {
        "starts_at": _local(30), "place": "Rådhuset"}, follow=True)
    assert "fristen for dagsordenen" not in response.content.decode().lower()


def test_sending_after_the_deadline_says_so_on_the_page(client: Any, world: Any) -> None:
    meeting = helpers.make_meeting(world, days=2)
    client.force_login(world.police)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("politirad:agenda_send", args=[meeting.pk]), follow=True)
    assert "etter fristen" in response.content.decode().lower()


def test_sending_in_good_time_gives_no_late_warning(client: Any, world: Any) -> None:
    meeting = helpers.make_meeting(world, days=20)
    client.force_login(world.police)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("politirad:agenda_send", args=[meeting.pk]), follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert said and all("etter fristen" not in m for m in said), said
    assert any(m.startswith("Dagsordenen") for m in said), said


def test_the_history_reads_in_the_users_language_with_the_forms_labels(client: Any,
                                                                       world: Any) -> None:
    meeting = helpers.make_meeting(world, days=20, items=2)
    client.force_login(world.police)
    client.post(reverse("politirad:meeting_edit", args=[meeting.pk]), {
        "starts_at": _local(21), "place": "Politihuset"})
    helpers.send_agenda(meeting, world.police)
    page = _meeting_page(client, meeting)
    assert "Endret – Starter, Sted" in page
    assert "sak 2 lagt til på dagsordenen" in page
    assert "Sendt – dagsorden (versjon 1) til 4 medlemmer" in page
    assert "Opprettet – " + f"{timezone.localtime() + dt.timedelta(days=20):%d.%m.%Y}" in page
    assert "starts_at" not in page and "agenda item" not in page

    client.cookies["django_language"] = "en"
    page = _meeting_page(client, meeting)
    assert "Changed – Starts, Place" in page
    assert "agenda item 2 added" in page
    assert "Endret" not in page


@pytest.mark.parametrize("agreement", [False, True])
def test_the_late_agenda_mail_names_whose_deadline_it_missed(world: Any, agreement: bool) -> None:
    from django.core import mail

    if agreement:
        in_force_version(world)
    meeting = helpers.make_meeting(world, days=2)
    mail.outbox.clear()
    helpers.send_agenda(meeting, world.police)
    assert mail.outbox
    for message in mail.outbox:
        assert "etter fristen" in message.body
        assert ("ingen avtale er i kraft" in message.body) is not agreement, message.body
