"""The meeting's stored facts (issue #12): attendance recorded, leadership present and open
tasks follow every service write, and the council page reads them, so its query count does
not grow with the number of meetings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from politirad import selectors, services
from politirad.models import AttendanceStatus, Meeting, MemberRole, TaskStatus

from . import helpers


def _facts(meeting: Meeting) -> tuple[bool, bool, bool, int]:
    meeting.refresh_from_db()
    return (meeting.attendance_recorded, meeting.municipal_leadership_present,
            meeting.police_leadership_present, meeting.open_task_count)


def test_flags_follow_recorded_attendance(world: Any) -> None:
    council = helpers.make_council(world)
    meeting = helpers.make_meeting(world, council, days=-1)
    mayor = helpers.member(council, world.leader)
    contact = helpers.member(council, world.police)
    assert _facts(meeting) == (False, False, False, 0)
    assert selectors.meeting_leadership_flags(meeting) == []  # nothing recorded yet
    services.attendance_record(meeting=meeting, actor=world.police, statuses={
        mayor.pk: AttendanceStatus.APOLOGIES, contact.pk: AttendanceStatus.PRESENT})
    assert _facts(meeting) == (True, False, False, 0)
    assert selectors.meeting_leadership_flags(meeting) == ["municipal", "police"]
    services.attendance_record(meeting=meeting, actor=world.police, statuses={
        mayor.pk: AttendanceStatus.PRESENT})
    assert _facts(meeting) == (True, True, False, 0)
    chief = services.council_member_add(council=council, actor=world.police,
                                        name="Tjenesteenhetsleder", email="tel@example.no",
                                        role=MemberRole.SERVICE_UNIT_LEADER)
    services.attendance_record(meeting=meeting, actor=world.police, statuses={
        chief.pk: AttendanceStatus.PRESENT})
    assert _facts(meeting) == (True, True, True, 0)
    assert selectors.meeting_leadership_flags(meeting) == []
    services.attendance_record(meeting=meeting, actor=world.police, statuses={
        mayor.pk: AttendanceStatus.ABSENT})
    assert _facts(meeting)[:3] == (True, False, True)


def test_open_task_count_follows_tasks_created_done_and_reopened(world: Any) -> None:
    meeting = helpers.make_minutes(world)  # two tasks from the minutes
    assert _facts(meeting)[3] == 2
    task = helpers.first_task(meeting)
    services.task_update_status(task=task, actor=world.leader, status=TaskStatus.DONE)
    assert _facts(meeting)[3] == 1
    services.task_update_status(task=task, actor=world.leader, status=TaskStatus.IN_PROGRESS)
    assert _facts(meeting)[3] == 2  # reopened
    services.task_create(meeting=meeting, actor=world.police, title="Ny oppgave",
                         deadline=timezone.localdate() + dt.timedelta(days=9),
                         responsible_member=helpers.member(meeting.council, world.leader))
    assert _facts(meeting)[3] == 3
    services.task_update_status(task=task, actor=world.leader, status=TaskStatus.CANCELLED)
    assert _facts(meeting)[3] == 2


def test_a_full_refresh_matches_the_rows(world: Any) -> None:
    """After a bulk load (bench, import) one call recomputes every meeting from its rows."""
    meeting = helpers.make_minutes(world)
    Meeting.objects.filter(pk=meeting.pk).update(attendance_recorded=False, open_task_count=0,
                                                 municipal_leadership_present=False)
    assert services.meeting_counters_refresh() == Meeting.objects.count()
    assert _facts(meeting) == (True, True, False, 2)  # mayor present; no police leadership


def _council_with_meetings(world: Any, name: str, n: int) -> Any:
    council = helpers.make_council(world, name=name)
    mayor = helpers.member(council, world.leader)
    for i in range(n):
        meeting = Meeting.objects.create(
            council=council, starts_at=timezone.now() - dt.timedelta(days=i + 1), place="Her",
            agenda_sent_at=timezone.now(), agenda_deadline=timezone.now() - dt.timedelta(days=i + 3))
        services.attendance_record(meeting=meeting, actor=world.police, statuses={
            mayor.pk: AttendanceStatus.PRESENT})
    return council


def _get(client: Any, council: Any) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("politirad:council_detail", args=[council.pk]))
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_council_page_reads_the_stored_flags_in_the_same_queries_for_1_and_50(
        world: Any, client: Any) -> None:
    one = _council_with_meetings(world, "Ett møte", 1)
    fifty = _council_with_meetings(world, "Femti møter", 50)
    client.force_login(world.leader)
    client.get(reverse("home"))  # warm the principal and the session
    few, small = _get(client, one)
    many, big = _get(client, fifty)
    assert few == many
    # The flags come from the stored facts: the police leadership is missing in every row.
    assert [m.flags for m in small.context["meetings"].object_list] == [["police"]]
    rows = big.context["meetings"].object_list
    assert len(rows) == 25 and all(m.flags == ["police"] for m in rows)  # a full page


def test_the_council_page_does_not_read_attendance(world: Any, client: Any) -> None:
    council = _council_with_meetings(world, "Ett møte", 3)
    client.force_login(world.leader)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("politirad:council_detail", args=[council.pk])
                          ).status_code == 200
    assert not [q for q in ctx.captured_queries if "politirad_attendance" in q["sql"]]


def _meeting_with(world: Any, name: str, n: int) -> Meeting:
    council = helpers.make_council(world, name=name)
    for i in range(n):
        services.council_member_add(council=council, actor=world.police, name=f"Medlem {i}",
                                    email=f"m{i}@example.no", role=MemberRole.OTHER)
    meeting = helpers.make_meeting(world, council, days=-1, items=max(1, n // 10))
    services.attendance_record(meeting=meeting, actor=world.police, statuses={
        m.pk: AttendanceStatus.PRESENT for m in council.members.all()})
    leader = helpers.member(council, world.leader)
    for i in range(n):
        services.council_task_create(council=council, actor=world.police, title=f"Oppgave {i}",
                                     deadline=timezone.localdate() + dt.timedelta(days=30),
                                     responsible_member=leader)
    return meeting


def test_meeting_page_queries_do_not_grow_with_attendance_and_follow_up(
        world: Any, client: Any) -> None:
    small = _meeting_with(world, "Lite råd", 1)
    big = _meeting_with(world, "Stort råd", 30)
    client.force_login(world.police)
    client.get(reverse("home"))
    counts = []
    for meeting in (small, big):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("politirad:meeting_detail", args=[meeting.pk]))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    assert len(response.context["follow_up"]) == 30
