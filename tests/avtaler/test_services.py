from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from avtaler import services
from avtaler.models import Agreement, AgreementStatus, AgreementVersion, Signature, VersionStatus
from avtaler.selectors import agreement_terms
from samarbeid.models import AuditEvent, Participation, Role
from tests.factories import user_with_role

from .helpers import draft, in_force_version, sent_version


def test_create_starts_a_draft_and_refuses_a_second_agreement(world: Any) -> None:
    agreement = services.agreement_create(municipality=world.stavanger, actor=world.police)
    assert agreement.status == AgreementStatus.DRAFT
    assert agreement.police_district == world.stavanger.police_district
    assert [v.number for v in agreement.versions.all()] == [1]
    latest = agreement.latest_version
    assert latest is not None and latest.number == 1
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(municipality=world.stavanger, actor=world.leader)
    assert exc.value.code == "exists"


def test_outsider_and_reader_cannot_create(world: Any) -> None:
    for user in (world.outsider, world.member):
        with pytest.raises(ValidationError):
            services.agreement_create(municipality=world.stavanger, actor=user)
    assert not Agreement.objects.exists()


def test_update_draft_then_send_freezes_the_text(world: Any) -> None:
    version = draft(world, strategies="Mål A")
    assert version.measures.count() == 1
    sent = services.version_send_for_signing(version=version, actor=world.police)
    assert sent.status == VersionStatus.SENT_FOR_SIGNING
    assert len(sent.fingerprint) == 64
    assert Agreement.objects.get().status == AgreementStatus.SENT_FOR_SIGNING
    with pytest.raises(ValidationError) as exc:
        services.version_update(version=sent, actor=world.police, data={"strategies": "Endret"})
    assert exc.value.code == "locked"
    sent.refresh_from_db()
    assert sent.strategies == "Mål A"


def test_empty_draft_cannot_be_sent(world: Any) -> None:
    agreement = services.agreement_create(municipality=world.stavanger, actor=world.police)
    with pytest.raises(ValidationError) as exc:
        services.version_send_for_signing(version=agreement.versions.get(), actor=world.police)
    assert exc.value.code == "empty"


def test_both_signatures_put_the_version_in_force(world: Any) -> None:
    version = sent_version(world)
    sig = services.version_sign(version=version, actor=world.leader)
    assert sig.party == "municipality" and sig.role_title == "Ordfører"
    assert sig.fingerprint == version.fingerprint
    version.refresh_from_db()
    assert version.status == VersionStatus.SENT_FOR_SIGNING
    police_sig = services.version_sign(version=version, actor=world.chief)
    assert police_sig.party == "police" and police_sig.role_title == "Politimester"
    assert police_sig.signed_at.tzinfo is not None
    version.refresh_from_db()
    assert version.status == VersionStatus.IN_FORCE
    assert version.revision_due == services.AgreementVersion.compute_revision_due(
        version, timezone.localdate())
    agreement = version.agreement
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_FORCE
    assert agreement.in_force_version_id == version.pk
    world.stavanger.refresh_from_db()
    assert world.stavanger.participation == Participation.TAKING_PART
    assert AuditEvent.objects.filter(action="sign").count() == 2


def test_signing_needs_authority_and_only_for_own_party(world: Any) -> None:
    version = sent_version(world)
    for user in (world.police, world.member, world.outsider, world.admin):
        with pytest.raises(ValidationError) as exc:
            services.version_sign(version=version, actor=user)
        assert exc.value.code == "authority"
    with pytest.raises(ValidationError) as exc:
        services.version_sign(version=version, actor=world.leader, party="police")
    assert exc.value.code == "authority"
    services.version_sign(version=version, actor=world.leader)
    with pytest.raises(ValidationError) as exc:
        services.version_sign(version=version, actor=world.leader)
    assert exc.value.code == "signed"
    assert Signature.objects.count() == 1


def test_a_draft_cannot_be_signed(world: Any) -> None:
    version = draft(world)
    with pytest.raises(ValidationError) as exc:
        services.version_sign(version=version, actor=world.leader)
    assert exc.value.code == "state"


def test_delegate_of_the_police_may_sign(world: Any) -> None:
    from samarbeid.models import OperationalUnit

    unit = OperationalUnit.objects.get(pk=world.stavanger.operational_unit_id)
    delegate = user_with_role(Role.POLICE_LEADERSHIP, username="delegat", can_sign=True,
                              title="Stabssjef", operational_unit=unit)
    version = sent_version(world)
    sig = services.version_sign(version=version, actor=delegate)
    assert sig.party == "police" and sig.role_title == "Stabssjef"


def test_revision_copies_and_supersedes_on_signing(world: Any) -> None:
    first = in_force_version(world, meetings_per_year=4)
    revision = services.version_create_revision(agreement=first.agreement, actor=world.police)
    assert revision.number == 2 and revision.status == VersionStatus.DRAFT
    assert revision.strategies == first.strategies
    assert [m.title for m in revision.measures.all()] == ["Felles ruspatrulje"]
    assert list(revision.focus_areas.all()) == list(first.focus_areas.all())
    with pytest.raises(ValidationError) as exc:
        services.version_create_revision(agreement=first.agreement, actor=world.police)
    assert exc.value.code == "open"
    services.version_update(version=revision, actor=world.police, data={"meetings_per_year": 6})
    # The old version stays in force until the new one is signed by both (§3).
    assert agreement_terms([world.stavanger.pk])[world.stavanger.pk].meetings_per_year == 4
    services.version_send_for_signing(version=revision, actor=world.leader)
    services.version_sign(version=revision, actor=world.leader)
    services.version_sign(version=revision, actor=world.chief)
    first.refresh_from_db()
    revision.refresh_from_db()
    assert first.status == VersionStatus.SUPERSEDED and first.superseded_at is not None
    assert revision.status == VersionStatus.IN_FORCE
    terms = agreement_terms([world.stavanger.pk])[world.stavanger.pk]
    assert terms.agreement_version_id == revision.pk and terms.meetings_per_year == 6


def test_decline_is_recorded_as_the_municipalitys_choice(world: Any) -> None:
    version = draft(world)
    with pytest.raises(ValidationError):
        services.agreement_decline(agreement=version.agreement, actor=world.leader, note=" ")
    agreement = services.agreement_decline(agreement=version.agreement, actor=world.leader,
                                           note="Kommunestyret vedtok 3.3. å bruke politiråd "
                                                "uten avtale.", declined_on=dt.date(2026, 3, 3))
    assert agreement.status == AgreementStatus.DECLINED
    world.stavanger.refresh_from_db()
    assert world.stavanger.participation == Participation.DECLINED
    with pytest.raises(ValidationError) as exc:
        services.version_send_for_signing(version=version, actor=world.police)
    assert exc.value.code == "declined"
    # After a decline the police may offer a new agreement.
    assert services.agreement_create(municipality=world.stavanger, actor=world.police).pk


def test_in_force_agreement_cannot_be_declined(world: Any) -> None:
    version = in_force_version(world)
    with pytest.raises(ValidationError) as exc:
        services.agreement_decline(agreement=version.agreement, actor=world.leader, note="Nei")
    assert exc.value.code == "in_force"


def test_scanned_copy_must_be_a_pdf_within_the_size_limit(world: Any, settings: Any) -> None:
    version = sent_version(world)
    fake = SimpleUploadedFile("avtale.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        services.version_sign(version=version, actor=world.leader, signed_pdf=fake)
    assert exc.value.code == "type"
    settings.MAX_UPLOAD_SIZE = 100
    big = SimpleUploadedFile("avtale.pdf", b"%PDF-1.4\n" + b"0" * 200)
    with pytest.raises(ValidationError) as exc:
        services.version_sign(version=version, actor=world.leader, signed_pdf=big)
    assert exc.value.code == "size"
    settings.MAX_UPLOAD_SIZE = 10_000
    ok = SimpleUploadedFile("skannet.pdf", b"%PDF-1.4\n%%EOF\n")
    sig = services.version_sign(version=version, actor=world.leader, signed_pdf=ok)
    assert sig.wet_ink_pdf.read().startswith(b"%PDF-")
    assert not AgreementVersion.objects.filter(status=VersionStatus.IN_FORCE).exists()


def test_county_and_school_variants(world: Any) -> None:
    from samarbeid.models import Organisation, OrganisationKind

    county = services.agreement_create(municipality=world.stavanger, actor=world.police,
                                       kind="county")
    assert county.county == world.stavanger.county
    assert str(world.stavanger.county) in county.first_party_name
    school = Organisation.objects.create(name="St. Olav vgs", kind=OrganisationKind.UPPER_SECONDARY_SCHOOL,
                                         municipality=world.stavanger)
    agreement = services.agreement_create(municipality=world.stavanger, actor=world.police,
                                          kind="school", organisation=school)
    assert agreement.first_party_name == "St. Olav vgs"
    with pytest.raises(ValidationError):
        services.agreement_create(municipality=world.stavanger, actor=world.police, kind="school")
    # The municipality agreement is still possible beside the variants.
    assert services.agreement_create(municipality=world.stavanger, actor=world.police).pk


def test_withdraw_keeps_the_sent_text_and_opens_a_new_draft(world: Any) -> None:
    version = sent_version(world)
    services.version_sign(version=version, actor=world.leader)
    with pytest.raises(ValidationError):
        services.version_withdraw(version=version, actor=world.member)
    new_draft = services.version_withdraw(version=version, actor=world.police)
    version.refresh_from_db()
    assert version.status == VersionStatus.WITHDRAWN and version.is_locked
    assert version.signatures.count() == 1  # the record of what was signed stays
    assert new_draft.number == 2 and new_draft.status == VersionStatus.DRAFT
    assert new_draft.strategies == version.strategies
    with pytest.raises(ValidationError) as exc:
        services.version_sign(version=version, actor=world.chief)
    assert exc.value.code == "state"
    with pytest.raises(ValidationError) as exc:
        services.version_withdraw(version=new_draft, actor=world.police)
    assert exc.value.code == "state"
    assert Agreement.objects.get().status == AgreementStatus.DRAFT
