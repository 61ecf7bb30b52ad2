"""A focus area's name is part of the signed text (Veileder §3): renaming or deleting one
that a signed version chose would change that text behind its fingerprint. Refused in the
model, in bulk and in the admin (with the reason)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from avtaler import canonical
from avtaler.models import FocusArea, SignedVersionError
from samarbeid.models import AuditAction, AuditEvent
from tests.avtaler.helpers import draft, in_force_version

pytestmark = pytest.mark.django_db


def test_focus_area_of_a_signed_version_cannot_be_renamed_or_deleted(world: Any) -> None:
    version = in_force_version(world)
    area = version.focus_areas.get()
    area.name = "Noe annet"
    with pytest.raises(SignedVersionError):
        area.save()
    with pytest.raises(SignedVersionError), transaction.atomic():
        area.delete()
    with pytest.raises(SignedVersionError), transaction.atomic():
        FocusArea.objects.filter(pk=area.pk).update(name="Bulk")
    with pytest.raises(SignedVersionError), transaction.atomic():
        FocusArea.objects.filter(pk=area.pk).delete()
    area.refresh_from_db()
    version.refresh_from_db()
    assert canonical.fingerprint(version) == version.fingerprint
    area.order = 5  # not the text: allowed
    area.save()


def test_focus_area_used_only_by_drafts_stays_editable(world: Any) -> None:
    version = draft(world)
    area = version.focus_areas.get()
    area.name = "Trafikksikkerhet og skolevei"
    area.save()
    assert FocusArea.objects.filter(pk=area.pk).update(name="Trafikk") == 1


def test_admin_explains_the_refusal_and_records_allowed_changes(client: Any, world: Any) -> None:
    version = in_force_version(world)
    area = version.focus_areas.get()
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(superuser)
    url = reverse("admin:avtaler_focusarea_change", args=[area.pk])
    response = client.post(url, {"name": "Nytt navn", "is_standard": "on", "order": area.order})
    assert response.status_code == 200
    assert "ikke gis nytt navn eller slettes" in response.content.decode()
    assert client.post(reverse("admin:avtaler_focusarea_delete", args=[area.pk]),
                       {"post": "yes"}).status_code == 403
    response = client.post(url, {"name": area.name, "is_standard": "on", "order": 1})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(object_type="avtaler.focusarea", object_id=str(area.pk),
                                     action=AuditAction.CHANGE, actor=superuser).exists()
