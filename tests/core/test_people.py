"""The People pages: who holds which role, since and until when, last login; invite, change
the end date, end a role, resend or revoke; the handover after an election; deactivation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samarbeid import access, invitations, policy
from samarbeid.models import AuditEvent, Invitation, Membership, Role

pytestmark = pytest.mark.django_db


def _membership(user: Any) -> Membership:
    return Membership.objects.get(user=user)


def test_the_municipality_page_lists_roles_invitations_and_last_logins(world: Any,
                                                                       client: Any) -> None:
    client.force_login(world.leader)  # a last login for alice
    invitations.invitation_create(actor=world.chief, email="slt@stavanger.kommune.no",
                                  name="Sara Slt", role=Role.SLT_COORDINATOR,
                                  municipality=world.stavanger)
    client.force_login(world.chief)
    page = client.get(reverse("people_municipality", args=[world.stavanger.number]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Personer: Stavanger" in text and world.leader.get_full_name() in text
    assert "Ordfører" in text and "signerer" in text and "Sist innlogget" in text
    assert "Sara Slt" in text and "Send på nytt" in text and "Trekk tilbake" in text
    assert reverse("people_membership", args=[_membership(world.leader).pk]) in text


def test_the_mayor_reads_the_page_but_manages_nothing(world: Any, client: Any) -> None:
    client.force_login(world.leader)
    text = client.get(reverse("people_municipality", args=[world.stavanger.number])
                      ).content.decode()
    assert "Sist innlogget" not in text and "Inviter en person" not in text
    assert client.get(reverse("people_membership", args=[_membership(world.police).pk])
                      ).status_code == 403
    assert client.get(reverse("people_invite")).status_code == 403


def test_the_municipality_page_links_to_the_people_page(world: Any, client: Any) -> None:
    client.force_login(world.chief)
    text = client.get(reverse("municipality_detail", args=[world.stavanger.number])
                      ).content.decode()
    assert reverse("people_municipality", args=[world.stavanger.number]) in text
    assert f"{reverse('people_invite')}?kommune={world.stavanger.number}" in text


def test_inviting_from_the_page(world: Any, client: Any) -> None:
    client.force_login(world.chief)
    url = reverse("people_invite") + f"?kommune={world.stavanger.number}"
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {
        "email": "nora@stavanger.kommune.no", "name": "Nora Ny", "role": Role.MUNICIPAL_LEADER,
        "municipality": world.stavanger.number, "title": "Ordfører", "can_sign": "on",
        "starts_on": timezone.localdate().isoformat(), "share_of_position": 100})
    assert response.status_code == 302
    assert response["Location"] == reverse("people_municipality", args=[world.stavanger.number])
    assert len(mail.outbox) == 1
    # Outside the district: the form offers no such municipality.
    response = client.post(url, {
        "email": "x@bergen.kommune.no", "role": Role.MUNICIPAL_LEADER,
        "municipality": world.bergen.number, "starts_on": timezone.localdate().isoformat(),
        "share_of_position": 100})
    assert response.status_code == 200 and len(mail.outbox) == 1


def test_resend_and_revoke_from_the_page(world: Any, client: Any) -> None:
    invitation, _ = invitations.invitation_create(actor=world.chief, email="a@b.no",
                                                  role=Role.SLT_COORDINATOR,
                                                  municipality=world.stavanger)
    client.force_login(world.chief)
    assert client.post(reverse("invitation_resend", args=[invitation.pk])).status_code == 302
    assert len(mail.outbox) == 2
    assert client.post(reverse("invitation_revoke", args=[invitation.pk])).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    client.force_login(world.outsider)
    assert client.post(reverse("invitation_resend", args=[invitation.pk])).status_code == 404


def test_handover_after_an_election(world: Any, client: Any) -> None:
    """The old mayor's role ends on the handover date, the new mayor's starts then: signing
    authority follows, and a version waiting for the municipality's signature shows it."""
    from avtaler.models import VersionStatus
    from tests.avtaler.helpers import sent_version

    version = sent_version(world)
    assert version.status == VersionStatus.SENT_FOR_SIGNING
    handover = timezone.localdate() + dt.timedelta(days=1)
    client.force_login(world.chief)
    old = _membership(world.leader)
    response = client.post(reverse("people_membership", args=[old.pk]),
                           {"action": "set_end", "ends_on": handover.isoformat()})
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.ends_on == handover
    assert AuditEvent.objects.filter(action="end", object_id=str(old.pk)).exists()
    # Until the handover the old mayor signs; from it, nobody until the new one is in.
    assert world.stavanger.pk in policy.build(world.leader.pk).signs_for_municipalities
    assert world.stavanger.pk not in policy.build(world.leader.pk, handover).signs_for_municipalities
    # The new mayor, from today (the handover happened): the agreement page shows her.
    invitations.invitation_create(actor=world.chief, email="nora@stavanger.kommune.no",
                                  name="Nora Ny", role=Role.MUNICIPAL_LEADER,
                                  municipality=world.stavanger, can_sign=True, title="Ordfører")
    invitation = Invitation.objects.get(email="nora@stavanger.kommune.no")
    new_mayor = invitations.invitation_accept(invitation=invitation, password="x" * 20)
    client.post(reverse("people_membership", args=[old.pk]), {"action": "end_today"})
    assert world.stavanger.pk not in policy.build(world.leader.pk).signs_for_municipalities
    assert world.stavanger.pk in access.roles(new_mayor).signs_for_municipalities
    page = client.get(reverse("avtaler:version_detail",
                              args=[version.agreement_id, version.number])).content.decode()
    assert "Venter på: Nora Ny (Ordfører)" in page
    assert world.leader.get_full_name() not in page.split("Venter på:")[1][:80]


def test_ending_a_role_today_ends_access_at_once(world: Any, client: Any) -> None:
    chief = client
    chief.force_login(world.chief)
    chief.post(reverse("people_membership", args=[_membership(world.leader).pk]),
               {"action": "end_today"})
    from django.test import Client

    alice = Client()
    alice.force_login(world.leader)
    assert alice.get(reverse("municipality_detail",
                             args=[world.stavanger.number])).status_code == 404


def test_ending_a_police_contact_role_ends_the_assignment(world: Any, client: Any) -> None:
    from politikontakt import services as contact_services
    from tests.factories import UserFactory

    contact = UserFactory(username="ny-kontakt")
    assignment = contact_services.assignment_create(contact=contact, municipality=world.sandnes,
                                                    share_of_position=50, actor=world.chief)
    assert assignment.membership is not None
    client.force_login(world.chief)
    end = timezone.localdate() + dt.timedelta(days=10)
    client.post(reverse("people_membership", args=[assignment.membership.pk]),
                {"action": "set_end", "ends_on": end.isoformat()})
    assignment.refresh_from_db()
    assert assignment.ends_on == end and assignment.membership.ends_on == end


def test_deactivating_a_person_ends_their_sessions_at_once(world: Any, client: Any) -> None:
    from django.test import Client

    alice = Client()
    alice.force_login(world.leader)
    assert alice.get(reverse("home")).status_code == 200
    client.force_login(world.chief)
    page = client.get(reverse("people_membership", args=[_membership(world.leader).pk]))
    assert "Deaktiver kontoen" in page.content.decode()
    assert client.post(reverse("user_deactivate", args=[world.leader.pk])).status_code == 302
    world.leader.refresh_from_db()
    assert not world.leader.is_active
    assert not any(s.get_decoded().get("_auth_user_id") == str(world.leader.pk)
                   for s in Session.objects.all())
    assert alice.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(action="deactivate", object_id=str(world.leader.pk)).exists()


def test_a_district_administrator_deactivates_only_people_of_the_district(world: Any,
                                                                          client: Any) -> None:
    client.force_login(world.chief)
    assert client.post(reverse("user_deactivate", args=[world.outsider.pk])).status_code == 403
    assert client.post(reverse("user_deactivate", args=[world.chief.pk])).status_code == 403


def test_the_district_page_is_an_onboarding_overview_with_a_fixed_query_count(
        world: Any, client: Any) -> None:
    from samarbeid.models import Municipality

    client.force_login(world.chief)
    url = reverse("people_district", args=[world.stavanger.police_district.code])
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n, m in enumerate(Municipality.objects.filter(
            police_district=world.stavanger.police_district)[:12]):
        invitations.invitation_create(actor=world.chief, email=f"p{n}@k.no",
                                      role=Role.SLT_COORDINATOR, municipality=m)
    client.get(url)  # the writes name the chief: the user row is read again once
    assert count() == few
    text = client.get(url).content.decode()
    assert "Signerer for kommunen" in text and world.leader.get_full_name() in text
    assert "Ingen" in text  # municipalities without a signatory stand out


def test_the_council_people_page(world: Any, client: Any) -> None:
    from politirad.models import CouncilMember
    from tests.politirad import helpers

    council = helpers.make_council(world)
    client.force_login(world.leader)  # the chair
    url = reverse("people_seat", args=["council", council.pk])
    detail = client.get(reverse("politirad:council_detail", args=[council.pk])).content.decode()
    assert url in detail
    page = client.get(url)
    assert page.status_code == 200 and "Inviter et medlem" in page.content.decode()
    response = client.post(url, {"action": "invite", "email": "skole@vgs.no", "name": "Siri",
                                 "seat_role": "organisation_member"})
    assert response.status_code == 302 and len(mail.outbox) == 1
    seat = CouncilMember.objects.get(council=council, user=world.member)
    client.post(url, {"action": "end_seat", "seat": seat.pk})
    seat.refresh_from_db()
    assert seat.ends_on == timezone.localdate()
