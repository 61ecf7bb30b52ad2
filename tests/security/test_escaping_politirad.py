"""Escaping in police councils (issue 7 §2): hostile text in every free-text field — agenda
titles, descriptions and presenters, notes, decisions, corrections, task titles and comments,
external member names, meeting titles and places, attachment file names — shows as text in the
HTML pages, stays plain text in the agenda e-mail (no HTML part), is escaped per RFC 5545 in
calendars and stays literal in the minutes PDFs."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from politirad import services
from politirad.models import AgendaAttachment, MemberRole, Minutes
from samarbeid.models import UserProfile
from tests.politirad import helpers
from tests.politirad.helpers import first_task, make_council, member

from .conftest import HOSTILE, PAYLOADS, assert_escaped

pytestmark = pytest.mark.django_db


def _hostile_minutes(world: Any, *, publish: bool = True) -> Any:
    council = make_council(world)
    services.council_member_add(council=council, actor=world.police, name=HOSTILE,
                                email="hostile@example.no",
                                role=MemberRole.ORGANISATION_MEMBER)
    meeting = services.meeting_create(council=council, actor=world.police, title=HOSTILE,
                                      place=HOSTILE,
                                      starts_at=timezone.now() - dt.timedelta(days=3))
    item = services.agenda_item_add(
        meeting=meeting, actor=world.police, title=HOSTILE, description=HOSTILE,
        presenter=HOSTILE,
        attachments=[SimpleUploadedFile(f"{HOSTILE}.pdf", b"%PDF-1.4 x", "application/pdf")])
    services.attendance_record(meeting=meeting, actor=world.police, statuses={
        m.pk: "present" for m in council.members.all()})
    services.minutes_entry_save(meeting=meeting, agenda_item=item, actor=world.police,
                                notes=HOSTILE, decisions=[HOSTILE])
    task = services.task_create(meeting=meeting, actor=world.police, title=HOSTILE,
                                agenda_item=item, responsible_member=member(council, world.leader),
                                deadline=timezone.localdate() + dt.timedelta(days=9))
    services.task_create(meeting=meeting, actor=world.police, title="Oppgave for ekstern",
                         agenda_item=item,
                         responsible_member=council.members.get(name=HOSTILE),
                         deadline=timezone.localdate() + dt.timedelta(days=9))
    services.task_update_status(task=task, actor=world.leader, status="in_progress",
                                comment=HOSTILE)
    if publish:
        minutes = Minutes.objects.get(meeting=meeting)
        services.minutes_approve(minutes=minutes, actor=world.leader)
        services.minutes_publish(minutes=minutes, actor=world.police)
        services.minutes_correction_add(minutes=minutes, actor=world.police, text=HOSTILE)
    return meeting


def test_free_text_is_escaped_on_every_page(client: Any, world: Any) -> None:
    meeting = _hostile_minutes(world)
    task = first_task(meeting)
    client.force_login(world.leader)
    for url in (reverse("politirad:council_detail", args=[meeting.council_id]),
                reverse("politirad:meeting_detail", args=[meeting.pk]),
                reverse("politirad:minutes", args=[meeting.pk]),
                reverse("politirad:task_detail", args=[task.pk]),
                reverse("politirad:my_tasks"),
                reverse("home")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content.decode())


def test_draft_minutes_forms_keep_hostile_text_as_text(client: Any, world: Any) -> None:
    meeting = _hostile_minutes(world, publish=False)
    client.force_login(world.police)
    body = client.get(reverse("politirad:minutes", args=[meeting.pk])).content.decode()
    assert "<textarea" in body  # the editable form, with the notes inside
    assert_escaped(body)


def test_attachment_file_name_is_escaped_and_cleaned(client: Any, world: Any) -> None:
    meeting = _hostile_minutes(world)
    attachment = AgendaAttachment.objects.get(item__meeting=meeting)
    # "</script>" holds a slash: everything before the last one is a path and is dropped.
    assert "/" not in attachment.filename and attachment.filename.endswith('"><b>.pdf')
    client.force_login(world.leader)
    body = client.get(reverse("politirad:meeting_detail", args=[meeting.pk])).content.decode()
    assert "<img src=x" not in body and '"><b>' not in body
    assert "&lt;img src=x onerror=alert(1)&gt; &quot;&gt;&lt;b&gt;.pdf" in body
    response = client.get(reverse("politirad:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("raw, expected", [
    ("../../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\win.ini.txt", "win.ini.txt"),
    ("....txt", "txt"),
])
def test_attachment_names_with_paths_or_control_characters_are_cleaned(
        client: Any, world: Any, raw: str, expected: str) -> None:
    council = make_council(world)
    meeting = services.meeting_create(council=council, actor=world.police, place="Rådhuset",
                                      starts_at=timezone.now() + dt.timedelta(days=3))
    client.force_login(world.police)
    upload = SimpleUploadedFile("x.txt", b"Referat og notater", "text/plain")
    upload.name = raw  # what a hostile client can send in the multipart header
    response = client.post(reverse("politirad:agenda_item_add", args=[meeting.pk]), {
        "title": "Sak", "description": "", "presenter": "", "access_level": "open",
        "legal_basis": "", "attachment": upload})
    if expected == "txt":  # nothing but dots: no extension left, so it is refused
        assert response.status_code == 200
        assert not AgendaAttachment.objects.exists()
        return
    assert response.status_code == 302
    attachment = AgendaAttachment.objects.get()
    assert attachment.filename == expected
    assert ".." not in attachment.file.name and "etc" not in attachment.file.name
    download = client.get(reverse("politirad:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200
    assert "\n" not in download["Content-Disposition"]
    assert download["Content-Disposition"].startswith("attachment;")


def test_control_characters_cannot_split_the_download_header(client: Any, world: Any) -> None:
    meeting = _hostile_minutes(world, publish=False)
    item = meeting.agenda_items.get()
    upload = SimpleUploadedFile("x.txt", b"Notater", "text/plain")
    upload.name = "rapport\r\nSet-Cookie: a=b\x00.txt"  # a client other than a browser
    attachment = services.attachment_add(item=item, upload=upload, actor=world.police)
    assert attachment.filename == "rapportSet-Cookie: a=b.txt"
    client.force_login(world.police)
    response = client.get(reverse("politirad:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200 and "Set-Cookie" not in response.cookies
    assert response["Content-Disposition"] == (
        'attachment; filename="rapportSet-Cookie: a=b.txt"')


def test_agenda_email_is_plain_text_with_the_text_as_typed(world: Any, mailoutbox: Any) -> None:
    council = make_council(world)
    meeting = services.meeting_create(council=council, actor=world.police, place=HOSTILE,
                                      title=HOSTILE,
                                      starts_at=timezone.now() + dt.timedelta(days=10))
    services.agenda_item_add(meeting=meeting, actor=world.police, title=HOSTILE,
                             presenter=HOSTILE)
    helpers.send_agenda(meeting, world.police)
    assert mailoutbox
    for message in mailoutbox:
        # No HTML part that a mail program could render; the text part shows the text as typed
        # (not as &lt;…&gt; entities, which would be wrong in plain text).
        assert not getattr(message, "alternatives", [])
        for raw in PAYLOADS:
            assert raw in message.body
        assert "&lt;" not in message.body


def _unfold(ics: str) -> str:
    return re.sub(r"\r\n[ \t]", "", ics)


def test_calendar_text_is_escaped_per_rfc_5545(client: Any, world: Any) -> None:
    council = make_council(world, name="Råd; med, komma")
    title = "Møte\nDTSTART:19700101T000000Z\r\nBEGIN:VALARM; x, y \\ z"
    meeting = services.meeting_create(council=council, actor=world.police, place="Sted; A, B",
                                      title=title,
                                      starts_at=timezone.now() + dt.timedelta(days=10))
    client.force_login(world.leader)
    ics = client.get(reverse("politirad:meeting_ics", args=[meeting.pk])).content.decode()
    unfolded = _unfold(ics)
    summary = next(line for line in unfolded.split("\r\n") if line.startswith("SUMMARY:"))
    assert summary.startswith("SUMMARY:Råd\\; med\\, komma: Møte\\nDTSTART:19700101T000000Z")
    assert "BEGIN:VALARM\\; x\\, y \\\\ z" in summary
    assert "LOCATION:Sted\\; A\\, B" in unfolded
    # One DTSTART and no alarm: the title could not add properties or components.
    assert unfolded.count("\r\nDTSTART") == 1 and "\r\nBEGIN:VALARM" not in unfolded

    profile, _created = UserProfile.objects.get_or_create(user=world.leader)
    client.logout()
    feed = _unfold(client.get(reverse("politirad:calendar_feed",
                                      args=[profile.rotate_calendar_token()])).content.decode())
    assert feed.count("\r\nDTSTART") == 1 and "\r\nBEGIN:VALARM" not in feed


def _pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def test_minutes_pdfs_show_hostile_text_literally(client: Any, world: Any) -> None:
    meeting = _hostile_minutes(world)
    client.force_login(world.leader)
    for name in ("politirad:minutes_pdf", "politirad:minutes_public_pdf"):
        response = client.get(reverse(name, args=[meeting.pk]))
        assert response.status_code == 200
        text = _pdf_text(response.content)
        for raw in PAYLOADS:
            assert raw in text, (name, raw)
        assert "&lt;" not in text and "&quot;" not in text


def test_council_plan_and_knowledge_request_text_is_escaped(client: Any, world: Any) -> None:
    council = services.council_create(actor=world.police, name=HOSTILE, kind="local",
                                      municipality=world.stavanger, theme=HOSTILE,
                                      description=HOSTILE)
    plan = services.plan_create(council=council, actor=world.police, kind="action",
                                title=HOSTILE, description=HOSTILE,
                                starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31))
    services.measure_add(plan=plan, actor=world.police, title=HOSTILE, focus_area=None,
                         focus_area_other=HOSTILE,
                         coordination_step=1, responsible=HOSTILE,
                         starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 30))
    services.knowledge_request_add(council=council, actor=world.police, agency="police",
                                   topic=HOSTILE)
    client.force_login(world.leader)
    for url in (reverse("politirad:council_list"),
                reverse("politirad:council_detail", args=[council.pk]),
                reverse("politirad:plan_detail", args=[plan.pk]),
                reverse("municipality_detail", args=[world.stavanger.number])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content.decode())
