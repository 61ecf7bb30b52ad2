"""Signed text never changes, whoever tries: model, queryset, M2M, measures, signatures, admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from avtaler.models import AgreementMeasure, AgreementVersion, FocusArea, Signature, SignedVersionError

from .helpers import draft, in_force_version, sent_version


@pytest.fixture
def signed(world: Any) -> AgreementVersion:
    return in_force_version(world)


def test_save_with_changed_text_is_refused(signed: AgreementVersion) -> None:
    signed.strategies = "Noe annet"
    with pytest.raises(SignedVersionError):
        signed.save()
    assert AgreementVersion.objects.get(pk=signed.pk).strategies != "Noe annet"


def test_message_says_what_to_do(signed: AgreementVersion) -> None:
    from django.utils import translation

    with translation.override("nb"):
        message = SignedVersionError().messages[0]
    assert "revisjonsutkast" in message


def test_a_sent_version_is_frozen_too(world: Any) -> None:
    version = sent_version(world)
    version.meetings_per_year = 1
    with pytest.raises(SignedVersionError):
        version.save()


def test_status_cannot_go_back_to_draft(signed: AgreementVersion) -> None:
    signed.status = "draft"
    with pytest.raises(SignedVersionError):
        signed.save()


def test_delete_is_refused_on_instance_queryset_and_agreement(signed: AgreementVersion) -> None:
    with pytest.raises(SignedVersionError):
        signed.delete()
    with pytest.raises(SignedVersionError):
        AgreementVersion.objects.filter(pk=signed.pk).delete()
    with pytest.raises(SignedVersionError):
        signed.agreement.delete()
    assert AgreementVersion.objects.filter(pk=signed.pk).exists()


def test_bulk_update_of_the_text_is_refused(signed: AgreementVersion) -> None:
    with pytest.raises(SignedVersionError):
        AgreementVersion.objects.filter(pk=signed.pk).update(strategies="Bulk")
    with pytest.raises(SignedVersionError):
        AgreementVersion.objects.filter(pk=signed.pk).update(status="draft")
    # Lifecycle fields are not the text: the services and scans may write them.
    assert AgreementVersion.objects.filter(pk=signed.pk).update(revision_due="2030-01-01") == 1


def test_measures_and_focus_areas_are_frozen(signed: AgreementVersion) -> None:
    measure = signed.measures.get()
    measure.title = "Endret"
    with pytest.raises(SignedVersionError):
        measure.save()
    with pytest.raises(SignedVersionError):
        measure.delete()
    with pytest.raises(SignedVersionError):
        AgreementMeasure.objects.create(version=signed, title="Nytt tiltak")
    with pytest.raises(SignedVersionError):
        AgreementMeasure.objects.filter(version=signed).update(title="Bulk")
    with pytest.raises(SignedVersionError):
        signed.measures.all().delete()
    other = FocusArea.objects.get(name="Hatkriminalitet")
    # M2M writes run in the caller's transaction: a savepoint keeps the test's usable.
    with pytest.raises(SignedVersionError), transaction.atomic():
        signed.focus_areas.add(other)
    with pytest.raises(SignedVersionError), transaction.atomic():
        signed.focus_areas.clear()
    with pytest.raises(SignedVersionError), transaction.atomic():
        other.versions.add(signed)
    assert signed.focus_areas.count() == 1


def test_draft_stays_editable(world: Any) -> None:
    version = draft(world)
    version.strategies = "Nytt"
    version.save()
    version.focus_areas.add(FocusArea.objects.get(name="Hatkriminalitet"))
    assert version.focus_areas.count() == 2


def test_signatures_are_never_edited_or_deleted(signed: AgreementVersion) -> None:
    sig = Signature.objects.filter(version=signed).first()
    assert sig is not None
    sig.name = "Noen andre"
    with pytest.raises(ValidationError):
        sig.save()
    with pytest.raises(ValidationError):
        sig.delete()


def test_admin_refuses_changing_a_signed_version(signed: AgreementVersion, client: Any,
                                                 django_user_model: Any) -> None:
    admin_user = django_user_model.objects.create_superuser("root", "root@example.no", "x")
    client.force_login(admin_user)
    url = reverse("admin:avtaler_agreementversion_change", args=[signed.pk])
    response = client.get(url)
    assert response.status_code == 200
    client.post(url, {"strategies": "Admin endret", "meetings_per_year": 9})
    signed.refresh_from_db()
    assert signed.strategies != "Admin endret" and signed.meetings_per_year != 9
    response = client.post(reverse("admin:avtaler_agreementversion_delete", args=[signed.pk]),
                           {"post": "yes"})
    assert response.status_code == 403
    assert AgreementVersion.objects.filter(pk=signed.pk).exists()
