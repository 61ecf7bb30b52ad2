"""The cheap layout: the menu is memoised per role set and language, never per first visitor."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from samarbeid import context_processors

pytestmark = pytest.mark.django_db


def _menu(client: Any) -> str:
    body = client.get(reverse("home")).content.decode()
    return body.split('id="mainnav"', 1)[1].split("</ul>", 1)[0]


def test_a_menu_built_for_an_administrator_is_not_shown_to_a_member(client: Any,
                                                                    world: Any) -> None:
    context_processors._NAV_MEMO.clear()
    people = reverse("people_index")
    client.force_login(world.admin)
    assert people in _menu(client)
    client.force_login(world.member)
    assert people not in _menu(client)
    client.force_login(world.admin)
    assert people in _menu(client)  # from the memo, still the administrator's


def test_role_sets_differ_by_role_not_by_person(world: Any) -> None:
    assert context_processors.role_set(world.admin) != context_processors.role_set(world.member)
