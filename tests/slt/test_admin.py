"""The admin lists and opens SLT objects, and its saves obey the model rules."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory

from .helpers import measure, slt_model


@pytest.mark.parametrize("model", ["sltmodel", "sltmeasure", "levelmember", "levelmeeting",
                                   "sltactionplan"])
def test_admin_changelists(world, client, model):
    m = measure(slt_model(world.stavanger))
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert client.get(reverse(f"admin:slt_{model}_changelist")).status_code == 200
    if model == "sltmeasure":
        assert client.get(reverse("admin:slt_sltmeasure_change", args=[m.pk])).status_code == 200
