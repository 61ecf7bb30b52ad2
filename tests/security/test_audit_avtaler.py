"""Audit trail of agreements (issue 7 §3): every create, change, send, signing, entry into
force, revision, withdrawal, decline and export records who, what, when (UTC) and the object;
the history shows on the agreement page to those who may read it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from avtaler import services
from avtaler.models import Agreement, AgreementVersion
from samarbeid.models import AuditAction, AuditEvent
from tests.avtaler.helpers import draft, sent_version

pytestmark = pytest.mark.django_db


def _events(obj: Any) -> list[tuple[str, Any]]:
    return list(AuditEvent.objects.filter(object_type=obj._meta.label_lower,
                                          object_id=str(obj.pk))
                .order_by("at", "pk").values_list("action", "actor"))


def test_lifecycle_is_recorded_with_actor_time_and_object(world: Any) -> None:
    before = dt.datetime.now(dt.UTC)
    version = draft(world)
    agreement = version.agreement
    services.version_send_for_signing(version=version, actor=world.police)
    services.version_sign(version=version, actor=world.leader)
    services.version_sign(version=version, actor=world.chief)
    revision = services.version_create_revision(agreement=agreement, actor=world.police)

    assert _events(agreement) == [(AuditAction.CREATE, world.police.pk)]
    assert _events(version) == [
        (AuditAction.CHANGE, world.police.pk), (AuditAction.SEND, world.police.pk),
        (AuditAction.SIGN, world.leader.pk), (AuditAction.SIGN, world.chief.pk),
        (AuditAction.IN_FORCE, world.chief.pk),
    ]
    assert _events(revision) == [(AuditAction.CREATE, world.police.pk)]
    for event in AuditEvent.objects.filter(object_type__startswith="avtaler."):
        assert event.at.utcoffset() == dt.timedelta(0) and event.at >= before
        assert event.action in AuditAction.values


def test_withdraw_and_decline_are_recorded_without_the_free_text(world: Any) -> None:
    version = sent_version(world)
    services.version_withdraw(version=version, actor=world.police)
    assert (AuditAction.WITHDRAW, world.police.pk) in _events(version)

    other = services.agreement_create(municipality=world.sandnes, actor=world.chief)
    note = "Kommunestyret vedtok 12. mars at Per Hansen ikke ønsker avtale"
    services.agreement_decline(agreement=other, actor=world.chief, note=note)
    event = AuditEvent.objects.get(action=AuditAction.DECLINE)
    assert event.object_id == str(other.pk) and event.actor == world.chief
    # The decision is personal free text: it stays on the agreement, not in the log.
    assert "Per Hansen" not in event.summary and "vedtok" not in event.summary


def test_pdf_and_scanned_copy_downloads_are_recorded_as_exports(client: Any, world: Any,
                                                                reader: Any) -> None:
    version = sent_version(world)
    scan = SimpleUploadedFile("skann.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    services.version_sign(version=version, actor=world.leader, signed_pdf=scan)
    client.force_login(reader)
    pk, number = version.agreement_id, version.number
    response = client.get(reverse("avtaler:pdf", args=[pk, number]))
    assert response.status_code == 200
    response = client.get(reverse("avtaler:signed_copy", args=[pk, number, "municipality"]))
    assert response.status_code == 200
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(version.pk))
    assert sorted(exports.values_list("summary", flat=True)) == [
        f"samarbeidsavtale-{world.stavanger.number}-v1.pdf", "signert-municipality-v1.pdf"]
    assert {e.actor_id for e in exports} == {reader.pk}
    assert all(e.ip_address == "127.0.0.1" for e in exports)


def test_view_posts_record_create_change_and_send(client: Any, world: Any) -> None:
    client.force_login(world.police)
    response = client.post(reverse("avtaler:create", args=[world.stavanger.number]),
                           {"kind": "municipality"})
    assert response.status_code == 302
    agreement = Agreement.objects.get(municipality=world.stavanger)
    version = agreement.versions.get()
    response = client.post(reverse("avtaler:edit", args=[agreement.pk, 1]), {
        "strategies": "Trygghet", "meetings_per_year": 2, "agenda_lead_days": 7,
        "evaluation_interval_months": 12, "measures-TOTAL_FORMS": 0,
        "measures-INITIAL_FORMS": 0})
    assert response.status_code == 302
    assert client.post(reverse("avtaler:send", args=[agreement.pk, 1])).status_code == 302
    assert _events(agreement) == [(AuditAction.CREATE, world.police.pk)]
    assert _events(version) == [(AuditAction.CHANGE, world.police.pk),
                                (AuditAction.SEND, world.police.pk)]


def test_admin_changes_and_deletions_are_recorded(client: Any, world: Any) -> None:
    version = draft(world)
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(superuser)
    url = reverse("admin:avtaler_agreementversion_change", args=[version.pk])
    response = client.post(url, {
        "strategies": "Endret i admin", "meetings_per_year": 4, "agenda_lead_days": 7,
        "evaluation_interval_months": 12, "evaluation_method": "gll",
        "revision_interval_months": 24, "forms_of_cooperation": "[]",
        "measures-TOTAL_FORMS": 0, "measures-INITIAL_FORMS": 0,
        "signatures-TOTAL_FORMS": 0, "signatures-INITIAL_FORMS": 0})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _events(version)[-1] == (AuditAction.CHANGE, superuser.pk)
    version_pk = version.pk
    response = client.post(reverse("admin:avtaler_agreementversion_delete", args=[version_pk]),
                           {"post": "yes"})
    assert response.status_code == 302
    assert not AgreementVersion.objects.filter(pk=version_pk).exists()
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, object_id=str(version_pk),
                                     object_type="avtaler.agreementversion",
                                     actor=superuser).exists()


def test_history_is_on_the_detail_page_for_members_and_hidden_from_outsiders(
        client: Any, world: Any, reader: Any) -> None:
    version = sent_version(world)
    client.force_login(reader)
    body = client.get(reverse("avtaler:detail", args=[version.agreement_id])).content.decode()
    history = body.split('id="agreement-history-heading"')[1]
    assert 'class="mt-4 history"' in history
    # Who (the police contact), what (Sendt / Endret) for the version; Opprettet for the agreement.
    assert world.police.get_full_name() in history
    assert "Sendt" in history and "Endret" in history and "Opprettet" in history
    client.force_login(world.outsider)
    for url in (reverse("avtaler:detail", args=[version.agreement_id]),
                reverse("avtaler:version_detail", args=[version.agreement_id, 1])):
        assert client.get(url).status_code == 404
