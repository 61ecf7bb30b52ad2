"""Exempt content (offl. § 13 jf. fvl. § 13, guide §4.1.5) never leaves the circle that may
read it: not in the public minutes PDF, not in the agenda e-mail (which goes to external
members too), not in anyone's calendar feed, and not in the task lists, home page, council page
or follow-up of readers who are not council members (issue 4 §5, issue 7 §2)."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from politirad import services
from politirad.models import MemberRole, Minutes
from samarbeid.models import UserProfile
from tests.politirad import helpers
from tests.politirad.helpers import make_council, make_meeting, make_minutes, member

pytestmark = pytest.mark.django_db

EXEMPT_TEXT = ("Hemmelig sak", "Taushetsbelagt innhold", "Notat Hemmelig sak",
               "Vedtak om Hemmelig sak", "Hemmelig oppgave", "Hemmelig rettelse")


def _assert_no_exempt(text: str, where: str) -> None:
    for secret in EXEMPT_TEXT:
        assert secret not in text, (where, secret)


def _pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def _published_with_exempt(world: Any) -> Any:
    meeting = make_minutes(world, state="published", exempt=True)
    services.minutes_correction_add(minutes=Minutes.objects.get(meeting=meeting),
                                    actor=world.police, text="Hemmelig rettelse",
                                    access_level="exempt", legal_basis="offl. § 13")
    return meeting


def test_public_pdf_leaves_exempt_items_out_and_the_members_pdf_keeps_them(
        client: Any, world: Any) -> None:
    meeting = _published_with_exempt(world)
    client.force_login(world.leader)
    public = _pdf_text(client.get(
        reverse("politirad:minutes_public_pdf", args=[meeting.pk])).content)
    _assert_no_exempt(public, "public pdf")
    assert "Sak 1" in public and "Lage trygghetsplan" in public  # the open part is there
    members = _pdf_text(client.get(reverse("politirad:minutes_pdf", args=[meeting.pk])).content)
    for secret in EXEMPT_TEXT:
        if secret != "Taushetsbelagt innhold":  # the item's description is not in minutes
            assert secret in members, secret


def test_reader_who_is_no_member_sees_neither_exempt_items_nor_their_tasks(
        client: Any, world: Any, reader: Any) -> None:
    meeting = _published_with_exempt(world)
    # Stavanger's SLT coordinator sees its council (a working role), is neither on it nor a
    # party of the cooperation: no exempt content.
    client.force_login(reader)
    for url in (reverse("politirad:minutes", args=[meeting.pk]),
                reverse("politirad:meeting_detail", args=[meeting.pk]),
                reverse("politirad:council_detail", args=[meeting.council_id]),
                reverse("politirad:minutes_pdf", args=[meeting.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        body = (_pdf_text(response.content) if url.endswith(".pdf")
                else response.content.decode())
        _assert_no_exempt(body, url)
    # An exempt task does not exist for someone who may not read it (404, not even a 403).
    exempt_task = meeting.tasks.get(title="Hemmelig oppgave")
    response = client.get(reverse("politirad:task_detail", args=[exempt_task.pk]))
    assert response.status_code == 404
    _assert_no_exempt(response.content.decode(), "task")
    # The council's next meeting lists open tasks as follow-up: not the exempt one.
    later = services.meeting_create(council=meeting.council, actor=world.police, place="Rådhuset",
                                    starts_at=timezone.now() + dt.timedelta(days=5))
    body = client.get(reverse("politirad:meeting_detail", args=[later.pk])).content.decode()
    assert "Lage trygghetsplan" in body
    _assert_no_exempt(body, "follow-up")


def test_national_admin_who_is_no_member_does_not_see_exempt_content(client: Any,
                                                                     world: Any) -> None:
    meeting = _published_with_exempt(world)
    client.force_login(world.admin)
    body = client.get(reverse("politirad:minutes", args=[meeting.pk])).content.decode()
    assert "Sak 1" in body
    _assert_no_exempt(body, "minutes")


def test_my_tasks_and_home_leave_out_exempt_tasks_of_someone_who_left_the_council(
        client: Any, world: Any, reader: Any) -> None:
    """Siri (SLT coordinator, no party) was on the council and got an exempt task; when she
    leaves, she keeps seeing the council through her role, but no longer the exempt task's
    title. Bob, whose seat was all he had, loses the council altogether."""
    council = make_council(world)
    siri = services.council_member_add(council=council, actor=world.police, user=reader,
                                       role=MemberRole.ORGANISATION_MEMBER)
    meeting = make_meeting(world, council, days=-5, items=1, exempt=True)
    exempt_item = meeting.agenda_items.get(access_level="exempt")
    open_item = meeting.agenda_items.exclude(pk=exempt_item.pk).get()
    deadline = timezone.localdate() + dt.timedelta(days=4)
    services.task_create(meeting=meeting, actor=world.police, agenda_item=exempt_item,
                         title="Hemmelig oppgave", responsible_member=siri, deadline=deadline)
    services.task_create(meeting=meeting, actor=world.police, agenda_item=open_item,
                         title="Åpen oppgave", responsible_member=siri, deadline=deadline)
    client.force_login(reader)
    body = client.get(reverse("politirad:my_tasks")).content.decode()
    assert "Hemmelig oppgave" in body and "Åpen oppgave" in body  # a member sees both

    services.council_member_remove(member=siri, actor=world.police)
    for url in (reverse("politirad:my_tasks"), reverse("home"),
                reverse("politirad:council_detail", args=[council.pk])):
        body = client.get(url).content.decode()
        _assert_no_exempt(body, url)
    body = client.get(reverse("politirad:council_detail", args=[council.pk])).content.decode()
    assert "Åpen oppgave" in body  # the council's open tasks, as her role lets her read them
    client.force_login(world.member)
    assert client.get(reverse("politirad:council_detail", args=[council.pk])).status_code == 200
    services.council_member_remove(member=member(council, world.member), actor=world.police)
    assert client.get(reverse("politirad:council_detail", args=[council.pk])).status_code == 404
    # The chair, a member, still sees it.
    assert member(council, world.leader)
    client.force_login(world.police)
    body = client.get(reverse("politirad:my_tasks") + "?mine=created").content.decode()
    assert "Hemmelig oppgave" in body


def test_agenda_email_leaves_exempt_items_and_tasks_out(world: Any, mailoutbox: Any) -> None:
    earlier = make_minutes(world, state="published", exempt=True)
    meeting = make_meeting(world, earlier.council, days=10, items=1, exempt=True)
    helpers.send_agenda(meeting, world.police)
    external = [m for m in mailoutbox if m.to == ["ekstern@example.no"]]
    # Alice, Paul, Bob (a seat, no role) and the external member.
    assert len(external) == 1 and len(mailoutbox) == 4
    for message in mailoutbox:
        text = message.body + "".join(a[1].decode() if isinstance(a[1], bytes) else str(a[1])
                                      for a in message.attachments)
        assert "Sak 1" in text and "Lage trygghetsplan" in text
        assert "offl. § 13" in text  # the item is there, as exempt, with its legal basis
        _assert_no_exempt(text, message.to[0])


def test_calendar_feed_lists_meetings_but_no_agenda_content(client: Any, world: Any) -> None:
    meeting = make_meeting(world, days=4, items=1, exempt=True)
    for user in (world.member, world.leader):  # an ordinary member and the chair
        profile, _created = UserProfile.objects.get_or_create(user=user)
        response = client.get(reverse("politirad:calendar_feed", args=[profile.rotate_calendar_token()]))
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        body = response.content.decode()
        assert f"politirad-meeting-{meeting.pk}@" in body
        _assert_no_exempt(body, user.username)
        assert "Sak 1" not in body and "Beskrivelse" not in body
    # An outsider's feed does not list Stavanger's meetings at all.
    profile, _created = UserProfile.objects.get_or_create(user=world.outsider)
    body = client.get(reverse("politirad:calendar_feed",
                              args=[profile.rotate_calendar_token()])).content.decode()
    assert f"politirad-meeting-{meeting.pk}@" not in body


def test_task_reminders_leave_the_title_of_an_exempt_task_out(world: Any,
                                                              mailoutbox: Any) -> None:
    from politirad import reminders

    council = make_council(world)
    meeting = make_meeting(world, council, days=-5, items=1, exempt=True)
    exempt_item = meeting.agenda_items.get(access_level="exempt")
    open_item = meeting.agenda_items.exclude(pk=exempt_item.pk).get()
    soon = timezone.localdate() + dt.timedelta(days=2)
    secret = services.task_create(meeting=meeting, actor=world.police, agenda_item=exempt_item,
                                  title="Hemmelig oppgave", deadline=soon,
                                  responsible_member=member(council, world.leader))
    services.task_create(meeting=meeting, actor=world.police, agenda_item=open_item,
                         title="Åpen oppgave", deadline=soon,
                         responsible_member=member(council, world.leader))
    assert reminders.scan_tasks() == 2
    texts = [m.subject + m.body for m in mailoutbox]
    assert any("Åpen oppgave" in t for t in texts)
    assert any(f"{secret.pk}" in t and "unntatt offentlighet" in t for t in texts)
    for text in texts:
        _assert_no_exempt(text, "reminder")


def test_attachment_of_an_exempt_item_is_refused_to_readers(client: Any, world: Any,
                                                            reader: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    meeting = make_meeting(world, days=4, items=0)
    item = services.agenda_item_add(
        meeting=meeting, actor=world.police, title="Hemmelig sak", access_level="exempt",
        legal_basis="offl. § 13",
        attachments=[SimpleUploadedFile("Hemmelig sak.pdf", b"%PDF-1.4 x", "application/pdf")])
    attachment = item.attachments.get()
    url = reverse("politirad:attachment_download", args=[attachment.pk])
    client.force_login(reader)  # sees the council, may not read exempt content
    assert client.get(url).status_code == 404  # the attachment does not exist for her
    body = client.get(reverse("politirad:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Hemmelig sak" not in body and url not in body
    client.force_login(world.leader)
    assert client.get(url).status_code == 200
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
