"""Invitations by e-mail: who may invite to what, the single-use link that expires, and
acceptance that creates or links the account and the role — or refuses and changes nothing."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from samarbeid import access, invitations
from samarbeid.models import AuditEvent, Invitation, Membership, Role, SentReminder

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Et-nytt-og-langt-passord-2026"


def _invite_mayor(world: Any, **kwargs: Any) -> Invitation:
    defaults = {"email": "Nora.Ny@Stavanger.kommune.no", "name": "Nora Ny",
                "role": Role.MUNICIPAL_LEADER, "municipality": world.stavanger,
                "can_sign": True, "title": "Ordfører"}
    invitation, sent = invitations.invitation_create(actor=world.chief, **{**defaults, **kwargs})
    assert sent
    return invitation


def _link() -> str:
    match = re.search(r"http://[^\s]+(/konto/invitasjon/[A-Za-z0-9_\-]+/)", str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return match.group(1)


def _accept_with_password(client: Any, link: str) -> Any:
    return client.post(link, {"first_name": "Nora", "last_name": "Ny",
                              "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})


def test_the_district_administrator_invites_and_the_email_goes_once_in_norwegian(
        world: Any) -> None:
    invitation = _invite_mayor(world)
    assert invitation.email == "nora.ny@stavanger.kommune.no"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nora.ny@stavanger.kommune.no"]
    assert message.subject == "Invitasjon til Samarbeidsportalen: Ordfører, Stavanger"
    assert "Du er invitert" in message.body and "i 7 dager" in message.body
    assert SentReminder.objects.filter(key=f"invitation:{invitation.pk}:1", status="sent").exists()
    # Only a hash of the token is stored.
    token = _link().split("/")[-2]
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    event = AuditEvent.objects.get(action="invite", object_id=str(invitation.pk))
    assert event.summary == f"role=municipal_leader municipality={world.stavanger.pk} can_sign"
    assert "@" not in event.summary


def test_accepting_creates_the_account_and_the_role_and_logs_in(world: Any, client: Any) -> None:
    invitation = _invite_mayor(world)
    link = _link()
    page = client.get(link)
    assert page.status_code == 200
    assert "Ordfører, Stavanger" in page.content.decode()
    response = _accept_with_password(client, link)
    assert response.status_code == 302
    user = get_user_model().objects.get(email="nora.ny@stavanger.kommune.no")
    assert user.username == "nora.ny@stavanger.kommune.no" and user.first_name == "Nora"
    assert client.session[SESSION_KEY] == str(user.pk)
    membership = Membership.objects.active().get(user=user)
    assert (membership.role, membership.municipality, membership.can_sign, membership.title) == (
        Role.MUNICIPAL_LEADER, world.stavanger, True, "Ordfører")
    assert world.stavanger.pk in access.roles(user).signs_for_municipalities
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.accepted_by == user
    assert AuditEvent.objects.filter(action="accept", object_id=str(invitation.pk)).exists()
    # The membership was made by the inviter's decision.
    assert AuditEvent.objects.filter(action="create", object_type="samarbeid.membership",
                                     object_id=str(membership.pk), actor=world.chief).exists()


def test_the_link_works_once(world: Any, client: Any) -> None:
    _invite_mayor(world)
    link = _link()
    _accept_with_password(client, link)
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert "allerede godtatt" in response.content.decode()
    assert _accept_with_password(client, link).status_code == 410
    assert Membership.objects.filter(user__email="nora.ny@stavanger.kommune.no").count() == 1


def test_an_expired_link_changes_nothing(world: Any, client: Any) -> None:
    invitation = _invite_mayor(world)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1))
    link = _link()
    response = client.get(link)
    assert response.status_code == 410 and "utløpt" in response.content.decode()
    assert _accept_with_password(client, link).status_code == 410
    assert not get_user_model().objects.filter(email="nora.ny@stavanger.kommune.no").exists()


def test_the_link_expires_after_seven_days(world: Any) -> None:
    invitation = _invite_mayor(world)
    left = invitation.expires_at - timezone.now()
    assert dt.timedelta(days=6, hours=23) < left <= dt.timedelta(days=7)


def test_a_revoked_link_changes_nothing(world: Any, client: Any) -> None:
    invitation = _invite_mayor(world)
    invitations.invitation_revoke(invitation=invitation, actor=world.chief)
    link = _link()
    response = _accept_with_password(client, link)
    assert response.status_code == 410 and "trukket tilbake" in response.content.decode()
    assert not get_user_model().objects.filter(email="nora.ny@stavanger.kommune.no").exists()
    assert AuditEvent.objects.filter(action="revoke", object_id=str(invitation.pk)).exists()


def test_a_link_opened_by_another_logged_in_user_changes_nothing(world: Any,
                                                                 client: Any) -> None:
    invitation = _invite_mayor(world)
    client.force_login(world.member)
    link = _link()
    page = client.get(link)
    assert page.status_code == 403 and "logget inn som en annen" in page.content.decode()
    assert client.post(link).status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert not Membership.objects.filter(user=world.member).exists()


def test_unknown_link_gets_a_clear_page(client: Any, db: Any) -> None:
    response = client.get(reverse("invitation_accept", args=["ikke-en-ekte-lenke"]))
    assert response.status_code == 404 and "fant ingen invitasjon" in response.content.decode()


def test_a_person_with_an_account_logs_in_and_accepts_into_it(world: Any, client: Any) -> None:
    invitation = _invite_mayor(world, email=world.outsider.email, role=Role.SLT_COORDINATOR,
                               can_sign=False, title="")
    link = _link()
    page = client.get(link)
    assert "Logg inn" in page.content.decode() and "allerede en konto" in page.content.decode()
    # A password cannot be set on someone else's account through the link.
    assert _accept_with_password(client, link).status_code == 200
    assert not Membership.objects.filter(user=world.outsider, role=Role.SLT_COORDINATOR).exists()
    client.force_login(world.outsider)
    assert client.post(link).status_code == 302
    assert Membership.objects.active().filter(user=world.outsider, role=Role.SLT_COORDINATOR,
                                              municipality=world.stavanger).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == world.outsider


def test_who_may_invite_to_a_role(world: Any) -> None:
    with pytest.raises(PermissionDenied):  # outside the district
        invitations.invitation_create(actor=world.chief, email="x@bergen.kommune.no",
                                      role=Role.MUNICIPAL_LEADER, municipality=world.bergen)
    with pytest.raises(PermissionDenied):  # a mayor is no administrator
        invitations.invitation_create(actor=world.leader, email="x@stavanger.kommune.no",
                                      role=Role.SLT_COORDINATOR, municipality=world.stavanger)
    with pytest.raises(PermissionDenied):  # only national administrators make national ones
        invitations.invitation_create(actor=world.chief, email="x@politiet.no",
                                      role=Role.NATIONAL_ADMIN)
    invitations.invitation_create(actor=world.admin, email="x@bergen.kommune.no",
                                  role=Role.MUNICIPAL_LEADER, municipality=world.bergen)
    invitations.invitation_create(actor=world.admin, email="y@politiet.no",
                                  role=Role.NATIONAL_ADMIN)
    invitations.invitation_create(actor=world.chief, email="z@politiet.no",
                                  role=Role.DISTRICT_ADMIN,
                                  police_district=world.stavanger.police_district)


def test_an_invitation_needs_its_scope_and_is_not_made_twice(world: Any) -> None:
    with pytest.raises(ValidationError):
        invitations.invitation_create(actor=world.admin, email="x@example.no",
                                      role=Role.MUNICIPAL_LEADER)
    _invite_mayor(world)
    with pytest.raises(ValidationError, match="allerede invitert"):
        _invite_mayor(world)
    with pytest.raises(ValidationError, match="har allerede denne rollen"):
        invitations.invitation_create(actor=world.chief, email=world.leader.email,
                                      role=Role.MUNICIPAL_LEADER, municipality=world.stavanger)


def test_resending_makes_a_new_link_and_the_old_stops_working(world: Any, client: Any) -> None:
    invitation = _invite_mayor(world)
    old = _link()
    assert invitations.invitation_resend(invitation=invitation, actor=world.chief)
    new = _link()
    assert old != new and len(mail.outbox) == 2
    assert SentReminder.objects.filter(key=f"invitation:{invitation.pk}:2").exists()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_a_police_contact_invitation_creates_the_assignment(world: Any, client: Any) -> None:
    from politikontakt.models import Assignment

    invitations.invitation_create(actor=world.chief, email="ola@politiet.no",
                                  role=Role.POLICE_CONTACT, municipality=world.sandnes,
                                  extra={"share_of_position": 40})
    _accept_with_password(client, _link())
    assignment = Assignment.objects.get(contact__email="ola@politiet.no")
    assert assignment.municipality == world.sandnes and assignment.share_of_position == 40
    assert assignment.membership is not None and assignment.membership.is_active


def test_a_police_contact_invitation_obeys_the_rule_of_three(world: Any, client: Any) -> None:
    from politikontakt import services as contact_services
    from politikontakt.models import Assignment
    from samarbeid.models import Municipality

    contact = world.police  # already the contact for Stavanger (a membership)
    for name in ("Sandnes", "Sola"):
        contact_services.assignment_create(contact=contact, share_of_position=20,
                                           municipality=Municipality.objects.get(name=name),
                                           actor=world.chief)
    fourth = Municipality.objects.get(name="Randaberg")
    invitation, _ = invitations.invitation_create(actor=world.chief, email=contact.email,
                                                  role=Role.POLICE_CONTACT, municipality=fourth,
                                                  extra={"share_of_position": 10})
    client.force_login(contact)
    response = client.post(_link())
    assert response.status_code == 200
    assert "høyst tre kommuner" in response.content.decode() or \
        "Politidirektoratet" in response.content.decode()
    assert "Ingenting er endret" in response.content.decode()
    assert not Assignment.objects.filter(contact=contact, municipality=fourth).exists()
    assert not Membership.objects.filter(user=contact, municipality=fourth).exists()
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_the_council_chair_invites_a_member_from_business_to_that_council_only(
        world: Any, client: Any) -> None:
    from politirad.models import CouncilMember
    from tests.politirad import helpers

    council = helpers.make_council(world)  # alice chairs it
    invitation, _ = invitations.invitation_create(
        actor=world.leader, email="leder@naering.no", name="Per Næring", seat_kind="council",
        seat_object=council, seat_role="organisation_member")
    assert "Politirådet i Stavanger" in mail.outbox[-1].subject
    _accept_with_password(client, _link())
    user = get_user_model().objects.get(email="leder@naering.no")
    seat = CouncilMember.objects.get(council=council, user=user)
    assert seat.role == "organisation_member"
    assert not Membership.objects.filter(user=user).exists()
    assert client.get(reverse("politirad:council_detail", args=[council.pk])).status_code == 200
    assert client.get(reverse("municipality_detail",
                              args=[world.stavanger.number])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "accepted"


def test_who_may_invite_to_a_council(world: Any) -> None:
    from tests.politirad import helpers

    council = helpers.make_council(world)  # bob (member) holds a plain seat on it
    for outsider in (world.member, world.outsider):  # a plain seat; another municipality
        with pytest.raises(PermissionDenied):
            invitations.invitation_create(actor=outsider, email="a@b.no", seat_kind="council",
                                          seat_object=council, seat_role="other")
    for allowed in (world.police, world.chief, world.admin):
        invitations.invitation_create(actor=allowed, email=f"{allowed.username}@b.no",
                                      seat_kind="council", seat_object=council,
                                      seat_role="other")


def test_a_role_that_starts_after_a_handover_gives_access_from_that_day(
        world: Any, client: Any) -> None:
    from samarbeid import policy

    handover = timezone.localdate() + dt.timedelta(days=3)
    _invite_mayor(world, starts_on=handover)
    _accept_with_password(client, _link())
    user = get_user_model().objects.get(email="nora.ny@stavanger.kommune.no")
    assert not access.roles(user).signs_for_municipalities
    assert world.stavanger.pk in policy.build(user.pk, handover).signs_for_municipalities
