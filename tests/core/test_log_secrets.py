"""No token, reset link or session id reaches a log, at any level, when a path that carries
one fails with 500 or 503 (ASVS V16; issue: a reset token logged during a database outage
set a new password after recovery). Read through the handler the settings configure."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from samarbeid.logs import RedactSecrets
from tests.factories import feed_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """What the portal's configured log handler writes (the root handler with the filter)."""
    handlers = [h for h in logging.getLogger().handlers
                if any(isinstance(f, RedactSecrets) for f in h.filters)]
    assert handlers, "the settings' log handler redacts secrets"
    handler = handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    old = handler.setStream(stream)
    old_level = logging.getLogger().level
    logging.getLogger().setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        handler.setStream(old)  # type: ignore[arg-type]
        logging.getLogger().setLevel(old_level)


def _reset_url(user: Any) -> tuple[str, str]:
    token = default_token_generator.make_token(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password_reset_confirm", args=[uid, token]), token


@pytest.mark.parametrize("failure", [RuntimeError("boom"), OperationalError("could not connect")])
def test_a_failing_reset_link_leaves_no_token_in_the_log(world: Any, log_output: io.StringIO,
                                                          monkeypatch: Any,
                                                          failure: Exception) -> None:
    url, token = _reset_url(world.leader)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise failure

    monkeypatch.setattr(default_token_generator, "check_token", broken)
    client = Client(raise_request_exception=False)
    response = client.get(url)
    assert response.status_code == (503 if isinstance(failure, OperationalError) else 500)
    written = log_output.getvalue()
    assert "Internal Server Error" in written or "Service Unavailable" in written, written
    assert token not in written
    assert token.split("-")[1] not in written  # not even the HMAC part


@pytest.mark.parametrize("failure", [RuntimeError("boom"), OperationalError("could not connect")])
def test_a_failing_calendar_feed_leaves_no_token_in_the_log(world: Any, log_output: io.StringIO,
                                                             monkeypatch: Any,
                                                             failure: Exception) -> None:
    from politirad import selectors

    token = feed_token(world.leader)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise failure

    monkeypatch.setattr(selectors, "calendar_meetings", broken)
    response = Client(raise_request_exception=False).get(
        reverse("politirad:calendar_feed", args=[token]))
    assert response.status_code in (500, 503)
    written = log_output.getvalue()
    assert "/politirad/kalender/" in written  # the failure is logged, the secret is not
    assert token not in written


def test_session_ids_are_masked_in_any_message(log_output: io.StringIO) -> None:
    logging.getLogger("samarbeid.test").error("cookie was sessionid=abc123secretvalue; x=1")
    written = log_output.getvalue()
    assert "abc123secretvalue" not in written
    assert "sessionid=…" in written
