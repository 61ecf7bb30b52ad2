"""Rules of the council workflow, enforced in services and model guards (Veileder §4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from icalendar import Calendar

from politirad import selectors, services
from politirad.models import (
    AttendanceStatus,
    CouncilMunicipalityRequest,
    Decision,
    MemberRole,
    Minutes,
    MinutesEntry,
    TaskComment,
    TaskStatus,
)
from samarbeid import access, policy
from samarbeid.models import Membership, Role
from tests.factories import user_with_role

from . import helpers


def _fresh(user: Any) -> Any:
    """The same account as the next request loads it (no principal memoised on the object)."""
    return get_user_model().objects.get(pk=user.pk)


def test_a_seat_gives_that_council_only_and_leaving_ends_it(world: Any) -> None:
    council = helpers.make_council(world)
    newcomer = helpers.external_user("naering")
    assert not selectors.councils(newcomer).exists()
    # Someone who works nowhere in the council's municipalities is not seated by user name ...
    with pytest.raises(ValidationError) as exc:
        services.council_member_add(council=council, actor=world.police, user=newcomer,
                                    role=MemberRole.ORGANISATION_MEMBER)
    assert "username" in exc.value.message_dict
    # ... but by invitation: the seat gives this council, and no role in the municipality.
    member = helpers.seat(council, newcomer)
    assert not Membership.objects.filter(user=newcomer).exists()
    assert list(selectors.councils(_fresh(newcomer))) == [council]
    assert not access.municipalities(_fresh(newcomer)).exists()
    services.council_member_remove(member=member, actor=world.police)
    assert not selectors.councils(_fresh(newcomer)).exists()
    with pytest.raises(ValidationError):
        services.council_member_remove(member=member, actor=world.police)


def test_one_chair_at_a_time_and_no_duplicate_members(world: Any) -> None:
    council = helpers.make_council(world)
    director = user_with_role(Role.MUNICIPAL_LEADER, username="direktor",
                              municipality=world.stavanger)
    services.council_member_add(council=council, actor=world.police, user=director,
                                role=MemberRole.CHIEF_EXECUTIVE, is_chair=True)
    assert selectors.is_chair(_fresh(director), council)
    assert not selectors.is_chair(_fresh(world.leader), council)  # see test_policy too
    with pytest.raises(ValidationError):
        services.council_member_add(council=council, actor=world.police, user=director,
                                    role=MemberRole.OTHER)
    with pytest.raises(ValidationError):  # bob already has a seat
        services.council_member_add(council=council, actor=world.police, user=world.member,
                                    role=MemberRole.OTHER)


def test_regional_council_is_seen_from_each_municipality_that_joined(world: Any) -> None:
    council = services.council_create(actor=world.police, name="Regionalt råd", kind="regional",
                                      municipality=world.stavanger,
                                      municipalities=[world.sandnes])
    sandnes_mayor = user_with_role(Role.MUNICIPAL_LEADER, municipality=world.sandnes)
    # Stavanger's police contact works nowhere in Sandnes: Sandnes is asked, not linked.
    assert not selectors.councils(sandnes_mayor).exists()
    join = CouncilMunicipalityRequest.objects.get(council=council, municipality=world.sandnes)
    assert join.status == CouncilMunicipalityRequest.Status.PENDING
    services.council_municipality_decide(request=join, actor=sandnes_mayor, accept=True)
    assert list(selectors.councils(_fresh(sandnes_mayor))) == [council]
    assert not selectors.councils(world.outsider).exists()
    local = services.council_create(actor=world.police, name="Lokalt", kind="local",
                                    municipality=world.stavanger, municipalities=[world.sandnes])
    assert not CouncilMunicipalityRequest.objects.filter(council=local).exists()
    assert local not in selectors.councils(_fresh(sandnes_mayor))  # only regional ones span


def test_exempt_needs_a_legal_basis(world: Any) -> None:
    meeting = helpers.make_meeting(world)
    with pytest.raises(ValidationError) as exc:
        services.agenda_item_add(meeting=meeting, actor=world.police, title="X",
                                 access_level="exempt", legal_basis=" ")
    assert "legal_basis" in exc.value.message_dict


def test_agenda_is_sent_to_every_member_with_an_ics_invitation(world: Any) -> None:
    meeting = helpers.make_meeting(world, days=10)
    sent = helpers.send_agenda(meeting, world.police)
    assert sent == 4  # bob's seat has his portal e-mail
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["alice@example.no", "paul@example.no", "ekstern@example.no", "bob@example.no"])
    name, content, mimetype = mail.outbox[0].attachments[0]
    assert name == "invitation.ics" and mimetype.startswith("text/calendar")
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == meeting.starts_at.replace(microsecond=0)
    meeting.refresh_from_db()
    assert meeting.agenda_sent_at is not None and not meeting.agenda_sent_late
    assert "Sak 1" in mail.outbox[0].body


def test_late_agenda_is_allowed_but_marked_late(world: Any) -> None:
    meeting = helpers.make_meeting(world, days=3)  # default lead time 7 days has passed
    helpers.send_agenda(meeting, world.police)
    meeting.refresh_from_db()
    assert meeting.agenda_sent_late
    assert meeting.agenda_deadline == meeting.starts_at - dt.timedelta(days=7)


def test_exempt_items_stay_out_of_the_agenda_e_mail(world: Any) -> None:
    meeting = helpers.make_meeting(world, exempt=True)
    helpers.send_agenda(meeting, world.police)
    body = mail.outbox[0].body
    assert "Hemmelig sak" not in body and "offl. § 13" in body


def test_empty_agenda_is_not_sent(world: Any) -> None:
    meeting = helpers.make_meeting(world, items=0)
    with pytest.raises(ValidationError):
        helpers.send_agenda(meeting, world.police)
    assert mail.outbox == []


def test_open_tasks_from_earlier_meetings_are_followed_up(world: Any) -> None:
    past = helpers.make_minutes(world, exempt=False)
    nxt = helpers.make_meeting(world, past.council, days=5)
    assert [t.title for t in selectors.follow_up_tasks(nxt, world.leader)] == [
        "Lage trygghetsplan"]
    task = helpers.first_task(past)
    services.task_update_status(task=task, actor=world.leader, status=TaskStatus.DONE)
    assert not selectors.follow_up_tasks(nxt, world.leader).exists()


def _flags(meeting: Any) -> list[str]:
    from politirad.models import Meeting

    return selectors.meeting_leadership_flags(
        selectors.with_meeting_flags(Meeting.objects.filter(pk=meeting.pk)).get())


def test_meeting_without_top_leadership_is_flagged(world: Any) -> None:
    council = helpers.make_council(world)
    meeting = helpers.make_meeting(world, council, days=-1)
    mayor = helpers.member(council, world.leader)
    contact = helpers.member(council, world.police)
    services.attendance_record(meeting=meeting, actor=world.police, statuses={
        mayor.pk: AttendanceStatus.APOLOGIES, contact.pk: AttendanceStatus.PRESENT})
    assert _flags(meeting) == ["municipal", "police"]
    leader = services.council_member_add(council=council, actor=world.police, name="Nina",
                                         email="nina@politiet.no",
                                         role=MemberRole.SERVICE_UNIT_LEADER)
    services.attendance_record(meeting=meeting, actor=world.police, statuses={
        mayor.pk: AttendanceStatus.PRESENT, leader.pk: AttendanceStatus.PRESENT})
    assert _flags(meeting) == []


def test_only_the_chair_approves_and_approved_minutes_never_change(world: Any) -> None:
    meeting = helpers.make_minutes(world)
    minutes = Minutes.objects.get(meeting=meeting)
    with pytest.raises(PermissionDenied):
        services.minutes_approve(minutes=minutes, actor=world.police)
    services.minutes_approve(minutes=minutes, actor=world.leader)
    item = helpers.first_item(meeting)
    # The service refuses ...
    with pytest.raises(ValidationError):
        services.minutes_entry_save(meeting=meeting, agenda_item=item, actor=world.police,
                                    notes="endret", decisions=[])
    with pytest.raises(ValidationError):
        services.task_create(meeting=meeting, actor=world.police, title="Ny",
                             responsible_member=helpers.member(meeting.council, world.leader),
                             deadline=timezone.localdate())
    with pytest.raises(ValidationError):
        services.attendance_record(meeting=meeting, actor=world.police, statuses={})
    # ... and so do the model guards (admin, shell).
    entry = MinutesEntry.objects.filter(minutes__meeting=meeting).first()
    assert entry is not None
    entry.notes = "endret i admin"
    with pytest.raises(ValidationError):
        entry.save()
    decision = Decision.objects.filter(entry=entry).first()
    assert decision is not None
    with pytest.raises(ValidationError):
        decision.delete()
    minutes.refresh_from_db()
    minutes.summary = "endret"
    with pytest.raises(ValidationError):
        minutes.save()
    assert MinutesEntry.objects.get(pk=entry.pk).notes.startswith("Notat")
    # A correction is a new, dated entry.
    correction = services.minutes_correction_add(minutes=minutes, actor=world.police,
                                                 text="Riktig dato er 3. mai.")
    assert correction.made_on == timezone.localdate()
    correction.text = "endret"
    with pytest.raises(ValidationError):
        correction.save()


def test_task_status_history_and_completion(world: Any) -> None:
    meeting = helpers.make_minutes(world, exempt=False)
    task = helpers.first_task(meeting)
    assert task.responsible_user == world.leader
    services.task_update_status(task=task, actor=world.leader, status=TaskStatus.IN_PROGRESS,
                                comment="Startet")
    services.task_update_status(task=task, actor=world.leader, status=TaskStatus.DONE,
                                comment="Ferdig")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.completed_at is not None
    history = list(TaskComment.objects.filter(task=task).values_list("status_to", "text"))
    assert history == [("in_progress", "Startet"), ("done", "Ferdig")]
    with pytest.raises(PermissionDenied):
        services.task_update_status(task=task, actor=world.member, status=TaskStatus.OPEN)


def test_task_needs_someone_responsible(world: Any) -> None:
    meeting = helpers.make_minutes(world, exempt=False)
    with pytest.raises(ValidationError):
        services.task_create(meeting=meeting, actor=world.police, title="Uten ansvar",
                             deadline=timezone.localdate())


@pytest.mark.parametrize(("name", "content", "ok"), [
    ("notat.pdf", b"%PDF-1.7\nrest", True),
    ("bilde.png", b"\x89PNG\r\n\x1a\nrest", True),
    ("tekst.txt", "Hei på deg".encode(), True),
    ("falsk.pdf", b"<html><script>alert(1)</script>", False),
    ("tekst.txt", b"<html><script>alert(1)</script>", False),
    ("program.exe", b"MZ\x90\x00", False),
    ("side.html", b"<html></html>", False),
])
def test_attachments_are_content_checked(world: Any, name: str, content: bytes, ok: bool) -> None:
    meeting = helpers.make_meeting(world)
    item = helpers.first_item(meeting)
    upload = SimpleUploadedFile(name, content)
    if ok:
        attachment = services.attachment_add(item=item, upload=upload, actor=world.police)
        assert attachment.filename == name
    else:
        with pytest.raises(ValidationError):
            services.attachment_add(item=item, upload=upload, actor=world.police)


def test_attachment_size_limit(world: Any, settings: Any) -> None:
    settings.MAX_UPLOAD_SIZE = 10
    item = helpers.first_item(helpers.make_meeting(world))
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(item=item, upload=SimpleUploadedFile("a.pdf", b"%PDF-" + b"x" * 20),
                                actor=world.police)
    assert "attachment" in exc.value.message_dict


def test_exempt_visibility_decision(world: Any) -> None:
    council = helpers.make_council(world)
    assert selectors.can_see_exempt(world.leader, council)  # member (chair)
    assert selectors.can_see_exempt(world.police, council)  # member and works on it
    assert selectors.can_see_exempt(world.chief, council)  # district administrator
    assert selectors.can_see_exempt(world.member, council)  # an ordinary seat reads it too
    slt = user_with_role(Role.SLT_COORDINATOR, municipality=world.stavanger)
    assert selectors.may(slt, policy.VIEW, council)  # sees the council, works in Stavanger
    assert not selectors.can_see_exempt(slt, council)  # ... but is no party and has no seat
    assert selectors.may(world.admin, policy.VIEW, council)
    assert not selectors.can_see_exempt(world.admin, council)  # national admin, no seat
    assert not selectors.can_see_exempt(world.outsider, council)


def test_council_facts_for_evaluations(world: Any, django_assert_max_num_queries: Any) -> None:
    council = helpers.make_council(world)
    meeting = helpers.make_minutes(world, council=council, exempt=False)
    assert meeting.agenda_deadline is not None
    meeting.agenda_sent_at = meeting.agenda_deadline - dt.timedelta(hours=1)
    meeting.save(update_fields=["agenda_sent_at"])
    late = helpers.make_meeting(world, council, days=-40)
    late.agenda_sent_at = late.starts_at - dt.timedelta(days=1)
    late.save(update_fields=["agenda_sent_at"])
    task = helpers.first_task(meeting)
    services.task_update_status(task=task, actor=world.leader, status=TaskStatus.DONE)
    other = helpers.make_council(world, name="Annet råd")
    today = timezone.localdate()
    with django_assert_max_num_queries(4):
        facts = selectors.council_facts([council.pk, other.pk], today - dt.timedelta(days=364),
                                        today + dt.timedelta(days=60))
    f = facts[council.pk]
    assert f.meetings_held == 2 and f.target == 2
    assert f.agendas_in_time_share == 0.5
    assert f.tasks_done_by_deadline_share == 1.0
    # Attendance recorded at one meeting: the mayor came, but no police leadership.
    assert f.leadership_attendance_share == 0.0
    assert facts[other.pk].meetings_held == 0 and facts[other.pk].agendas_in_time_share is None


def test_approved_minutes_freeze_what_they_say_about_tasks(world: Any) -> None:
    meeting = helpers.make_minutes(world, state="approved", exempt=False)
    task = helpers.first_task(meeting)
    task.deadline = task.deadline + dt.timedelta(days=30)
    with pytest.raises(ValidationError):
        task.save()
    task.refresh_from_db()
    services.task_update_status(task=task, actor=world.leader, status=TaskStatus.IN_PROGRESS)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS


def test_exempt_tasks_stay_out_of_readers_lists_and_the_agenda_e_mail(world: Any) -> None:
    past = helpers.make_minutes(world)  # one open, one exempt task
    council = past.council
    both = {"Lage trygghetsplan", "Hemmelig oppgave"}
    assert {t.title for t in selectors.open_tasks(council, world.police)} == both
    assert {t.title for t in selectors.open_tasks(council, world.member)} == both  # a seat
    slt = user_with_role(Role.SLT_COORDINATOR, municipality=world.stavanger)
    for reader in (world.admin, slt):  # they see the council, not its exempt content
        assert [t.title for t in selectors.open_tasks(council, reader)] == [
            "Lage trygghetsplan"]
    assert not selectors.open_tasks(council, world.outsider).exists()
    nxt = helpers.make_meeting(world, council, days=10)
    helpers.send_agenda(nxt, world.police)
    assert "Lage trygghetsplan" in mail.outbox[0].body
    assert "Hemmelig" not in mail.outbox[0].body


def test_demo_builder_is_idempotent(db: Any) -> None:
    # On the demo's own database: the `world` fixture puts Stavanger in a test unit, so the
    # demo's unit leader would work nowhere in the council's municipalities.
    from samarbeid import demo as core_demo

    core_demo.build()
    core_demo.build()
    from politirad.models import PoliceCouncil

    council = PoliceCouncil.objects.get(name="Politirådet i Stavanger")
    assert council.members.count() == 5
    assert selectors.is_chair(council.members.get(is_chair=True).user, council)
    minutes = Minutes.objects.get(meeting__council=council)
    assert minutes.status == "published" and minutes.meeting.tasks.count() == 2
    assert council.meetings.filter(starts_at__gt=timezone.now()).count() == 1


def test_agenda_send_when_the_mail_server_fails(world: Any,
                                               django_capture_on_commit_callbacks: Any) -> None:
    """SMTP down: the request still answers at once, nothing is lost, and the delivery scan
    sends each member the agenda once when the server is back."""
    from unittest import mock

    from samarbeid import notify

    meeting = helpers.make_meeting(world)
    with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages",
                    side_effect=OSError("down")), \
            django_capture_on_commit_callbacks(execute=True):
        assert helpers.send_agenda(meeting, world.police) == 4
    assert mail.outbox == []
    assert services.agenda_delivery(meeting) == (0, 4)
    notify.run_all_scans(["politirad.agenda_delivery"])
    assert services.agenda_delivery(meeting) == (4, 4)
    assert len(mail.outbox) == 4
    notify.run_all_scans(["politirad.agenda_delivery"])
    with django_capture_on_commit_callbacks(execute=True):
        services.agenda_send(meeting=meeting, actor=world.police)  # a re-send: no one twice
    assert len(mail.outbox) == 4


def test_a_changed_meeting_sends_the_new_invitation_to_everyone(
        world: Any, django_capture_on_commit_callbacks: Any) -> None:
    meeting = helpers.make_meeting(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.agenda_send(meeting=meeting, actor=world.police)
    assert len(mail.outbox) == 4
    services.meeting_update(meeting=meeting, actor=world.police,
                            starts_at=meeting.starts_at + dt.timedelta(hours=1), ends_at=None,
                            place="Nytt sted", video_url="", title="")
    with django_capture_on_commit_callbacks(execute=True):
        services.agenda_send(meeting=meeting, actor=world.police)
    assert len(mail.outbox) == 8
    invitation = mail.outbox[-1].attachments[0][1]
    text = invitation.decode() if isinstance(invitation, bytes) else str(invitation)
    assert "SEQUENCE:1" in text


def test_council_task_without_minutes_is_followed_up_at_the_next_meeting(world: Any) -> None:
    council = helpers.make_council(world)
    task = services.council_task_create(council=council, actor=world.leader,
                                        title="Lærdom fra evalueringen",
                                        deadline=timezone.localdate() + dt.timedelta(days=20),
                                        responsible_user=world.leader)
    meeting = helpers.make_meeting(world, council, days=10)
    assert list(selectors.follow_up_tasks(meeting, world.leader)) == [task]
    assert list(selectors.my_tasks(world.leader)) == [task]


def test_the_council_pages_task_rows_name_the_responsible_as_the_task_does(world: Any) -> None:
    """open_task_rows reads values, not tasks: each kind of responsible (a member with an
    account, an external member, a user, an organisation) is named as Task does, and the
    reader's restriction is the same as open_tasks'."""
    from tests.factories import OrganisationFactory

    past = helpers.make_minutes(world)  # one open task, one exempt
    council = past.council
    world.leader.first_name, world.leader.last_name = "Kari", "Nordmann"
    world.leader.save()
    world.police.first_name, world.police.last_name = "Paul", ""  # no blank after the name
    world.police.save()
    world.chief.first_name = world.chief.last_name = ""  # no name: the user name
    world.chief.save()
    external = council.members.get(name="Ekstern Person")
    deadline = timezone.localdate() + dt.timedelta(days=9)
    for title, kwargs in [("Ekstern", {"responsible_member": external}),
                          ("Bruker", {"responsible_user": world.police}),
                          ("Uten navn", {"responsible_user": world.chief}),
                          ("Organisasjon", {"responsible_organisation": OrganisationFactory()})]:
        services.council_task_create(council=council, actor=world.police, title=title,
                                     deadline=deadline, **kwargs)
    for reader in (world.police, world.admin):
        rows = selectors.open_task_rows(council, reader)
        tasks = list(selectors.open_tasks(council, reader))
        assert [(r.pk, r.title, r.responsible_name, r.status) for r in rows] == [
            (t.pk, t.title, t.responsible_name, t.status) for t in tasks]
        assert all(r.get_status_display() == t.get_status_display()
                   for r, t in zip(rows, tasks, strict=True))
    names = {r.title: r.responsible_name for r in selectors.open_task_rows(council, world.police)}
    assert names["Lage trygghetsplan"] == "Kari Nordmann"
    assert names["Ekstern"] == "Ekstern Person"
    assert names["Bruker"] == "Paul" and names["Uten navn"] == world.chief.username
    assert "Hemmelig oppgave" not in {
        r.title for r in selectors.open_task_rows(council, world.admin)}
