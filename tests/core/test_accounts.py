"""Login, logout, lockout, password rules, reset by e-mail, deactivation."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/konto/logg-inn/"


def _post_login(client: Any, username: str, password: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password},
                       REMOTE_ADDR="10.0.0.7")


def test_login_and_logout_end_the_session(world: Any, client: Any) -> None:
    response = _post_login(client, "alice", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    session_key = client.session.session_key
    client.post(reverse("logout"))
    assert client.get("/").status_code == 302
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=session_key).exists()


def test_wrong_password_keeps_the_username_and_says_so_in_norwegian(world: Any, client: Any) -> None:
    response = _post_login(client, "alice", "wrong-password-123")
    html = response.content.decode()
    assert response.status_code == 200
    assert "korrekt brukernavn og passord" in html
    assert 'value="alice"' in html


def test_five_failures_lock_the_account_for_15_minutes(world: Any, client: Any) -> None:
    for _ in range(5):
        _post_login(client, "alice", "wrong-password-123")
    response = _post_login(client, "alice", PASSWORD)  # right password, still locked
    assert response.status_code == 429
    html = response.content.decode()
    assert "sperret i 15 minutter" in html
    assert "_auth_user_id" not in client.session
    # Another address may still log in to the account (lock is account + address).
    other = client.post(LOGIN, {"username": "alice", "password": PASSWORD},
                        REMOTE_ADDR="10.0.0.8")
    assert other.status_code == 302


def test_password_rules_need_12_characters_and_no_common_password() -> None:
    with pytest.raises(ValidationError) as short:
        validate_password("Kort-1")
    assert any("12" in m for m in short.value.messages)
    with pytest.raises(ValidationError):
        validate_password("password1234")
    validate_password("Et-langt-og-godt-passord")


def test_change_password_in_norwegian_with_rules(world: Any, client: Any) -> None:
    client.force_login(world.leader)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "kort", "new_password2": "kort"})
    assert response.status_code == 200
    assert "minst 12 tegn" in response.content.decode()
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Nytt-og-langt-passord-9",
        "new_password2": "Nytt-og-langt-passord-9"})
    assert response.status_code == 302
    world.leader.refresh_from_db()
    assert world.leader.check_password("Nytt-og-langt-passord-9")


def test_reset_password_by_email(world: Any, client: Any,
                                 django_capture_on_commit_callbacks: Any) -> None:
    # The e-mail is made by a task after the response (no timing difference between known
    # and unknown addresses); tasks run in process in the tests.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": world.leader.email})
        assert mail.outbox == []  # not inside the request
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = str(mail.outbox[0].body)
    assert "Nytt passord" in mail.outbox[0].subject
    link = re.search(r"https?://[^/]+(/konto/passord/ny/\S+/)", body)
    assert link
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    response = client.post(form.redirect_chain[-1][0], {
        "new_password1": "Et-helt-nytt-passord-7", "new_password2": "Et-helt-nytt-passord-7"})
    assert response.status_code == 302
    world.leader.refresh_from_db()
    assert world.leader.check_password("Et-helt-nytt-passord-7")


def test_an_unknown_address_gets_the_same_answer_and_no_e_mail(
        world: Any, client: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        unknown = client.post(reverse("password_reset"), {"email": "ingen@example.no"})
    with django_capture_on_commit_callbacks(execute=False) as known_callbacks:
        known = client.post(reverse("password_reset"), {"email": world.leader.email})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    assert len(callbacks) == len(known_callbacks) == 1  # the same work in the request
    assert mail.outbox == []


def test_deactivating_a_user_ends_their_session(world: Any, client: Any) -> None:
    client.force_login(world.leader)
    assert client.get("/").status_code == 200
    world.leader.is_active = False
    world.leader.save(update_fields=["is_active"])
    assert client.get("/").status_code == 302


def test_secure_cookies_in_production(settings: Any) -> None:
    import importlib
    import os

    from config import settings as portal_settings

    old = {k: os.environ.get(k) for k in ("HTTPS", "SECRET_KEY")}
    os.environ.update(HTTPS="true", SECRET_KEY="x" * 60)
    try:
        prod = importlib.reload(portal_settings)
        assert prod.SESSION_COOKIE_SECURE and prod.CSRF_COOKIE_SECURE
        assert prod.SECURE_HSTS_SECONDS == 31536000 and prod.SECURE_HSTS_INCLUDE_SUBDOMAINS
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        importlib.reload(portal_settings)
