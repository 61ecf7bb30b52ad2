"""Failing safely: SMTP down during a reminder run, Redis down during a request, and
WeasyPrint never fetching anything outside the project."""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest
from django.core import mail

from samarbeid import notify, pdf
from samarbeid.models import SentReminder

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.mark.django_db(transaction=True)  # as in production: no transaction around the scan
def test_smtp_refusing_then_recovering_sends_the_reminder_exactly_once(settings: Any) -> None:
    from aiosmtpd.controller import Controller

    port = _free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    sent = {"n": 0}

    def scan() -> int:
        ok = notify.send_once(key="fault:1", recipient="ordforer@example.no",
                              subject="Revisjon", template="samarbeid/email/reminder.txt",
                              context={"text": "Avtalen skal revideres"})
        sent["n"] += int(ok)
        return int(ok)

    notify.register_scan("fault_scan", scan)
    try:
        # Nothing listens on the port: the run fails, the claim is released.
        assert notify.run_all_scans(["fault_scan"])["fault_scan"] == -1
        assert SentReminder.objects.get(key="fault:1").status == "failed"
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            assert notify.run_all_scans(["fault_scan"])["fault_scan"] == 1
            assert notify.run_all_scans(["fault_scan"])["fault_scan"] == 0  # the next beat sends nothing
            deadline = time.monotonic() + 5
            while not inbox.messages and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            controller.stop()
    finally:
        notify._scans.pop("fault_scan")
    assert len(inbox.messages) == 1
    assert b"Avtalen skal revideres" in inbox.messages[0] or b"revideres" in inbox.messages[0]
    assert sent["n"] == 1


def test_redis_down_does_not_break_a_request(world: Any, settings: Any, client: Any, caplog: Any,
                                             django_capture_on_commit_callbacks: Any) -> None:
    from samarbeid import tasks

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app = tasks.ping.app
    old = app.conf.broker_url
    app.conf.task_always_eager = False  # really publish, to a broker that is not there
    # Item assignment is what `conf.broker_url = ...` does at runtime; the stubs call it read-only.
    app.conf["broker_url"] = f"redis://127.0.0.1:{_free_port()}/0"
    # A connection pool made by an earlier test (to the in-memory broker) would still be used.
    # Celery has no public way to drop its cached pools, so the private attributes are reset.
    app._pool = None  # type: ignore[attr-defined]  # private, not in the stubs
    app.amqp._producer_pool = None  # type: ignore[attr-defined]  # private, not in the stubs
    try:
        with django_capture_on_commit_callbacks(execute=True), \
                caplog.at_level("WARNING", logger="samarbeid.tasks"):
            tasks.enqueue_on_commit(tasks.ping, "x")  # logs, does not raise
        assert "could not enqueue samarbeid.tasks.ping" in caplog.text
        client.force_login(world.leader)
        assert client.get("/").status_code == 200
    finally:
        app.conf["broker_url"] = old
        app._pool = None  # type: ignore[attr-defined]  # private, not in the stubs
        app.amqp._producer_pool = None  # type: ignore[attr-defined]  # private, not in the stubs
    assert mail.outbox == []


@pytest.mark.parametrize("url", [
    "http://example.com/x.png", "https://example.com/x.css", "file:///etc/passwd",
    "ftp://example.com/x",
])
def test_weasyprint_fetches_nothing_outside_the_project(url: str) -> None:
    with pytest.raises(pdf.ForbiddenResource):
        pdf.url_fetcher(url)


def test_weasyprint_may_fetch_the_projects_static_files() -> None:
    response = pdf.url_fetcher("/static/css/site.css")
    assert b"bg-primary-dark" in response.read()
    response.close()
    with pytest.raises(pdf.ForbiddenResource):
        pdf.url_fetcher("/static/../../config/settings.py")


def test_pdf_renders_norwegian_letters_and_drops_remote_images() -> None:
    from io import BytesIO

    from pypdf import PdfReader

    data = pdf.render_pdf("samarbeid/pdf_test.html", {"name": "Bærum <b>"})
    text = PdfReader(BytesIO(data)).pages[0].extract_text()
    assert "Æ Ø Å – Bærum <b>" in text
