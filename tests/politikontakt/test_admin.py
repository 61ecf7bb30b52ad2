"""The Django admin goes through the service: the rule of three holds there too."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from politikontakt.models import Assignment
from samarbeid.models import Membership, Role
from tests.factories import UserFactory

from .conftest import assign

pytestmark = pytest.mark.django_db


def _post(client: Any, contact: Any, municipality: Any) -> Any:
    return client.post(reverse("admin:politikontakt_assignment_add"), {
        "contact": contact.pk, "municipality": municipality.pk, "operational_unit": "",
        "starts_on": timezone.localdate().isoformat(), "ends_on": "",
        "share_of_position": 20, "mandate": "",
    })


def test_admin_add_obeys_the_rule_of_three_and_creates_the_membership(
        client: Any, officer: Any, places: Any) -> None:
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for name in ["Stavanger", "Sandnes"]:
        assign(officer, places[name])
    response = _post(client, officer, places["Sola"])
    assert response.status_code == 302
    assert Membership.objects.filter(user=officer, role=Role.POLICE_CONTACT,
                                     municipality=places["Sola"]).exists()
    response = _post(client, officer, places["Randaberg"])
    assert response.status_code == 200
    assert "Politidirektoratet" in response.content.decode()
    assert Assignment.objects.filter(contact=officer).count() == 3
    assert not Membership.objects.filter(user=officer, municipality=places["Randaberg"]).exists()
