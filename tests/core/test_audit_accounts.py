"""What a police lawyer must find in the trail: logins and failures, password changes, who
may sign, staff rights — and the actor's name after their account is deleted."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from samarbeid import audit
from samarbeid.models import AuditAction, AuditEvent, Membership
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("at"))


def test_login_logout_and_a_failed_login_are_recorded(world: Any, client: Any) -> None:
    login = reverse("login")
    client.post(login, {"username": "alice", "password": "not-the-password-1"},
                REMOTE_ADDR="192.0.2.10")
    failed = _events(AuditAction.LOGIN_FAILED)
    assert len(failed) == 1 and failed[0].ip_address == "192.0.2.10"
    assert "alice" not in failed[0].summary and failed[0].object_id == "-"
    assert client.post(login, {"username": "alice", "password": PASSWORD}).status_code == 302
    assert [e.actor_ref for e in _events(AuditAction.LOGIN)] == [world.leader.pk]
    client.post(reverse("logout"))
    assert [e.object_id for e in _events(AuditAction.LOGOUT)] == [str(world.leader.pk)]


def test_a_password_change_is_recorded_without_the_hash(world: Any, client: Any,
                                                        django_capture_on_commit_callbacks: Any
                                                        ) -> None:
    client.force_login(world.leader)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_change"), {
            "old_password": PASSWORD, "new_password1": "Et-nytt-og-langt-passord-7",
            "new_password2": "Et-nytt-og-langt-passord-7"})
    events = _events(AuditAction.PASSWORD_CHANGE)
    assert [e.object_id for e in events] == [str(world.leader.pk)]
    assert "pbkdf2" not in events[0].summary and "md5" not in events[0].summary


def test_the_actor_stays_named_when_the_account_is_deleted(world: Any) -> None:
    user = UserFactory.create(username="kortvarig", first_name="Kari", last_name="Kort")
    audit.record(actor=user, action=AuditAction.CHANGE, obj=world.stavanger, summary="x")
    user.delete()
    event = AuditEvent.objects.get(object_type="samarbeid.municipality", summary="x")
    assert event.actor is None
    assert event.actor_display == "Kari Kort"


def test_who_may_sign_and_staff_rights_never_change_unrecorded(world: Any, client: Any) -> None:
    superuser = get_user_model().objects.create_superuser("root", "root@example.no", PASSWORD)
    client.force_login(superuser)
    membership = Membership.objects.get(user=world.leader)
    url = reverse("admin:samarbeid_membership_change", args=[membership.pk])
    response = client.post(url, {
        "user": world.leader.pk, "role": membership.role,
        "municipality": membership.municipality_id, "title": membership.title,
        "can_sign": "", "starts_on": membership.starts_on.isoformat(), "ends_on": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.filter(object_type="samarbeid.membership",
                                      object_id=str(membership.pk)).latest("at")
    assert event.actor == superuser and "can_sign" in event.summary
    user_url = reverse("admin:auth_user_change", args=[world.member.pk])
    page = client.get(user_url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update({"username": world.member.username, "is_staff": "on",
                 "date_joined_0": world.member.date_joined.strftime("%Y-%m-%d"),
                 "date_joined_1": world.member.date_joined.strftime("%H:%M:%S")})
    data.pop("groups", None)
    data.pop("user_permissions", None)
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = client.post(user_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = AuditEvent.objects.filter(object_type="auth.user",
                                      object_id=str(world.member.pk)).latest("at")
    assert "is_staff" in event.summary
