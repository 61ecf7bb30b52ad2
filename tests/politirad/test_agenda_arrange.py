"""Issue #14: agenda items are removed and reordered before the agenda is sent; the late
agenda is flagged when planning, before sending and in the e-mail."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from politirad import services
from politirad.models import AgendaItem

from . import helpers

pytestmark = pytest.mark.django_db


def _titles(meeting: Any) -> list[tuple[int, str]]:
    return list(meeting.agenda_items.order_by("number").values_list("number", "title"))


def test_remove_renumbers_and_move_swaps(world: Any) -> None:
    meeting = helpers.make_meeting(world, items=3)
    second = meeting.agenda_items.get(number=2)
    services.agenda_item_delete(item=second, actor=world.police)
    assert _titles(meeting) == [(1, "Sak 1"), (2, "Sak 3")]
    services.agenda_item_move(item=meeting.agenda_items.get(number=2), actor=world.police, up=True)
    assert _titles(meeting) == [(1, "Sak 3"), (2, "Sak 1")]
    # The first item cannot move further up: nothing changes.
    services.agenda_item_move(item=meeting.agenda_items.get(number=1), actor=world.police, up=True)
    assert _titles(meeting) == [(1, "Sak 3"), (2, "Sak 1")]


def test_no_removing_or_moving_after_the_agenda_is_sent(world: Any) -> None:
    meeting = helpers.make_meeting(world, items=2)
    helpers.send_agenda(meeting, world.police)
    item = meeting.agenda_items.get(number=1)
    with pytest.raises(ValidationError, match="(?i)dagsordenen er sendt"):
        services.agenda_item_delete(item=item, actor=world.police)
    with pytest.raises(ValidationError):
        services.agenda_item_move(item=item, actor=world.police, up=False)
    with pytest.raises(ValidationError):
        AgendaItem.objects.get(pk=item.pk).delete()  # the model guard, for admin and shell
    assert _titles(meeting) == [(1, "Sak 1"), (2, "Sak 2")]


def test_no_removing_after_the_minutes_are_approved(world: Any) -> None:
    meeting = helpers.make_minutes(world, state="approved")
    item = helpers.first_item(meeting)
    with pytest.raises(ValidationError):
        services.agenda_item_delete(item=item, actor=world.police)


def test_views_remove_and_move_then_refuse_with_a_message(client: Any, world: Any) -> None:
    meeting = helpers.make_meeting(world, items=2)
    client.force_login(world.police)
    first = meeting.agenda_items.get(number=1)
    response = client.post(reverse("politirad:agenda_item_move", args=[first.pk]),
                           {"direction": "down"})
    assert response.status_code == 302
    assert _titles(meeting) == [(1, "Sak 2"), (2, "Sak 1")]
    page = client.get(reverse("politirad:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Fjern" in page and 'hx-post="' in page
    helpers.send_agenda(meeting, world.police)
    response = client.post(reverse("politirad:agenda_item_delete", args=[first.pk]), follow=True)
    assert "dagsordenen er sendt" in response.content.decode().lower()
    assert meeting.agenda_items.count() == 2
    assert "Fjern" not in client.get(
        reverse("politirad:meeting_detail", args=[meeting.pk])).content.decode()


def test_late_agenda_is_warned_when_planning_sending_and_in_the_mail(client: Any,
                                                                    world: Any) -> None:
    council = helpers.make_council(world)
    client.force_login(world.police)
    response = client.post(reverse("politirad:meeting_create", args=[council.pk]), {
        "starts_at": (helpers.timezone.localtime() + helpers.dt.timedelta(days=2)
                      ).strftime("%Y-%m-%dT%H:%M"), "place": "Rådhuset"}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "fristen for dagsordenen" in body.lower(), body[:3000]
    meeting = response.context["meeting"]
    services.agenda_item_add(meeting=meeting, actor=world.police, title="Sak")
    assert 'id="agenda-late-warning"' in client.get(
        reverse("politirad:meeting_detail", args=[meeting.pk])).content.decode()
    mail.outbox.clear()
    helpers.send_agenda(meeting, world.police)
    assert mail.outbox and all("etter fristen" in m.body for m in mail.outbox)


def test_national_admin_finds_any_municipality_to_create_a_council(client: Any,
                                                                   world: Any) -> None:
    from samarbeid.models import Role
    from tests.factories import user_with_role

    national = user_with_role(Role.NATIONAL_ADMIN)
    client.force_login(national)
    page = client.get(reverse("politirad:council_list")).content.decode()
    assert 'name="kommune"' in page
    page = client.get(reverse("politirad:council_list") + "?kommune=Utsira").content.decode()
    assert reverse("politirad:council_create", args=["1151"]) in page
