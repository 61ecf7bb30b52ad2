"""Builders for politirad tests and matrix rows: a council of Stavanger around the `world`
users (alice = mayor and chair, paul = police contact and secretary, bob = a member for
business with no role of his own)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from politirad import services
from politirad.models import (
    AgendaItem,
    AttendanceStatus,
    CouncilMember,
    Meeting,
    MemberRole,
    Minutes,
    PoliceCouncil,
    Task,
)
from tests.factories import UserFactory


def make_council(w: Any, *, name: str = "Politirådet i Stavanger", municipality: Any = None
                 ) -> PoliceCouncil:
    council = services.council_create(actor=w.police, name=name, kind="local",
                                      municipality=municipality or w.stavanger)
    services.council_member_add(council=council, actor=w.police, user=w.leader,
                                role=MemberRole.MAYOR, is_chair=True)
    services.council_member_add(council=council, actor=w.police, user=w.police,
                                role=MemberRole.POLICE_CONTACT, is_secretary=True)
    services.council_member_add(council=council, actor=w.police, name="Ekstern Person",
                                email="ekstern@example.no", role=MemberRole.ORGANISATION_MEMBER)
    seat(council, w.member)
    return council


def seat(council: PoliceCouncil, user: Any, *, role: str = MemberRole.ORGANISATION_MEMBER,
         chair: bool = False, secretary: bool = False) -> CouncilMember:
    """Seat a user who holds no role (business, volunteers, school): in production they come
    in by invitation; the service seats only people who work in the municipality."""
    return CouncilMember.objects.create(council=council, user=user, role=role, is_chair=chair,
                                        is_secretary=secretary)


def member(council: PoliceCouncil, user: Any) -> CouncilMember:
    return CouncilMember.objects.get(council=council, user=user, ends_on=None)


def make_meeting(w: Any, council: PoliceCouncil | None = None, *, days: float = 10,
                 items: int = 1, exempt: bool = False) -> Meeting:
    council = council or make_council(w)
    starts = timezone.now() + dt.timedelta(days=days)
    meeting = services.meeting_create(council=council, actor=w.police, starts_at=starts,
                                      place="Rådhuset")
    for n in range(items):
        services.agenda_item_add(meeting=meeting, actor=w.police, title=f"Sak {n + 1}",
                                 description="Beskrivelse", presenter="Paul")
    if exempt:
        services.agenda_item_add(meeting=meeting, actor=w.police, title="Hemmelig sak",
                                 description="Taushetsbelagt innhold",
                                 access_level="exempt", legal_basis="offl. § 13 jf. fvl. § 13")
    return meeting


def make_minutes(w: Any, *, state: str = "draft", exempt: bool = True,
                 council: PoliceCouncil | None = None) -> Meeting:
    """A past meeting with attendance, minutes per item and two tasks."""
    council = council or make_council(w)
    meeting = make_meeting(w, council, days=-20, items=1, exempt=exempt)
    services.attendance_record(meeting=meeting, actor=w.police, statuses={
        m.pk: AttendanceStatus.PRESENT for m in council.members.all()})
    items = list(meeting.agenda_items.all())
    for item in items:
        services.minutes_entry_save(meeting=meeting, agenda_item=item, actor=w.police,
                                    notes=f"Notat {item.title}",
                                    decisions=[f"Vedtak om {item.title}"],
                                    access_level=item.access_level, legal_basis=item.legal_basis)
    services.task_create(meeting=meeting, actor=w.police, agenda_item=items[0],
                         title="Lage trygghetsplan", responsible_member=member(council, w.leader),
                         deadline=timezone.localdate() + dt.timedelta(days=30))
    if exempt:
        services.task_create(meeting=meeting, actor=w.police, agenda_item=items[-1],
                             title="Hemmelig oppgave",
                             responsible_member=member(council, w.police),
                             deadline=timezone.localdate() + dt.timedelta(days=40))
    minutes = Minutes.objects.get(meeting=meeting)
    if state in ("approved", "published"):
        services.minutes_approve(minutes=minutes, actor=w.leader)
    if state == "published":
        services.minutes_publish(minutes=minutes, actor=w.police)
    return meeting


def first_item(meeting: Meeting) -> AgendaItem:
    """The first item on the agenda (every meeting built here has at least one)."""
    item = meeting.agenda_items.first()
    assert item is not None
    return item


def first_task(meeting: Meeting) -> Task:
    task = meeting.tasks.order_by("pk").first()
    assert task is not None
    return task


def external_user(username: str = "ekstern") -> Any:
    return UserFactory(username=username)


def send_agenda(meeting: Meeting, actor: Any) -> int:
    """Send the agenda as a request does: the e-mails go from a task after commit (tasks run
    in process in the tests)."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.agenda_send(meeting=meeting, actor=actor)
