"""Two-step login (django-otp TOTP) with MFA_REQUIRED on: administrators and signatories who
log in with a password enrol before they can act and verify once per session; signing needs
a fresh second factor or a fresh SSO login at acr substantial or high."""

from __future__ import annotations

import time
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from samarbeid import mfa
from samarbeid.models import AuditEvent

from .sso import idp, sso_login  # noqa: F401 — the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mfa_on(settings: Any) -> None:
    settings.MFA_REQUIRED = True


def _code(device: Any, ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + ahead)
    return f"{totp.token():06d}"


def _enrol(client: Any, user: Any) -> list[str]:
    page = client.get(reverse("mfa_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert mfa.secret_base32(device) in page.content.decode()
    assert "<svg" in page.content.decode()  # the QR code, inline, no script
    response = client.post(reverse("mfa_setup"), {"code": _code(device), "next": "/"})
    assert response.status_code == 200
    return list(response.context["codes"])


def test_a_signatory_with_a_password_enrols_before_acting(world: Any, client: Any) -> None:
    client.force_login(world.leader)
    response = client.get(reverse("municipality_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_setup"))
    codes = _enrol(client, world.leader)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("municipality_list")).status_code == 200
    assert TOTPDevice.objects.filter(user=world.leader, confirmed=True).count() == 1
    assert AuditEvent.objects.filter(action="mfa", summary="totp enrolled").exists()


def test_a_wrong_code_does_not_enrol(world: Any, client: Any) -> None:
    client.force_login(world.chief)
    client.get(reverse("mfa_setup"))
    response = client.post(reverse("mfa_setup"), {"code": "000000"})
    assert response.status_code == 200 and "ikke riktig" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=world.chief, confirmed=True).exists()


def test_people_without_administrator_or_signing_roles_are_not_asked(world: Any,
                                                                     client: Any) -> None:
    for user in (world.police, world.member):
        client.force_login(user)
        assert client.get(reverse("home")).status_code == 200


def test_an_enrolled_user_verifies_once_per_session(world: Any, client: Any) -> None:
    client.force_login(world.chief)
    _enrol(client, world.chief)
    client.logout()
    client.force_login(world.chief)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_verify"))
    # The device cannot be replaced from an unverified session.
    assert client.get(reverse("mfa_setup"))["Location"].startswith(reverse("mfa_verify"))
    wrong = client.post(reverse("mfa_verify"), {"code": "123456", "next": "/"})
    assert wrong.status_code == 200 and "ikke riktig" in wrong.content.decode()
    device = TOTPDevice.objects.get(user=world.chief, confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0,
                                                   throttling_failure_timestamp=None)
    response = client.post(reverse("mfa_verify"), {"code": _code(device, ahead=1), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get(reverse("home")).status_code == 200


def test_a_recovery_code_works_once(world: Any, client: Any) -> None:
    client.force_login(world.chief)
    codes = _enrol(client, world.chief)
    client.logout()
    client.force_login(world.chief)
    assert client.post(reverse("mfa_verify"), {"code": codes[0]}).status_code == 302
    assert mfa.recovery_codes_left(world.chief) == 9
    client.logout()
    client.force_login(world.chief)
    assert client.post(reverse("mfa_verify"), {"code": codes[0]}).status_code == 200


def test_signing_asks_for_a_fresh_second_factor(world: Any, client: Any) -> None:
    from tests.avtaler.helpers import sent_version

    version = sent_version(world)
    sign = reverse("avtaler:sign", args=[version.agreement_id, version.number])
    client.force_login(world.leader)
    _enrol(client, world.leader)
    assert client.get(sign).status_code == 200  # just verified: fresh
    session = client.session
    session[mfa.FRESH_KEY] = int(time.time()) - 11 * 60
    session.save()
    response = client.get(sign)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_verify")) and "fresh=1" in response[
        "Location"]
    assert client.post(sign, {"party": "municipality"}).status_code == 302  # not signed
    assert not version.signatures.exists()
    device = TOTPDevice.objects.get(user=world.leader, confirmed=True)
    response = client.post(reverse("mfa_verify") + "?fresh=1",
                           {"code": _code(device, ahead=1), "next": sign})
    assert response["Location"] == sign
    assert client.get(sign).status_code == 200


def test_an_sso_login_at_substantial_is_fresh_enough_to_sign(world: Any, client: Any,
                                                            idp: Any) -> None:  # noqa: F811
    from tests.avtaler.helpers import sent_version

    version = sent_version(world)
    sign = reverse("avtaler:sign", args=[version.agreement_id, version.number])
    idp.next_claims = {"sub": "a", "email": world.leader.email, "email_verified": True,
                       "acr": "idporten-loa-substantial"}
    sso_login(client, "entra")
    assert client.session[SESSION_KEY] == str(world.leader.pk)
    assert client.get(reverse("home")).status_code == 200  # no TOTP asked after SSO
    assert client.get(sign).status_code == 200


def test_an_sso_login_at_low_must_log_in_again_to_sign(world: Any, client: Any,
                                                      idp: Any) -> None:  # noqa: F811
    from tests.avtaler.helpers import sent_version

    version = sent_version(world)
    sign = reverse("avtaler:sign", args=[version.agreement_id, version.number])
    idp.next_claims = {"sub": "a", "email": world.leader.email, "email_verified": True,
                       "acr": "idporten-loa-low"}
    sso_login(client, "entra")
    response = client.get(sign)
    assert response["Location"].startswith(reverse("mfa_verify"))
    page = client.get(response["Location"]).content.decode()
    assert "Logg inn på nytt med Entra" in page
    # The step-up: the provider is asked to log the person in again (prompt=login, max_age=0).
    idp.next_claims = {**idp.next_claims, "acr": "idporten-loa-high"}
    response = sso_login(client, "entra", next=sign, fresh="1")
    assert idp.authorize_requests[-1]["prompt"] == "login"
    assert idp.authorize_requests[-1]["max_age"] == "0"
    assert response["Location"] == sign
    assert client.get(sign).status_code == 200


def test_the_demo_prints_totp_secrets_and_codes(db: Any) -> None:
    from samarbeid import demo, reference_data

    reference_data.load_all()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    secret = demo.totp_secret("politimester.sorvest")
    assert secret in out.getvalue() and "demo_totp" in out.getvalue()
    code = StringIO()
    call_command("demo_totp", "politimester.sorvest", stdout=code)
    device = TOTPDevice.objects.get(user__username="politimester.sorvest")
    assert device.verify_token(code.getvalue().strip())


def test_password_login_can_be_switched_off(world: Any, client: Any, settings: Any) -> None:
    settings.PASSWORD_LOGIN = False
    page = client.get(reverse("login")).content.decode()
    assert 'name="password"' not in page
    response = client.post(reverse("login"), {"username": "nina", "password": world.password})
    assert response.status_code == 403 and SESSION_KEY not in client.session
    settings.PASSWORD_LOGIN = True
    response = client.post(reverse("login"), {"username": "nina", "password": world.password})
    assert response.status_code == 302 and client.session[SESSION_KEY] == str(world.admin.pk)
    assert client.get(reverse("home"))["Location"].startswith(reverse("mfa_setup"))
