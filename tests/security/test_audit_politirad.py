"""Audit trail of police councils (issue 7 §3, guide §4): every create, change and delete of
councils, members, meetings, agenda items, attachments, minutes (entries, decisions,
corrections), tasks and plans; approval and publication of minutes; sending of agendas; every
PDF and calendar export — who, what, when (UTC) and the object, with AuditAction values and
never the typed text (titles, notes, decisions, comments and names may be exempt, offl. § 13).
The history shows on the meeting, minutes and task pages to those who may see them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from politirad import services
from politirad.models import (
    AgendaAttachment,
    CouncilMember,
    Decision,
    MemberRole,
    Minutes,
    MinutesCorrection,
    MinutesEntry,
    PoliceCouncil,
)
from samarbeid.models import AuditAction, AuditEvent, UserProfile
from tests.politirad import helpers
from tests.politirad.helpers import first_task, make_council, make_minutes, member

pytestmark = pytest.mark.django_db

SECRET = "Per Hansen (14) ble tatt med hasj"


def _events(obj: Any) -> list[tuple[str, Any]]:
    return list(AuditEvent.objects.filter(object_type=obj._meta.label_lower,
                                          object_id=str(obj.pk))
                .order_by("at", "pk").values_list("action", "actor"))


def _assert_no_free_text() -> None:
    for event in AuditEvent.objects.filter(object_type__startswith="politirad."):
        assert event.action in AuditAction.values, event.action
        assert event.at.utcoffset() == dt.timedelta(0)
        for text in ("Per Hansen", "hasj", "Hemmelig", "Taushetsbelagt", "Notat", "Vedtak",
                     "trygghetsplan", "Ekstern Person", "ekstern@example.no", "Rådhuset",
                     "Politirådet", "alice", "paul"):
            assert text not in event.summary, (text, event.summary)


def test_every_service_write_is_recorded_without_typed_text(world: Any) -> None:
    before = dt.datetime.now(dt.UTC)
    actor = world.police
    council = services.council_create(actor=actor, name=f"Politirådet {SECRET}", kind="local",
                                      municipality=world.stavanger, description=SECRET)
    services.council_update(council=council, actor=actor, name="Politirådet", kind="local",
                            description=SECRET + " endret")
    chair = services.council_member_add(council=council, actor=actor, user=world.leader,
                                        role=MemberRole.MAYOR, is_chair=True)
    services.council_member_add(council=council, actor=actor, user=world.police,
                                role=MemberRole.POLICE_CONTACT, is_secretary=True)
    external = services.council_member_add(council=council, actor=actor, name="Ekstern Person",
                                           email="ekstern@example.no",
                                           role=MemberRole.ORGANISATION_MEMBER)
    services.council_member_remove(member=external, actor=actor)
    meeting = services.meeting_create(council=council, actor=actor, place="Rådhuset",
                                      title=SECRET,
                                      starts_at=timezone.now() - dt.timedelta(days=2))
    services.meeting_update(meeting=meeting, actor=actor, starts_at=meeting.starts_at,
                            ends_at=None, place="Rådhuset", video_url="", title="Møte")
    item = services.agenda_item_add(
        meeting=meeting, actor=actor, title=SECRET, description=SECRET, access_level="exempt",
        legal_basis="offl. § 13 jf. fvl. § 13",
        attachments=[SimpleUploadedFile(f"{SECRET}.pdf", b"%PDF-1.4 x", "application/pdf")])
    services.agenda_item_update(item=item, actor=actor, title=SECRET + "!", description=SECRET,
                                presenter="", access_level="exempt",
                                legal_basis="offl. § 13 jf. fvl. § 13")
    attachment = AgendaAttachment.objects.get(item=item)
    services.attendance_record(meeting=meeting, actor=actor, statuses={chair.pk: "present"})
    entry = services.minutes_entry_save(meeting=meeting, agenda_item=item, actor=actor,
                                        notes=f"Notat {SECRET}", decisions=[f"Vedtak {SECRET}"],
                                        access_level="exempt",
                                        legal_basis="offl. § 13 jf. fvl. § 13")
    services.minutes_entry_save(meeting=meeting, agenda_item=item, actor=actor,
                                notes=f"Notat {SECRET}", decisions=["Vedtak 1", "Vedtak 2"],
                                access_level="exempt", legal_basis="offl. § 13 jf. fvl. § 13")
    task = services.task_create(meeting=meeting, actor=actor, title=f"Hemmelig {SECRET}",
                                agenda_item=item, responsible_member=chair,
                                deadline=timezone.localdate() + dt.timedelta(days=5))
    minutes = Minutes.objects.get(meeting=meeting)
    services.minutes_approve(minutes=minutes, actor=world.leader)
    services.minutes_publish(minutes=minutes, actor=actor)
    correction = services.minutes_correction_add(minutes=minutes, actor=actor,
                                                 text=f"Rettelse {SECRET}")
    services.task_update_status(task=task, actor=world.leader, status="in_progress",
                                comment=SECRET)
    services.task_update_status(task=task, actor=world.leader, status="in_progress",
                                comment=SECRET + " igjen")
    plan = services.plan_create(council=council, actor=actor, kind="action", title=SECRET,
                                starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31),
                                description=SECRET)
    measure = services.measure_add(plan=plan, actor=actor, title=SECRET, focus_area=None,
                                   focus_area_other="youth",
                                   coordination_step=1, responsible=SECRET,
                                   starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 30))
    request = services.knowledge_request_add(council=council, actor=actor, agency="police",
                                             topic=SECRET)

    a, lead = actor.pk, world.leader.pk
    C, CH, E = AuditAction.CREATE, AuditAction.CHANGE, AuditAction.END
    assert _events(council) == [(C, a), (CH, a)]
    assert _events(external) == [(C, a), (E, a)]
    assert _events(chair) == [(C, a)]
    assert _events(meeting) == [(C, a), (CH, a), (CH, a), (CH, a), (CH, a)]
    assert _events(item) == [(C, a), (CH, a)]
    assert _events(attachment) == [(C, a)]
    assert _events(entry) == [(C, a), (CH, a)]
    assert _events(task) == [(C, a), (CH, lead), (CH, lead)]
    assert _events(minutes) == [(CH, a), (CH, a), (CH, a), (AuditAction.APPROVE, lead),
                                (AuditAction.PUBLISH, a), (CH, a)]
    assert _events(correction) == [(C, a)]
    assert _events(plan) == [(C, a), (CH, a)]
    assert _events(measure) == [(C, a)]
    assert _events(request) == [(C, a)]
    assert not AuditEvent.objects.filter(object_type__startswith="politirad.",
                                         at__lt=before).exists()
    _assert_no_free_text()
    # What changed is named, so the trail is useful without the text.
    assert AuditEvent.objects.filter(object_type="politirad.policecouncil",
                                     action=CH).get().summary == "name, description"
    changes = AuditEvent.objects.filter(action=CH).order_by("at", "pk")
    assert changes.filter(object_type="politirad.meeting")[0].summary == "title"
    assert [e.summary for e in changes.filter(object_type="politirad.task")] == [
        "status open->in_progress", "comment"]
    assert "2 decisions" in AuditEvent.objects.filter(
        object_type="politirad.minutesentry", action=CH).get().summary


def test_agenda_sending_is_recorded(world: Any, mailoutbox: Any) -> None:
    council = make_council(world, name="Rådet")
    meeting = services.meeting_create(council=council, actor=world.police, place="Rådhuset",
                                      starts_at=timezone.now() + dt.timedelta(days=10))
    services.agenda_item_add(meeting=meeting, actor=world.police, title="Sak")
    AuditEvent.objects.all().delete()
    helpers.send_agenda(meeting, world.police)
    event = AuditEvent.objects.get(object_type="politirad.meeting", object_id=str(meeting.pk))
    assert event.action == AuditAction.SEND and event.actor == world.police
    # Alice, Paul, Bob (a seat, no role) and the external member; version 0 of the invitation.
    assert event.summary == "agenda v0 for 4 members"
    assert len(mailoutbox) == 4


def test_view_posts_are_recorded_for_the_user_who_posted(client: Any, world: Any) -> None:
    council = make_council(world)
    meeting = services.meeting_create(council=council, actor=world.police, place="Rådhuset",
                                      starts_at=timezone.now() - dt.timedelta(days=1))
    item = services.agenda_item_add(meeting=meeting, actor=world.police, title="Sak")
    AuditEvent.objects.all().delete()
    client.force_login(world.police)
    response = client.post(reverse("politirad:minutes", args=[meeting.pk]), {
        "item": item.pk, f"item{item.pk}-notes": SECRET,
        f"item{item.pk}-decisions": "Vedtak A\nVedtak B", f"item{item.pk}-access_level": "open",
        f"item{item.pk}-legal_basis": ""})
    assert response.status_code == 302
    response = client.post(reverse("politirad:task_add", args=[meeting.pk]), {
        "title": SECRET, "deadline": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        "agenda_item": item.pk, "responsible_member": member(council, world.leader).pk})
    assert response.status_code == 302
    # The login is an account event (tests/core/test_audit_accounts.py), not the POSTs'.
    mine = AuditEvent.objects.filter(actor=world.police).exclude(object_type="auth.user")
    assert set(mine.values_list("object_type", "action")) == {
        ("politirad.minutesentry", AuditAction.CREATE), ("politirad.minutes", AuditAction.CHANGE),
        ("politirad.task", AuditAction.CREATE)}
    assert mine.get(object_type="politirad.minutesentry").ip_address == "127.0.0.1"
    _assert_no_free_text()


def test_pdf_and_ics_exports_are_recorded(client: Any, world: Any) -> None:
    meeting = make_minutes(world, state="published")
    minutes = Minutes.objects.get(meeting=meeting)
    client.force_login(world.leader)
    for name in ("politirad:minutes_pdf", "politirad:minutes_public_pdf",
                 "politirad:meeting_ics"):
        assert client.get(reverse(name, args=[meeting.pk])).status_code == 200
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=world.leader)
    assert sorted(exports.values_list("object_type", "object_id", "summary")) == sorted([
        ("politirad.minutes", str(minutes.pk), "members pdf"),
        ("politirad.minutes", str(minutes.pk), "public pdf"),
        ("politirad.meeting", str(meeting.pk), "ics")])
    assert set(exports.values_list("ip_address", flat=True)) == {"127.0.0.1"}

    # The personal feed (token, no login) records who fetched it; the token stays out.
    client.logout()
    profile, _created = UserProfile.objects.get_or_create(user=world.leader)
    token = profile.rotate_calendar_token()
    assert client.get(reverse("politirad:calendar_feed", args=[token])).status_code == 200
    feed = AuditEvent.objects.get(object_type=profile._meta.label_lower, action=AuditAction.EXPORT)
    assert feed.actor == world.leader and token not in feed.summary
    assert feed.summary.startswith("calendar feed")

    # An outsider's attempt exports nothing.
    client.force_login(world.outsider)
    before = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
    for name in ("politirad:minutes_pdf", "politirad:meeting_ics"):
        assert client.get(reverse(name, args=[meeting.pk])).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == before


def test_admin_changes_and_deletions_are_recorded(admin_client: Any, admin_user: Any,
                                                  world: Any) -> None:
    # The admin reads through the policy (samarbeid.admin_audit): the staff user here is the
    # national administrator, who sees every council.
    from samarbeid import services as core_services
    from samarbeid.models import Role

    core_services.membership_create(user=admin_user, role=Role.NATIONAL_ADMIN)
    council = make_council(world)
    other = services.council_create(actor=world.police, name="Annet råd", kind="local",
                                    municipality=world.stavanger)
    url = reverse("admin:politirad_policecouncil_change", args=[council.pk])
    members = list(CouncilMember.objects.filter(council=council).order_by("pk"))
    data: dict[str, Any] = {
        "name": "Nytt navn", "kind": "local", "municipality": world.stavanger.pk,
        "theme": "", "description": SECRET, "bylaws_review_on": "",
        "members-TOTAL_FORMS": len(members), "members-INITIAL_FORMS": len(members),
        "members-MIN_NUM_FORMS": 0, "members-MAX_NUM_FORMS": 1000}
    for i, m in enumerate(members):
        data.update({f"members-{i}-id": m.pk, f"members-{i}-council": council.pk,
                     f"members-{i}-user": m.user_id or "", f"members-{i}-name": m.name,
                     f"members-{i}-email": m.email, f"members-{i}-organisation": "",
                     f"members-{i}-role": m.role, f"members-{i}-is_chair": m.is_chair or "",
                     f"members-{i}-is_secretary": m.is_secretary or "",
                     f"members-{i}-starts_on": m.starts_on.isoformat(),
                     f"members-{i}-ends_on": ""})
    data = {k: v for k, v in data.items() if v is not False}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    response = admin_client.post(reverse("admin:politirad_policecouncil_delete",
                                         args=[other.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not PoliceCouncil.objects.filter(pk=other.pk).exists()
    by_admin = AuditEvent.objects.filter(actor=admin_user).exclude(object_type="auth.user")
    assert set(by_admin.values_list("object_type", "object_id", "action")) == {
        ("politirad.policecouncil", str(council.pk), AuditAction.CHANGE),
        ("politirad.policecouncil", str(other.pk), AuditAction.DELETE)}
    change = by_admin.get(action=AuditAction.CHANGE)
    assert "description" in change.summary and "Per Hansen" not in change.summary


def test_history_shows_on_meeting_minutes_and_task_pages_to_readers(client: Any,
                                                                    world: Any) -> None:
    meeting = make_minutes(world, state="published")
    task = first_task(meeting)
    services.task_update_status(task=task, actor=world.leader, status="done", comment=SECRET)
    pages = {
        # The stored codes shown in the reader's language (samarbeid/audit_display.py).
        reverse("politirad:meeting_detail", args=[meeting.pk]): "oppmøte for",
        reverse("politirad:minutes", args=[meeting.pk]): "Publisert",
        reverse("politirad:task_detail", args=[task.pk]): "status Åpne → Utført",
    }
    client.force_login(world.member)  # an ordinary member of the council, no role of his own
    for url, expected in pages.items():
        body = client.get(url).content.decode()
        assert 'class="mt-4 history"' in body, url
        assert expected in body, (url, expected)
        assert SECRET not in body.split('class="mt-4 history"', 1)[1], url
    client.force_login(world.outsider)
    for url in pages:
        assert client.get(url).status_code == 404


def test_unpublished_minutes_hide_their_history_from_readers(client: Any, world: Any) -> None:
    meeting = make_minutes(world, state="draft")
    client.force_login(world.member)
    body = client.get(reverse("politirad:minutes", args=[meeting.pk])).content.decode()
    assert 'class="mt-4 history"' not in body
    client.force_login(world.police)
    body = client.get(reverse("politirad:minutes", args=[meeting.pk])).content.decode()
    assert 'class="mt-4 history"' in body


def test_decisions_are_part_of_the_entry_history(world: Any) -> None:
    meeting = make_minutes(world, state="draft", exempt=False)
    entry = MinutesEntry.objects.get(minutes__meeting=meeting)
    assert Decision.objects.filter(entry=entry).count() == 1
    assert "1 decisions" in AuditEvent.objects.filter(
        object_type="politirad.minutesentry", object_id=str(entry.pk)).get().summary
    assert not MinutesCorrection.objects.exists()
