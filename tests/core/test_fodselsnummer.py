"""The personvern guard (Veileder §4.1.5): minutes, agenda items and tasks are about measures,
not persons. A valid fødselsnummer or D number is refused next to the field, with the text
kept; other eleven-digit numbers pass."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from politirad import services
from politirad.models import AgendaItem, MinutesCorrection, MinutesEntry, Task
from samarbeid.validators import identity_numbers_in, is_identity_number
from tests.politirad import helpers

# Both mod-11 check digits right; the D number has 4 added to the first digit of the day.
VALID = ["15038512363", "29026845694", "31129949980"]
D_NUMBER = "45038512386"
INVALID = [
    "15038512364",  # last check digit wrong
    "15038512463",  # first check digit wrong
    "86011117947",  # a bank account number (its own mod-11 on the last digit only)
    "12345678903",
    "32138512363",  # no such date
    "00000000000",
]
MESSAGE = "fødselsnummer eller D-nummer"


@pytest.mark.parametrize("number", [*VALID, D_NUMBER])
def test_valid_numbers_are_found(number: str) -> None:
    assert is_identity_number(number)
    assert identity_numbers_in(f"Saken gjelder {number}.") == [number]
    # Written as date and personal number with a space, as people often do.
    assert identity_numbers_in(f"{number[:6]} {number[6:]}") == [number]


@pytest.mark.parametrize("number", INVALID)
def test_invalid_eleven_digit_numbers_pass(number: str) -> None:
    assert not is_identity_number(number)
    assert identity_numbers_in(f"Konto {number} er belastet.") == []


def test_only_whole_numbers_count() -> None:
    # Part of a longer number (an invoice number, a phone number) is not an identity number.
    assert identity_numbers_in("9" + VALID[0]) == []
    assert identity_numbers_in(VALID[0] + "1") == []
    assert identity_numbers_in("Ring 22 33 44 55.") == []


@pytest.mark.django_db
def test_services_refuse_with_the_field_named(world: Any) -> None:
    meeting = helpers.make_meeting(world, days=-1)
    with pytest.raises(ValidationError) as exc:
        services.agenda_item_add(meeting=meeting, actor=world.police, title="Oppfølging",
                                 description=f"Gjelder {D_NUMBER}")
    assert list(exc.value.message_dict) == ["description"]
    assert MESSAGE in exc.value.message_dict["description"][0]
    assert "450385*****" in exc.value.message_dict["description"][0]
    assert D_NUMBER not in str(exc.value)  # the message never repeats the number in full
    item = helpers.first_item(meeting)
    with pytest.raises(ValidationError) as exc:
        services.minutes_entry_save(meeting=meeting, agenda_item=item, actor=world.police,
                                    notes="Ok", decisions=[f"Følg opp {VALID[1]}"])
    assert list(exc.value.message_dict) == ["decisions"]
    assert not MinutesEntry.objects.exists()
    with pytest.raises(ValidationError) as exc:
        services.task_create(meeting=meeting, actor=world.police, title=f"Ring {VALID[0]}",
                             deadline=timezone.localdate(),
                             responsible_member=helpers.member(meeting.council, world.leader))
    assert "title" in exc.value.message_dict
    assert not Task.objects.exists()
    # An account number is no person: it passes.
    task = services.task_create(meeting=meeting, actor=world.police,
                                title=f"Betal fra konto {INVALID[2]}",
                                deadline=timezone.localdate(),
                                responsible_member=helpers.member(meeting.council, world.leader))
    assert task.pk


@pytest.mark.django_db
def test_agenda_item_form_shows_the_error_next_to_the_field_and_keeps_the_text(
        client: Any, world: Any) -> None:
    meeting = helpers.make_meeting(world)
    client.force_login(world.police)
    typed = f"Bekymring for {VALID[0]} i sentrum"
    response = client.post(reverse("politirad:agenda_item_add", args=[meeting.pk]),
                           {"title": typed, "description": "", "access_level": "open"})
    assert response.status_code == 200
    form = response.context["form"]
    assert MESSAGE in form.errors["title"][0] and "§4.1.5" in form.errors["title"][0]
    html = response.content.decode()
    assert f'value="{typed}"' in html  # what the user typed is kept
    assert not AgendaItem.objects.filter(title=typed).exists()
    response = client.post(reverse("politirad:agenda_item_add", args=[meeting.pk]),
                           {"title": f"Konto {INVALID[2]}", "access_level": "open"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_minutes_task_and_correction_forms_keep_the_text(client: Any, world: Any) -> None:
    meeting = helpers.make_minutes(world, exempt=False)
    item = helpers.first_item(meeting)
    client.force_login(world.police)
    url = reverse("politirad:minutes", args=[meeting.pk])
    notes = f"Drøftet saken til {D_NUMBER}."
    response = client.post(url, {"item": item.pk, f"item{item.pk}-notes": notes,
                                 f"item{item.pk}-decisions": "",
                                 f"item{item.pk}-access_level": "open",
                                 f"item{item.pk}-legal_basis": ""})
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r["number"] == item.number)
    assert MESSAGE in row["form"].errors["notes"][0]
    assert notes in response.content.decode()
    assert MinutesEntry.objects.get(agenda_item=item).notes != notes

    deadline = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    title = f"Kontakt {VALID[2]}"
    response = client.post(reverse("politirad:task_add", args=[meeting.pk]), {
        "title": title, "deadline": deadline, "agenda_item": "", "responsible_member": "",
        "responsible_organisation": ""})
    assert response.status_code == 200
    assert MESSAGE in response.context["task_form"].errors["title"][0]
    assert f'value="{title}"' in response.content.decode()
    assert not Task.objects.filter(title=title).exists()

    services.minutes_approve(minutes=meeting.minutes, actor=world.leader)
    text = f"Rett navn: {VALID[1]}"
    response = client.post(reverse("politirad:minutes_correction", args=[meeting.pk]),
                           {"text": text, "access_level": "open", "legal_basis": ""})
    assert response.status_code == 200
    assert MESSAGE in response.context["correction_form"].errors["text"][0]
    assert text in response.content.decode()
    assert not MinutesCorrection.objects.exists()
    response = client.post(reverse("politirad:minutes_correction", args=[meeting.pk]),
                           {"text": "Rett dato: 12.03.", "access_level": "open",
                            "legal_basis": ""})
    assert response.status_code == 302 and MinutesCorrection.objects.count() == 1
