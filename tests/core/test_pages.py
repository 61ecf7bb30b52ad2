"""Core pages: home, municipality list (search, filters, pagination, query budget),
participation, settings, errors, health and security headers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from samarbeid.models import Municipality, Participation
from tests.factories import feed_token

pytestmark = pytest.mark.django_db


def test_home_lists_my_municipalities_and_empty_states(world: Any, login: Any) -> None:
    html = login("leader").get("/").content.decode()
    assert "Velkommen" in html and "Mine kommuner" in html
    assert 'href="/kommuner/1103/"' in html
    assert "Sandnes" not in html
    assert "Ingen kommende møter" in html or "Kommende møter" in html


def test_list_search_and_filters(world: Any, login: Any) -> None:
    client = login("admin")
    html = client.get("/kommuner/", {"q": "bærum"}).content.decode()
    assert "Bærum" in html and "1 kommune" in html
    html = client.get("/kommuner/", {"police_district": "p01"}).content.decode()
    assert "3 kommuner" in html and "Asker" in html
    html = client.get("/kommuner/", {"county": "11"}).content.decode()
    assert "Sirdal" not in html  # Sirdal is in Agder county (42), Sør-Vest district
    html = client.get("/kommuner/", {"q": "finnesikke"}).content.decode()
    assert "Ingen kommuner passer med søket" in html


def test_list_is_paginated(world: Any, login: Any) -> None:
    client = login("admin")
    first = client.get("/kommuner/").content.decode()
    assert "Side 1 av 8" in first
    last = client.get("/kommuner/", {"page": 8}).content.decode()
    assert "Side 8 av 8" in last


def test_list_query_count_does_not_grow_with_rows(world: Any, client: Any,
                                                  django_assert_max_num_queries: Any) -> None:
    counts = []
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for user in (world.leader, world.admin):  # 1 municipality vs a full page of 50
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/kommuner/").status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(10):
        client.get("/kommuner/")


def test_outsider_cannot_filter_their_way_in(world: Any, login: Any) -> None:
    html = login("outsider").get("/kommuner/", {"q": "Stavanger"}).content.decode()
    assert "0 kommuner" in html


def test_participation_declined_is_shown_as_legitimate(world: Any, login: Any) -> None:
    client = login("leader")
    url = reverse("municipality_participation", args=["1103"])
    response = client.post(url, {"participation": "declined", "note": "Vedtak 12.3."})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Deltakelse for Stavanger er lagret" in html
    assert "Takket nei" in html and "frivillig" in html
    # The audit trail, in the reader's language (issue #14): no raw "participation=declined".
    history = html.split("Historikk", 1)[1]
    assert "Takket nei" in history and "participation=declined" not in history
    assert Municipality.objects.get(number="1103").participation == Participation.DECLINED


def test_participation_form_error_keeps_input(world: Any, login: Any) -> None:
    client = login("leader")
    response = client.post(reverse("municipality_participation", args=["1103"]),
                           {"participation": "nonsense", "note": "mitt notat"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Velg et gyldig valg" in html
    assert "mitt notat" in html


def test_settings_page_mutes_optional_reminders(world: Any, login: Any) -> None:
    from samarbeid import notify

    notify.register_kind("test_optional", "Testpåminnelse", optional=True)
    client = login("leader")
    response = client.post(reverse("my_settings"), {"muted": ["test_optional"]})
    assert response.status_code == 302
    world.leader.profile.refresh_from_db()
    assert world.leader.profile.muted_reminders == ["test_optional"]
    assert notify.is_muted(world.leader, "test_optional")


def test_rotating_the_calendar_token(world: Any, login: Any) -> None:
    """The address is shown once, when it is made; only its hash is stored; a new one makes
    the old one stop working."""
    old = feed_token(world.leader)
    client = login("leader")
    page = client.get(reverse("my_settings")).content.decode()
    assert old not in page and "kan ikke vise den igjen" in page
    response = client.post(reverse("rotate_calendar_token"))
    html = response.content.decode()
    new = re.search(r"/politirad/kalender/([^\"/]+)\.ics", html)
    assert response.status_code == 200 and new and new.group(1) != old
    world.leader.profile.refresh_from_db()
    assert new.group(1) not in str(world.leader.profile.calendar_token_hash)
    assert client.get(reverse("politirad:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("politirad:calendar_feed", args=[new.group(1)])).status_code == 200


def test_404_page_in_layout_in_norwegian(client: Client) -> None:
    response = client.get("/finnes-ikke/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Fant ikke siden" in html and "Samarbeidsportalen" in html
    assert "<title>Fant ikke siden – Samarbeidsportalen</title>" in html


def test_500_and_503_pages_show_no_stack_trace(world: Any, monkeypatch: Any) -> None:
    from samarbeid import views

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("secret internals")

    def db_down(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("could not connect to server")

    client = Client(raise_request_exception=False)
    client.force_login(world.leader)
    monkeypatch.setattr(views.selectors, "municipality_list", boom)
    response = client.get("/kommuner/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Noe gikk galt" in html and "secret internals" not in html
    assert "Traceback" not in html
    monkeypatch.setattr(views.selectors, "municipality_list", db_down)
    response = client.get("/kommuner/")
    assert response.status_code == 503
    assert "midlertidig utilgjengelig" in response.content.decode()
    assert response["Retry-After"] == "30"


def test_csrf_failure_page_is_norwegian(world: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.leader)
    response = client.post(reverse("municipality_participation", args=["1103"]),
                           {"participation": "declined"})
    assert response.status_code == 403
    assert "Skjemaet er utløpt" in response.content.decode()


def test_healthz_reports_database_and_broker(client: Client, settings: Any) -> None:
    response = client.get("/healthz")
    data = response.json()
    assert data["database"] == "ok"
    assert data["broker"] in ("ok", "embedded")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")


def test_security_headers(world: Any, login: Any) -> None:
    response = login("leader").get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_browser_language_is_ignored_and_choice_is_kept(world: Any, login: Any) -> None:
    client = login("leader")
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="nb"' in html
    client.post(reverse("set_language"), {"language": "nn", "next": "/"})
    html = client.get("/").content.decode()
    assert 'lang="nn"' in html and "Velkomen" in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Welcome" in client.get("/").content.decode()


def test_admin_is_for_staff_and_norwegian(world: Any, client: Client) -> None:
    assert client.get("/admin/").status_code == 302
    client.force_login(world.leader)
    assert client.get("/admin/").status_code == 302
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    html = client.get("/admin/samarbeid/municipality/").content.decode()
    assert "kommune" in html.lower() and "Samarbeidsportalen – administrasjon" in html


def test_history_names_the_system_when_no_user_acted(world: Any, login: Any) -> None:
    from samarbeid import audit

    audit.record(actor=None, action="change", obj=world.stavanger, summary="import")
    html = login("leader").get(reverse("municipality_detail", args=["1103"])).content.decode()
    assert "Systemet" in html and "import" in html


def test_audit_records_the_client_address_without_being_given_the_request(world: Any,
                                                                          client: Any) -> None:
    from samarbeid.models import AuditEvent

    client.force_login(world.leader)
    client.post(reverse("municipality_participation", args=["1103"]),
                {"participation": "taking_part"}, REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.get(object_type="samarbeid.municipality")
    assert event.ip_address == "10.1.2.3" and event.actor == world.leader


def test_uploaded_files_are_not_served_from_media(world: Any, login: Any) -> None:
    assert login("leader").get("/media/avtaler/signert/1/municipality.pdf").status_code == 404


def test_no_password_or_token_reaches_the_logs(world: Any, client: Any, caplog: Any) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    client.post("/konto/logg-inn/", {"username": "alice", "password": "Hemmelig-passord-991"})
    token = feed_token(world.leader)
    client.get(f"/politirad/kalender/{token}x.ics")  # a wrong token: refused and logged
    client.get("/konto/passord/ny/MQ/abc-0123456789abcdef0123456789/")
    text = caplog.text
    assert "failed login for 'alice'" in text
    assert "Hemmelig-passord-991" not in text
    assert token not in text and "0123456789abcdef0123456789" not in text
