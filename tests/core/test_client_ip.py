"""The client's address behind the TLS proxy: lockout and audit see the real client when the
peer is a trusted proxy, and ignore X-Forwarded-For from anyone else (ASVS V4/V16)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from samarbeid.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
PROXY = "10.1.2.3"


def _login(client: Any, password: str, *, peer: str, forwarded: str = "") -> Any:
    extra = {"REMOTE_ADDR": peer}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(LOGIN, {"username": "alice", "password": password}, **extra)


def test_behind_a_trusted_proxy_one_client_cannot_lock_another_out(world: Any, client: Any,
                                                                    settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["10.1.0.0/16"]
    for _ in range(5):
        _login(client, "wrong-password-123", peer=PROXY, forwarded="203.0.113.7")
    assert _login(client, PASSWORD, peer=PROXY, forwarded="203.0.113.7").status_code == 429
    # The same proxy, another client: not locked (the lock is account + client address).
    assert _login(client, PASSWORD, peer=PROXY, forwarded="198.51.100.20").status_code == 302


def test_a_client_cannot_choose_its_address_with_the_header(world: Any, client: Any,
                                                             settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["10.1.0.0/16"]
    for n in range(5):  # an attacker straight at the portal, a new "address" each time
        _login(client, "wrong-password-123", peer="192.0.2.50", forwarded=f"203.0.113.{n}")
    assert _login(client, PASSWORD, peer="192.0.2.50", forwarded="198.51.100.99"
                  ).status_code == 429


def test_the_audit_trail_records_the_client_not_the_proxy(world: Any, client: Any,
                                                          settings: Any) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    client.force_login(world.leader)
    client.post(reverse("municipality_participation", args=[world.stavanger.number]),
                {"participation": "declined", "note": ""},
                REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9, 10.1.2.3")
    event = AuditEvent.objects.filter(object_type="samarbeid.municipality").latest("at")
    assert event.ip_address == "203.0.113.9"
    client.post(reverse("municipality_participation", args=[world.stavanger.number]),
                {"participation": "taking_part", "note": ""},
                REMOTE_ADDR="192.0.2.77", HTTP_X_FORWARDED_FOR="203.0.113.9")
    event = AuditEvent.objects.filter(object_type="samarbeid.municipality").latest("at")
    assert event.ip_address == "192.0.2.77"  # an untrusted peer's header is ignored
