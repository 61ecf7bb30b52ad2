"""User text about police contacts is text, never markup (issue 7 §2): the mandate, the
reason and decision note of an approval, and the directory's names and notes."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from politikontakt import services
from politikontakt.models import PreventiveFunction

from .conftest import HOSTILE, assert_escaped

pytestmark = pytest.mark.django_db


def test_mandate_is_escaped_on_every_page_that_shows_it(client: Any, world: Any,
                                                        district_admin: Any,
                                                        reader: Any) -> None:
    membership = world.police.memberships.get(role="police_contact")
    assignment = services.assignment_adopt(membership=membership, share_of_position=60,
                                           mandate=HOSTILE, actor=district_admin)
    client.force_login(reader)
    for url in (reverse("politikontakt:assignment_detail", args=[assignment.pk]),
                reverse("municipality_detail", args=[world.stavanger.number])):
        assert_escaped(client.get(url).content.decode())
    client.force_login(district_admin)
    assert_escaped(client.get(reverse("politikontakt:assignment_change",
                                      args=[assignment.pk])).content.decode())


def test_approval_reason_and_decision_are_escaped(client: Any, officer: Any, sorvest: Any,
                                                  national_admin: Any,
                                                  district_admin: Any) -> None:
    approval = services.approval_request(contact=officer, police_district=sorvest,
                                         reason=HOSTILE, max_municipalities=4,
                                         actor=district_admin)
    services.approval_decide(approval=approval, approve=False, note=HOSTILE,
                             actor=national_admin)
    client.force_login(district_admin)
    body = client.get(reverse("politikontakt:approval_decide", args=[approval.pk])).content
    assert_escaped(body.decode(), at_least=2)  # the reason and the decision note
    listed = client.get(reverse("politikontakt:approval_list")).content.decode()
    assert "<script>alert(1)</script>" not in listed and "onerror=alert(1)>" not in listed


def test_directory_names_and_note_are_escaped(client: Any, world: Any, sorvest: Any) -> None:
    function = services.preventive_function_save(function=PreventiveFunction(
        police_district=sorvest, kind="other", other_name=HOSTILE[:120], holder_name=HOSTILE,
        phone='1"><b>', note=HOSTILE), actor=world.chief)
    client.force_login(world.leader)
    body = client.get(reverse("politikontakt:directory", args=[sorvest.code])).content.decode()
    assert_escaped(body, at_least=2)  # holder and note (the function's name is cut at 120)
    assert 'href="tel:1&quot;&gt;&lt;b&gt;"' in body
    client.force_login(world.chief)
    body = client.get(reverse("politikontakt:function_edit",
                              args=[sorvest.code, function.pk])).content.decode()
    assert_escaped(body, at_least=2)


def test_search_terms_are_reflected_as_text(client: Any, world: Any, sorvest: Any) -> None:
    """Reflected XSS: the search box and the pagination links carry the user's query back."""
    client.force_login(world.chief)
    for url in (reverse("avtaler:register"), reverse("politikontakt:assignment_list"),
                reverse("politikontakt:directory", args=[sorvest.code])):
        response = client.get(url, {"q": HOSTILE[:100]})
        assert response.status_code == 200
        body = response.content.decode()
        assert "<script>alert(1)</script>" not in body and "<img src=x" not in body, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, url
