"""Single sign-on against a real OpenID provider running on 127.0.0.1 (tests/oidc_provider.py):
the whole authorization code flow with PKCE over HTTP, and the refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from samarbeid import invitations, oidc, services
from samarbeid.models import AuditEvent, ExternalIdentity, Membership, Role

from .sso import authorize, idp, sso_login  # noqa: F401 — the fixture

pytestmark = pytest.mark.django_db


def _logged_in_as(client: Any) -> str | None:
    return client.session.get(SESSION_KEY)


def _verified(user: Any, **extra: Any) -> dict[str, Any]:
    return {"sub": f"entra-{user.username}", "email": user.email.upper(),
            "email_verified": True, **extra}


def test_login_links_the_user_by_verified_email_then_by_the_stored_link(
        world: Any, client: Any, idp: Any) -> None:  # noqa: F811
    idp.next_claims = _verified(world.leader)
    response = sso_login(client, next="/kommuner/")
    assert response.status_code == 302 and response["Location"] == "/kommuner/"
    assert _logged_in_as(client) == str(world.leader.pk)
    identity = ExternalIdentity.objects.get(user=world.leader)
    assert identity.kind == "sub" and len(identity.subject_hash) == 64
    assert "entra-alice" not in identity.subject_hash
    assert AuditEvent.objects.filter(action="login", object_id=str(world.leader.pk)).exists()
    # The link holds even when the provider's e-mail changes later.
    client.logout()
    idp.next_claims = {"sub": "entra-alice", "email": "ny@adresse.no", "email_verified": True}
    sso_login(client)
    assert _logged_in_as(client) == str(world.leader.pk)


def test_the_request_uses_pkce_state_nonce_and_the_token_endpoint_checks_the_verifier(
        world: Any, client: Any, idp: Any) -> None:  # noqa: F811
    idp.next_claims = _verified(world.leader)
    sso_login(client)
    sent = idp.authorize_requests[-1]
    assert sent["code_challenge_method"] == "S256" and len(sent["code_challenge"]) == 43
    assert len(sent["state"]) >= 40 and len(sent["nonce"]) >= 40
    assert sent["redirect_uri"].endswith(reverse("sso_callback", args=["entra"]))
    token_request = idp.token_requests[-1]
    assert len(token_request["code_verifier"]) >= 43 and "code_verifier" not in sent
    # A different verifier would have been refused by the provider: the flow really used PKCE.
    assert _logged_in_as(client) == str(world.leader.pk)


def _refused(client: Any, response: Any, status: int, text: str) -> None:
    assert response.status_code == status
    assert text in response.content.decode()
    assert _logged_in_as(client) is None


def test_a_tampered_id_token_is_refused(world: Any, client: Any, idp: Any) -> None:  # noqa: F811
    idp.next_claims = _verified(world.leader)
    idp.tamper = True
    _refused(client, sso_login(client), 400, "kunne ikke bekreftes")
    assert AuditEvent.objects.filter(action="login_failed", summary="sso:entra:token").exists()


def test_a_token_signed_with_another_key_is_refused(world: Any, client: Any,
                                                   idp: Any) -> None:  # noqa: F811
    idp.next_claims = _verified(world.leader)
    idp.sign_with_other_key = True
    _refused(client, sso_login(client), 400, "kunne ikke bekreftes")


def test_a_token_for_another_audience_is_refused(world: Any, client: Any,
                                                idp: Any) -> None:  # noqa: F811
    idp.next_claims = _verified(world.leader)
    idp.overrides = {"aud": "another-client"}
    _refused(client, sso_login(client), 400, "kunne ikke bekreftes")


def test_an_expired_token_is_refused(world: Any, client: Any, idp: Any) -> None:  # noqa: F811
    idp.next_claims = _verified(world.leader)
    past = int(timezone.now().timestamp()) - 3600
    idp.overrides = {"exp": past, "iat": past - 300}
    _refused(client, sso_login(client), 400, "kunne ikke bekreftes")


def test_a_token_from_another_issuer_is_refused(world: Any, client: Any,
                                               idp: Any) -> None:  # noqa: F811
    idp.next_claims = _verified(world.leader)
    idp.overrides = {"iss": "https://evil.example"}
    _refused(client, sso_login(client), 400, "kunne ikke bekreftes")


def test_a_replayed_state_is_refused(world: Any, client: Any, idp: Any) -> None:  # noqa: F811
    idp.next_claims = _verified(world.leader)
    callback = authorize(client)
    assert client.get(callback).status_code == 302
    client.logout()
    _refused(client, client.get(callback), 400, "allerede brukt")
    # An unknown state, with a valid code, is refused too.
    other = authorize(client).replace("state=", "state=x")
    _refused(client, client.get(other), 400, "allerede brukt")


def test_an_unknown_person_gets_a_clear_refusal_and_nothing_is_created(
        world: Any, client: Any, idp: Any) -> None:  # noqa: F811
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.count()
    idp.next_claims = {"sub": "ukjent", "email": "ukjent@example.no", "email_verified": True}
    _refused(client, sso_login(client), 403, "invitasjon")
    assert get_user_model().objects.count() == users
    assert not ExternalIdentity.objects.exists()


def test_an_unverified_email_links_no_one(world: Any, client: Any, idp: Any) -> None:  # noqa: F811
    idp.next_claims = {"sub": "x", "email": world.leader.email, "email_verified": False}
    _refused(client, sso_login(client), 403, "invitasjon")


def test_a_user_whose_role_has_ended_is_refused_with_the_date(
        world: Any, client: Any, idp: Any) -> None:  # noqa: F811
    membership = Membership.objects.get(user=world.outsider)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Membership.objects.filter(pk=membership.pk).update(starts_on=yesterday - dt.timedelta(days=9))
    membership.refresh_from_db()
    services.membership_end(membership=membership, ends_on=yesterday, actor=world.admin)
    idp.next_claims = _verified(world.outsider)
    response = sso_login(client)
    _refused(client, response, 403, "avsluttet")
    assert yesterday.strftime("%Y") in response.content.decode()


def test_a_deactivated_user_is_refused(world: Any, client: Any, idp: Any) -> None:  # noqa: F811
    world.leader.is_active = False
    world.leader.save()
    idp.next_claims = _verified(world.leader)
    _refused(client, sso_login(client), 403, "deaktivert")


def test_idporten_links_by_invitation_and_stores_the_person_number_only_hashed(
        world: Any, client: Any, idp: Any) -> None:  # noqa: F811
    invitation, _ = invitations.invitation_create(
        actor=world.chief, email="ny.ordforer@stavanger.kommune.no", name="Nora Ny",
        role=Role.MUNICIPAL_LEADER, municipality=world.stavanger, can_sign=True,
        title="Ordfører")
    token = _token_from_mail()
    pid = "01017012345"
    idp.next_claims = {"sub": "pairwise-1", "pid": pid, "acr": "idporten-loa-high"}
    # Without the invitation the person is unknown: ID-porten gives no e-mail to link by.
    _refused(client, sso_login(client, "idporten"), 403, "invitasjon")
    response = sso_login(client, "idporten", invitation=token)
    assert response.status_code == 302
    invitation.refresh_from_db()
    user = invitation.accepted_by
    assert user is not None
    assert invitation.status == "accepted" and _logged_in_as(client) == str(user.pk)
    assert Membership.objects.active().get(user=user).can_sign
    identity = ExternalIdentity.objects.get(user=user)
    assert identity.kind == "pid"
    assert pid not in identity.subject_hash
    assert not ExternalIdentity.objects.filter(subject_hash__contains=pid).exists()
    assert all(pid not in e.summary for e in AuditEvent.objects.all())
    # Next time the person number finds the account, in another browser.
    from django.test import Client

    other = Client()
    assert sso_login(other, "idporten").status_code == 302
    assert other.session[SESSION_KEY] == str(user.pk)
    assert other.session["sso_acr"] == "high"


def test_sso_never_creates_a_role(world: Any, client: Any, idp: Any) -> None:  # noqa: F811
    idp.next_claims = _verified(world.member)  # bob: an account, no role, no seat
    before = Membership.objects.count()
    _refused(client, sso_login(client), 403, "ingen rolle")
    assert Membership.objects.count() == before


def test_login_page_offers_the_providers_and_works_without_any(
        world: Any, client: Any, settings: Any, idp: Any) -> None:  # noqa: F811
    page = client.get(reverse("login")).content.decode()
    assert "Entra" in page and "Idporten" in page
    settings.OIDC_PROVIDERS = {}
    page = client.get(reverse("login")).content.decode()
    assert "sso/" not in page
    assert client.get(reverse("sso_start", args=["entra"])).status_code == 404


def test_unreachable_provider_gets_a_clear_page(world: Any, client: Any, settings: Any) -> None:
    from tests.oidc_provider import LocalProvider, provider_settings

    dead = LocalProvider()  # never started: nothing listens on its port
    dead.server.server_close()
    settings.OIDC_PROVIDERS = {"entra": provider_settings(dead, "entra", link="email")}
    response = client.get(reverse("sso_start", args=["entra"]))
    assert response.status_code == 400 and "kan ikke nås" in response.content.decode()


def test_identity_hash_is_keyed(settings: Any) -> None:
    provider = oidc.Provider(name="idporten", issuer="https://idporten.no", client_id="c",
                             client_secret="", scopes="openid", acr="", label="ID-porten",
                             link="pid", trust_email=False, token_auth="client_secret_post",
                             algorithms=("RS256",))
    first = oidc.identity_key(provider, {"pid": "01017012345", "sub": "s"})
    settings.IDENTITY_HASH_KEY = "another-key"
    assert oidc.identity_key(provider, {"pid": "01017012345", "sub": "s"}) != first


def _token_from_mail() -> str:
    import re

    from django.core import mail

    match = re.search(r"/konto/invitasjon/([A-Za-z0-9_\-]+)/", str(mail.outbox[-1].body))
    assert match
    return match.group(1)
