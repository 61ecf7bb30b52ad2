"""Sessions end after 30 idle minutes (and the login page says so); a request body over the
limit is refused before it is read; with DEBUG on a database outage still shows the portal's
page, never a stack trace."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_idle_session_ends_and_the_login_page_says_why(world: Any, client: Any,
                                                          settings: Any) -> None:
    client.force_login(world.leader)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 5
    session.save()
    response = client.get(reverse("my_settings"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    html = response.content.decode()
    assert "uten aktivitet" in html  # the message after the logout
    assert "30 minutter" in html  # and the login page's note
    assert "_auth_user_id" not in client.session


def test_an_active_session_goes_on(world: Any, client: Any, settings: Any) -> None:
    client.force_login(world.leader)
    client.get(reverse("home"))
    session = client.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_SECONDS + 60
    session.save()
    assert client.get(reverse("my_settings")).status_code == 200


def test_a_body_over_the_limit_is_refused_before_it_is_read(world: Any, client: Any,
                                                            settings: Any) -> None:
    settings.MAX_UPLOAD_SIZE = 1024 * 1024
    settings.MAX_REQUEST_BODY = 2 * 1024 * 1024
    client.force_login(world.police)
    response = client.generic("POST", reverse("home"), b"x" * 16,
                              CONTENT_LENGTH=str(3 * 1024 * 1024),
                              CONTENT_TYPE="application/octet-stream")
    assert response.status_code == 413
    assert "for stor" in response.content.decode()


def test_with_debug_a_database_outage_shows_the_portal_page(world: Any, settings: Any,
                                                            monkeypatch: Any) -> None:
    from samarbeid import views

    settings.DEBUG = True

    def down(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(views.sections, "home_items", down)
    client = Client(raise_request_exception=False)
    client.force_login(world.leader)
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.status_code in (500, 503)
    assert "Traceback" not in html and "OperationalError" not in html
    assert "Samarbeidsportalen" in html
