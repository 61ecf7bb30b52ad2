"""Minutes PDFs are rendered once per version and audience and served from storage after
that (issue #12); a correction gives a new PDF, and the public one never holds exempt text."""

from __future__ import annotations

import io
from typing import Any
from unittest import mock

import pytest
from django.urls import reverse
from pypdf import PdfReader

from politirad import services
from politirad.models import Minutes, TaskStatus
from samarbeid import pdf

from . import helpers


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _counting_renderer() -> Any:
    return mock.patch("politirad.services.documents.render_pdf", side_effect=pdf.render_pdf)


def _get(client: Any, name: str, meeting: Any) -> bytes:
    response = client.get(reverse(f"politirad:{name}", args=[meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


def test_the_second_download_renders_nothing(world: Any, client: Any) -> None:
    meeting = helpers.make_minutes(world, state="published")
    client.force_login(world.police)
    with _counting_renderer() as renderer:
        first = _get(client, "minutes_pdf", meeting)
        second = _get(client, "minutes_pdf", meeting)
        assert renderer.call_count == 1
        assert first == second
        _get(client, "minutes_public_pdf", meeting)  # another audience: its own PDF
        _get(client, "minutes_public_pdf", meeting)
        client.logout()
        _get(client, "public_minutes_pdf", meeting)  # the same public version, no login
        assert renderer.call_count == 2


def test_a_correction_or_a_new_task_status_gives_a_new_pdf(world: Any, client: Any) -> None:
    meeting = helpers.make_minutes(world, state="published")
    client.force_login(world.police)
    before = _text(_get(client, "minutes_pdf", meeting))
    assert "Rettet dato" not in before
    services.minutes_correction_add(minutes=Minutes.objects.get(meeting=meeting),
                                    actor=world.leader, text="Rettet dato for neste møte")
    with _counting_renderer() as renderer:
        after = _text(_get(client, "minutes_pdf", meeting))
        assert renderer.call_count == 1
    assert "Rettet dato for neste møte" in after
    public = _text(_get(client, "minutes_public_pdf", meeting))
    assert "Rettet dato for neste møte" in public
    task = helpers.first_task(meeting)
    services.task_update_status(task=task, actor=world.leader, status=TaskStatus.DONE)
    with _counting_renderer() as renderer:
        _get(client, "minutes_pdf", meeting)
        assert renderer.call_count == 1  # the task's status is in the PDF


def test_the_public_pdf_never_holds_exempt_text(world: Any, client: Any) -> None:
    meeting = helpers.make_minutes(world, state="published")  # with an exempt item and task
    services.minutes_correction_add(minutes=Minutes.objects.get(meeting=meeting),
                                    actor=world.leader, text="Hemmelig rettelse",
                                    access_level="exempt", legal_basis="offl. § 13")
    client.force_login(world.police)  # reads exempt content: the members' PDF holds it
    members = _text(_get(client, "minutes_pdf", meeting))
    assert "Hemmelig oppgave" in members and "Hemmelig rettelse" in members
    for name in ("minutes_public_pdf", "public_minutes_pdf"):  # after the members' one
        public = _text(_get(client, name, meeting))
        assert "Hemmelig" not in public and "Taushetsbelagt" not in public
        assert "Lage trygghetsplan" in public


def test_a_reader_without_exempt_access_gets_their_own_pdf(world: Any, client: Any) -> None:
    """Two readers share a stored PDF only when they see the same document."""
    meeting = helpers.make_minutes(world, state="published")
    client.force_login(world.police)
    assert "Hemmelig oppgave" in _text(_get(client, "minutes_pdf", meeting))
    client.force_login(world.admin)  # a national administrator reads open and internal only
    text = _text(_get(client, "minutes_pdf", meeting))
    assert "Lage trygghetsplan" in text
    assert "Hemmelig oppgave" not in text and "Taushetsbelagt" not in text
