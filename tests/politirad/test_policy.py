"""The one access policy (samarbeid.policy, politirad.models.council_q) and the meeting freeze,
as users meet them. Each test is a fault of the rules before the policy (c1869c8):

- a council seat gave a council-member role in the council's primary municipality, so a
  business member read the municipality's agreements, SLT, evaluations and police contacts,
  and a member of a regional council read every council of the municipality;
- SLT coordinators and national administrators could change any council they could see;
- one municipality could put another into its regional council;
- approved minutes did not freeze the meeting; the public minutes printed internal items and
  dropped exempt ones without a trace; reminders went to members who had left;
- guardian permissions mirrored the roles, so a bulk delete or a dated end needed a job.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from typing import Any
from unittest import mock

import pytest
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from politirad import checks, reminders, selectors, services
from politirad.models import (
    AgendaItem,
    ApprovedMinutesError,
    Attendance,
    AttendanceStatus,
    CouncilMember,
    CouncilMunicipalityRequest,
    Meeting,
    MemberRole,
    Minutes,
    MinutesEntry,
    MinutesStatus,
    PoliceCouncil,
    Task,
)
from samarbeid import compliance, policy
from samarbeid import services as core_services
from samarbeid.compliance import Status
from samarbeid.models import Membership, Municipality, Role
from tests.factories import UserFactory, feed_token, user_with_role

from . import helpers

SECRET = ("Hemmelig", "Taushetsbelagt")  # title, description, notes and task of the exempt item
BASIS = "offl. § 13 jf. fvl. § 13"


def _fresh(user: Any) -> Any:
    """The account as the next request loads it: nothing memoised on the object."""
    return get_user_model().objects.get(pk=user.pk)


def _body(response: Any) -> str:
    return response.content.decode()


def _in_days(days: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def _regional(world: Any, name: str = "Politirådet for Jæren") -> PoliceCouncil:
    """A regional council of Stavanger and Sandnes. The district administrator works in
    both, so both are linked at once."""
    council = services.council_create(actor=world.chief, name=name, kind="regional",
                                      municipality=world.stavanger,
                                      municipalities=[world.sandnes])
    assert selectors.council_municipality_ids(council) == {world.stavanger.pk, world.sandnes.pk}
    return council


def _meeting(world: Any, council: PoliceCouncil, days: float = 5) -> Meeting:
    return services.meeting_create(council=council, actor=world.chief, starts_at=_in_days(days),
                                   place="Sandnes rådhus")


def _messages(response: Any) -> list[Any]:
    return list(response.context["messages"]) if response.context else []


def _errors_shown(response: Any) -> bool:
    return any(m.level == messages.ERROR for m in _messages(response))


# --- a. A seat on a regional council gives that council only ---------------------------------


def test_a_regional_seat_gives_that_council_only(world: Any, client: Any) -> None:
    local = helpers.make_council(world)
    local_meeting = helpers.make_meeting(world, local, days=5)
    regional = _regional(world)
    own_meeting = _meeting(world, regional, days=6)
    other = _regional(world, name="Annet regionalt råd")
    other_meeting = _meeting(world, other, days=7)
    rita = helpers.external_user("rita")
    helpers.seat(regional, rita)
    client.force_login(rita)

    assert client.get(reverse("politirad:council_detail", args=[regional.pk])).status_code == 200
    assert client.get(reverse("politirad:meeting_detail", args=[own_meeting.pk])).status_code \
        == 200
    for url in (reverse("politirad:council_detail", args=[local.pk]),
                reverse("politirad:meeting_detail", args=[local_meeting.pk]),
                reverse("politirad:minutes", args=[local_meeting.pk]),
                reverse("politirad:meeting_ics", args=[local_meeting.pk]),
                reverse("politirad:council_detail", args=[other.pk]),
                reverse("politirad:meeting_detail", args=[other_meeting.pk]),
                reverse("municipality_detail", args=[world.stavanger.number]),
                reverse("municipality_detail", args=[world.sandnes.number])):
        assert client.get(url).status_code == 404, url
    listed = _body(client.get(reverse("politirad:council_list")))
    assert regional.name in listed and local.name not in listed and other.name not in listed

    feed = client.get(reverse("politirad:calendar_feed", args=[feed_token(rita)]))
    uids = [str(e["uid"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")]
    assert uids == [f"politirad-meeting-{own_meeting.pk}@samarbeidsportalen"]

    home = _body(client.get(reverse("home")))
    roles = re.search(r'<p class="lead" id="my-roles">(.*?)</p>', home, re.S)
    assert roles is not None and regional.name in roles.group(1)
    assert "politiråd – Stavanger" not in home and "Stavanger" not in roles.group(1)


def test_the_home_page_names_the_seat_in_norwegian(world: Any, client: Any) -> None:
    regional = _regional(world)
    helpers.seat(regional, helpers.external_user("rita"))
    client.force_login(get_user_model().objects.get(username="rita"))
    home = _body(client.get(reverse("home")))
    assert f"Medlem av {regional.name}" in home
    assert "Medlem av politiråd – Stavanger" not in home


# --- b. A business seat gives nothing of the municipality -------------------------------------


def test_a_business_seat_gives_nothing_of_the_municipality(world: Any, client: Any) -> None:
    from evaluering import services as evaluering_services
    from evaluering.models import Mode
    from politikontakt import services as politikontakt_services
    from samarbeid.models import EvaluationMethod
    from tests.avtaler.helpers import draft
    from tests.slt.helpers import slt_model

    council = helpers.make_council(world)  # bob: a seat for business, no role
    agreement = draft(world).agreement
    slt_model(world.stavanger)
    evaluation = evaluering_services.evaluation_create(
        municipality=world.stavanger, actor=world.leader, period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31), method=EvaluationMethod.GLL, mode=Mode.JOINT)
    assignment = politikontakt_services.assignment_adopt(
        membership=Membership.objects.get(user=world.police, role=Role.POLICE_CONTACT),
        share_of_position=50, mandate="Kan avtale møter.")
    urls = [reverse("avtaler:detail", args=[agreement.pk]),
            reverse("slt:overview", args=[world.stavanger.number]),
            reverse("evaluering:evaluation_detail", args=[evaluation.pk]),
            reverse("politikontakt:assignment_detail", args=[assignment.pk])]
    client.force_login(world.leader)  # the pages exist and the mayor reads them
    for url in urls:
        assert client.get(url).status_code == 200, url
    client.force_login(world.member)
    assert client.get(reverse("politirad:council_detail", args=[council.pk])).status_code == 200
    for url in urls:
        assert client.get(url).status_code == 404, url


# --- c. An SLT coordinator reads the council and changes nothing ------------------------------


def test_an_slt_coordinator_off_the_council_changes_nothing(world: Any, client: Any) -> None:
    council = helpers.make_council(world)
    meeting = helpers.make_meeting(world, council, days=-1)  # held: its minutes are due
    item = meeting.agenda_items.get()
    slt = user_with_role(Role.SLT_COORDINATOR, username="slt", municipality=world.stavanger)
    client.force_login(slt)
    assert client.get(reverse("politirad:council_detail", args=[council.pk])).status_code == 200

    response = client.post(reverse("politirad:meeting_create", args=[council.pk]), {
        "title": "Ekstramøte", "starts_at": timezone.localtime(_in_days(20)).strftime(
            "%Y-%m-%dT%H:%M"), "place": "Rådhuset"})
    assert response.status_code == 403
    response = client.post(reverse("politirad:agenda_item_add", args=[meeting.pk]),
                           {"title": "Ny sak", "access_level": "open"})
    assert response.status_code == 403
    response = client.post(reverse("politirad:minutes", args=[meeting.pk]), {
        "item": item.pk, f"item{item.pk}-notes": "Koordinatorens notat",
        f"item{item.pk}-decisions": "Vedtak", f"item{item.pk}-access_level": "open",
        f"item{item.pk}-legal_basis": ""})
    assert response.status_code == 403

    assert list(council.meetings.all()) == [meeting]
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["Sak 1"]
    assert not Minutes.objects.filter(meeting=meeting).exists()
    assert not MinutesEntry.objects.filter(agenda_item=item).exists()


# --- d. A municipality joins a regional council only when it accepts ---------------------------


def _compliance(municipality: Municipality) -> dict[str, Any]:
    qs = Municipality.objects.filter(pk=municipality.pk)
    row = compliance.evaluate(qs, codes=[c.code for c in checks.CHECKS])[municipality.pk]
    return {code: finding.status for code, finding in row.items()}


def test_a_municipality_joins_a_regional_council_only_when_it_accepts(world: Any,
                                                                      client: Any) -> None:
    sandnes_mayor = user_with_role(Role.MUNICIPAL_LEADER, username="ingrid",
                                   municipality=world.sandnes)
    before = _compliance(world.sandnes)
    assert set(before.values()) == {Status.NOT_APPLICABLE}  # Sandnes has no council

    client.force_login(world.police)  # police contact for Stavanger, no role in Sandnes
    response = client.post(reverse("politirad:council_create", args=[world.stavanger.number]),
                           {"name": "Politirådet for Jæren", "kind": "regional",
                            "municipalities": [world.sandnes.pk]})
    assert response.status_code == 302
    council = PoliceCouncil.objects.get(name="Politirådet for Jæren")
    helpers.make_meeting(world, council, days=-30)  # a meeting Sandnes would be judged by
    assert selectors.council_municipality_ids(council) == {world.stavanger.pk}
    join = CouncilMunicipalityRequest.objects.get(council=council)
    assert join.municipality == world.sandnes
    assert join.status == CouncilMunicipalityRequest.Status.PENDING
    assert _compliance(world.sandnes) == before
    # Paul cannot answer for Sandnes either.
    decide = reverse("politirad:municipality_request_decide", args=[join.pk])
    assert client.post(decide, {"answer": "accept"}).status_code == 404

    client.force_login(sandnes_mayor)
    council_url = reverse("politirad:council_detail", args=[council.pk])
    assert client.get(council_url).status_code == 404
    assert council.name not in _body(client.get(reverse("politirad:council_list")))

    response = client.post(decide, {"answer": "accept"})
    assert response.status_code == 302 and response["Location"] == council_url
    join.refresh_from_db()
    assert join.status == CouncilMunicipalityRequest.Status.ACCEPTED
    assert join.decided_by == sandnes_mayor
    assert selectors.council_municipality_ids(PoliceCouncil.objects.get(pk=council.pk)) == {
        world.stavanger.pk, world.sandnes.pk}
    assert client.get(council_url).status_code == 200
    assert _compliance(world.sandnes)["politirad_meetings"] != Status.NOT_APPLICABLE


# --- e. The national administrator reads open content and writes nothing ------------------------


def test_the_national_admin_cannot_overwrite_exempt_notes_or_read_them(world: Any,
                                                                       client: Any) -> None:
    council = helpers.make_council(world)
    draft = helpers.make_minutes(world, council=council)  # the secretary may still write
    exempt_item = draft.agenda_items.get(access_level="exempt")
    client.force_login(world.admin)
    response = client.post(reverse("politirad:minutes", args=[draft.pk]), {
        "item": exempt_item.pk, f"item{exempt_item.pk}-notes": "Overskrevet av admin",
        f"item{exempt_item.pk}-decisions": "", f"item{exempt_item.pk}-access_level": "open",
        f"item{exempt_item.pk}-legal_basis": ""})
    assert response.status_code == 403
    entry = MinutesEntry.objects.get(agenda_item=exempt_item)
    assert entry.notes == "Notat Hemmelig sak" and entry.access_level == "exempt"

    published = helpers.make_minutes(world, council=council, state="published")
    for url in (reverse("politirad:meeting_detail", args=[published.pk]),
                reverse("politirad:minutes", args=[published.pk])):
        body = _body(client.get(url))
        assert "Sak 1" in body, url  # open content is read
        assert not any(word in body for word in SECRET), url
        assert "Unntatt offentlighet" in body and BASIS in body, url
    client.force_login(world.police)  # the same page shows it to the parties
    assert "Notat Hemmelig sak" in _body(client.get(reverse("politirad:minutes",
                                                             args=[published.pk])))


# --- f. The public minutes: internal items out, exempt ones as a stub ---------------------------


def _pdf_text(content: bytes) -> str:
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content,
                              capture_output=True, check=True).stdout.decode()
    else:
        from pypdf import PdfReader

        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def test_public_minutes_leave_internal_items_out_and_show_exempt_ones_as_a_stub(
        world: Any, client: Any) -> None:
    council = helpers.make_council(world)
    meeting = helpers.make_meeting(world, council, days=-20, exempt=True)  # 1 open, 2 exempt
    services.agenda_item_add(meeting=meeting, actor=world.police, title="Intern personalsak",
                             description="Intern bakgrunn", access_level="internal")
    services.attendance_record(meeting=meeting, actor=world.police, statuses={
        m.pk: AttendanceStatus.PRESENT for m in council.members.all()})
    for item in meeting.agenda_items.all():
        services.minutes_entry_save(meeting=meeting, agenda_item=item, actor=world.police,
                                    notes=f"Notat {item.title}",
                                    decisions=[f"Vedtak om {item.title}"],
                                    access_level=item.access_level, legal_basis=item.legal_basis)
        services.task_create(meeting=meeting, actor=world.police, agenda_item=item,
                             title=f"Oppgave fra {item.title}",
                             responsible_member=helpers.member(council, world.leader),
                             deadline=timezone.localdate() + dt.timedelta(days=30))
    minutes = Minutes.objects.get(meeting=meeting)
    services.minutes_approve(minutes=minutes, actor=world.leader)
    services.minutes_publish(minutes=minutes, actor=world.police)
    client.force_login(world.police)

    members = _pdf_text(client.get(reverse("politirad:minutes_pdf", args=[meeting.pk])).content)
    assert "Intern personalsak" in members and "Vedtak om Hemmelig sak" in members  # control

    response = client.get(reverse("politirad:minutes_public_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    assert "referat-" in response["Content-Disposition"] and "-offentlig.pdf" in \
        response["Content-Disposition"]
    public = _pdf_text(response.content)
    assert "1. Sak 1" in public and "Notat Sak 1" in public and "Vedtak om Sak 1" in public
    assert "Oppgave fra Sak 1" in public
    for internal in ("Intern personalsak", "Notat Intern", "Vedtak om Intern", "Intern bakgrunn",
                     "Oppgave fra Intern"):
        assert internal not in public, internal
    # No item 3 either («3. desember» in a date on the 3rd of the month is not an item).
    assert not re.search(r"(?<!\d)3\. (?!(januar|februar|mars|april|mai|juni|juli|august|"
                         r"september|oktober|november|desember)\b)", public), public
    assert "2. Unntatt offentlighet" in public and BASIS in public
    assert not any(word in public for word in SECRET)


# --- g. Reminders go to seats that are still held --------------------------------------------


def test_task_reminders_skip_members_whose_seat_has_ended(world: Any) -> None:
    meeting = helpers.make_minutes(world, exempt=False)  # draft: tasks can still be added
    council = meeting.council
    today = timezone.localdate()
    for user in (world.member, world.leader, world.police):
        services.task_create(meeting=meeting, actor=world.police, title=f"Oppgave for {user}",
                             responsible_member=helpers.member(council, user),
                             deadline=today + dt.timedelta(days=2))
    # Bob (seat only) and alice (still mayor, so she still sees the council) have left.
    for user in (world.member, world.leader):
        seat = helpers.member(council, user)
        seat.starts_on, seat.ends_on = today - dt.timedelta(days=60), today - dt.timedelta(days=1)
        seat.save()
    mail.outbox.clear()
    assert reminders.scan_tasks(today) == 1
    assert [m.to for m in mail.outbox] == [["paul@example.no"]]


# --- h. Seating by user name: no enumeration, no self-appointed chair -----------------------------


def test_seating_by_user_name_does_not_tell_who_has_an_account(world: Any, client: Any) -> None:
    council = helpers.make_council(world)
    client.force_login(world.police)
    url = reverse("politirad:member_add", args=[council.pk])

    def refusal(username: str) -> list[str]:
        response = client.post(url, {"username": username, "role": MemberRole.OTHER})
        assert response.status_code == 200
        return list(response.context["form"].errors["username"])

    missing = refusal("finnes-ikke")
    assert missing
    assert refusal(world.outsider.username) == missing  # charlie, mayor of Bergen
    assert refusal(world.outsider.email) == missing
    assert not CouncilMember.objects.filter(council=council, user=world.outsider).exists()
    with pytest.raises(ValidationError) as exc:
        services.council_member_add(council=council, actor=world.police, user=world.outsider,
                                    role=MemberRole.OTHER)
    assert exc.value.message_dict["username"] == missing


def test_no_one_appoints_themselves_chair(world: Any, client: Any) -> None:
    council = helpers.make_council(world)
    client.force_login(world.chief)  # may change every council of the district
    response = client.post(reverse("politirad:member_add", args=[council.pk]), {
        "username": "chief", "role": MemberRole.POLICE_CHIEF, "is_chair": "on"})
    assert response.status_code == 200
    assert "is_chair" in response.context["form"].errors
    assert not CouncilMember.objects.filter(council=council, user=world.chief).exists()
    assert selectors.is_chair(_fresh(world.leader), council)
    with pytest.raises(ValidationError) as exc:
        services.council_member_add(council=council, actor=world.chief, user=world.chief,
                                    role=MemberRole.POLICE_CHIEF, is_chair=True)
    assert "is_chair" in exc.value.message_dict
    # Another party may appoint him.
    services.council_member_add(council=council, actor=world.police, user=world.chief,
                                role=MemberRole.POLICE_CHIEF, is_chair=True)
    assert selectors.is_chair(_fresh(world.chief), council)


def test_the_former_chair_loses_the_chair_at_once(world: Any, client: Any) -> None:
    meeting = helpers.make_minutes(world, exempt=False)
    council = meeting.council
    client.force_login(world.leader)
    assert client.get(reverse("politirad:minutes", args=[meeting.pk])).status_code == 200
    director = user_with_role(Role.MUNICIPAL_LEADER, username="direktor",
                              municipality=world.stavanger)
    services.council_member_add(council=council, actor=world.police, user=director,
                                role=MemberRole.CHIEF_EXECUTIVE, is_chair=True)
    assert not selectors.is_chair(_fresh(world.leader), council)
    client.post(reverse("politirad:minutes_approve", args=[meeting.pk]))
    assert Minutes.objects.get(meeting=meeting).status == MinutesStatus.DRAFT


# --- i. Access follows the membership rows, with no job to run ---------------------------------


def test_deleting_memberships_in_bulk_ends_access_at_once(world: Any, client: Any) -> None:
    council = helpers.make_council(world)
    slt = user_with_role(Role.SLT_COORDINATOR, username="slt", municipality=world.stavanger)
    client.force_login(slt)
    urls = [reverse("politirad:council_detail", args=[council.pk]),
            reverse("municipality_detail", args=[world.stavanger.number])]
    for url in urls:
        assert client.get(url).status_code == 200  # the principal is cached now
    Membership.objects.filter(user=slt).delete()  # the admin's bulk delete
    for url in urls:
        assert client.get(url).status_code == 404


def test_a_role_that_ended_yesterday_gives_nothing_today(world: Any, client: Any) -> None:
    council = helpers.make_council(world)
    today = timezone.localdate()
    slt = UserFactory(username="slt")
    membership = core_services.membership_create(
        user=slt, role=Role.SLT_COORDINATOR, municipality=world.stavanger,
        starts_on=today - dt.timedelta(days=30))
    core_services.membership_end(membership=membership, ends_on=today + dt.timedelta(days=1))
    client.force_login(slt)
    url = reverse("politirad:council_detail", args=[council.pk])
    assert client.get(url).status_code == 200  # the last day of the role; now cached
    later = timezone.now() + dt.timedelta(days=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert membership.ends_on == timezone.localdate() - dt.timedelta(days=1)
        client.force_login(slt)  # a new working day, a new session
        assert client.get(url).status_code == 404
        assert client.get(reverse("municipality_detail",
                                  args=[world.stavanger.number])).status_code == 404


# --- j. Approved minutes freeze the meeting ---------------------------------------------------


def _snapshot(meeting: Meeting) -> dict[str, Any]:
    return {
        "meeting": Meeting.objects.filter(pk=meeting.pk).values(
            "starts_at", "ends_at", "place", "title", "cancelled", "agenda_sent_at").get(),
        "items": list(AgendaItem.objects.filter(meeting=meeting).order_by("number").values_list(
            "number", "title", "access_level")),
        "attendance": sorted(Attendance.objects.filter(meeting=meeting).values_list(
            "member_id", "status")),
        "tasks": sorted(Task.objects.filter(meeting=meeting).values_list("title", flat=True)),
        "notes": sorted(MinutesEntry.objects.filter(minutes__meeting=meeting)
                        .values_list("notes", flat=True)),
        "mail": len(mail.outbox),
    }


def _frozen_request(world: Any, meeting: Meeting, name: str) -> tuple[str, dict[str, Any]]:
    item = meeting.agenda_items.order_by("number").first()
    assert item is not None
    later = timezone.localtime(_in_days(3)).strftime("%Y-%m-%dT%H:%M")
    member = helpers.member(meeting.council, world.leader)
    data: dict[str, dict[str, Any]] = {
        "meeting_edit": {"title": "Flyttet", "starts_at": later, "place": "Et annet sted"},
        "agenda_item_add": {"title": "Etterpå", "access_level": "open"},
        "agenda_item_edit": {"title": "Omskrevet", "access_level": "open"},
        "agenda_send": {},
        "attendance": {f"member_{member.pk}": AttendanceStatus.ABSENT,
                       f"status_{member.pk}": AttendanceStatus.ABSENT},
        "task_add": {"title": "Etterpå", "deadline": later[:10], "agenda_item": "",
                     "responsible_member": str(member.pk), "responsible_organisation": ""},
        "minutes": {"item": item.pk, f"item{item.pk}-notes": "Omskrevet",
                    f"item{item.pk}-decisions": "", f"item{item.pk}-access_level": "open",
                    f"item{item.pk}-legal_basis": ""},
    }
    arg = item.pk if name == "agenda_item_edit" else meeting.pk
    return reverse(f"politirad:{name}", args=[arg]), data[name]


FROZEN = [("meeting_edit", "get"), ("meeting_edit", "post"), ("agenda_item_add", "get"),
          ("agenda_item_add", "post"), ("agenda_item_edit", "get"), ("agenda_item_edit", "post"),
          ("agenda_send", "post"), ("attendance", "get"), ("attendance", "post"),
          ("task_add", "post"), ("minutes", "post")]


@pytest.mark.parametrize(("name", "method"), FROZEN)
def test_approved_minutes_freeze_the_meeting_for_every_writer(world: Any, client: Any, name: str,
                                                              method: str) -> None:
    meeting = helpers.make_minutes(world, state="approved", exempt=False)
    url, data = _frozen_request(world, meeting, name)
    before = _snapshot(meeting)
    approver = world.leader.get_full_name()
    # Those who may change the council are told why and by whom (409); the others are
    # refused as on any other day (403 to readers, 404 to outsiders).
    expected = {"police": 409, "leader": 409, "chief": 409, "member": 403, "admin": 403,
                "outsider": 404}
    got = {}
    for role in expected:
        client.force_login(getattr(world, role))
        response = getattr(client, method)(url, data)
        got[role] = response.status_code
        if response.status_code == 409:
            body = _body(response)
            assert approver in body, role
            assert reverse("politirad:minutes", args=[meeting.pk]) in body
    assert got == expected
    assert _snapshot(meeting) == before


def test_the_model_refuses_to_move_an_approved_meeting(world: Any) -> None:
    meeting = helpers.make_minutes(world, state="approved", exempt=False)
    meeting.place = "Et annet sted"
    with pytest.raises(ApprovedMinutesError):
        meeting.save()
    with pytest.raises(ApprovedMinutesError):
        AgendaItem.objects.create(meeting=meeting, number=9, title="Etterpå")
    assert Meeting.objects.get(pk=meeting.pk).place == "Rådhuset"


def test_the_page_of_an_approved_meeting_offers_no_changes(world: Any, client: Any) -> None:
    meeting = helpers.make_minutes(world, exempt=False)  # held, minutes in draft
    item = meeting.agenda_items.get()
    links = [reverse("politirad:meeting_edit", args=[meeting.pk]),
             reverse("politirad:agenda_item_add", args=[meeting.pk]),
             reverse("politirad:agenda_item_edit", args=[item.pk]),
             reverse("politirad:attendance", args=[meeting.pk]),
             reverse("politirad:agenda_send", args=[meeting.pk])]
    client.force_login(world.police)
    page = reverse("politirad:meeting_detail", args=[meeting.pk])
    body = _body(client.get(page))
    assert "Endre møtet" in body and links[0] in body and links[1] in body  # not frozen yet
    assert 'id="frozen-notice"' not in body

    services.minutes_approve(minutes=Minutes.objects.get(meeting=meeting), actor=world.leader)
    body = _body(client.get(page))
    for text in ("Endre møtet", "Send dagsordenen på nytt", "Legg til en sak", *links):
        assert text not in body, text
    notice = re.search(r'id="frozen-notice">(.*?)</div>', body, re.S)
    assert notice is not None and world.leader.get_full_name() in notice.group(1)


def test_minutes_are_approved_only_after_the_meeting_with_attendance(world: Any,
                                                                     client: Any) -> None:
    council = helpers.make_council(world)
    everyone: dict[int, str] = {m.pk: AttendanceStatus.PRESENT for m in council.members.all()}
    future = helpers.make_meeting(world, council, days=10)
    services.attendance_record(meeting=future, actor=world.police, statuses=everyone)
    services.minutes_entry_save(meeting=future, agenda_item=future.agenda_items.get(),
                                actor=world.police, notes="Skrevet på forhånd", decisions=[])
    held = helpers.make_meeting(world, council, days=-3)
    services.minutes_entry_save(meeting=held, agenda_item=held.agenda_items.get(),
                                actor=world.police, notes="Skrevet etterpå", decisions=[])
    client.force_login(world.leader)  # the chair

    for meeting in (future, held):  # not started yet; no attendance recorded
        response = client.post(reverse("politirad:minutes_approve", args=[meeting.pk]),
                               follow=True)
        assert response.status_code == 200 and _errors_shown(response)
        assert Minutes.objects.get(meeting=meeting).status == MinutesStatus.DRAFT

    services.attendance_record(meeting=held, actor=world.police, statuses=everyone)
    response = client.post(reverse("politirad:minutes_approve", args=[held.pk]), follow=True)
    assert not _errors_shown(response)
    assert Minutes.objects.get(meeting=held).status == MinutesStatus.APPROVED


def test_the_follow_up_of_approved_minutes_never_changes(world: Any, client: Any) -> None:
    council = helpers.make_council(world)
    earlier = helpers.make_meeting(world, council, days=-40)
    old_task = services.task_create(meeting=earlier, actor=world.police,
                                    agenda_item=earlier.agenda_items.get(),
                                    title="Gammel oppgave",
                                    responsible_member=helpers.member(council, world.leader),
                                    deadline=timezone.localdate() + dt.timedelta(days=10))
    built = helpers.make_minutes(world, council=council, state="approved", exempt=False)
    meeting = Meeting.objects.get(pk=built.pk)  # as a request reads it
    assert list(selectors.follow_up_tasks(meeting, world.police)) == [old_task]

    later = services.council_task_create(council=council, actor=world.leader,
                                         title="Ny rådsoppgave", responsible_user=world.leader,
                                         deadline=timezone.localdate() + dt.timedelta(days=20))
    assert list(selectors.follow_up_tasks(meeting, world.police)) == [old_task]
    client.force_login(world.police)
    body = _body(client.get(reverse("politirad:meeting_detail", args=[meeting.pk])))
    assert "Gammel oppgave" in body and "Ny rådsoppgave" not in body
    upcoming = helpers.make_meeting(world, council, days=10)  # control: the next one has it
    assert later in selectors.follow_up_tasks(upcoming, world.police)


def test_the_agenda_of_a_meeting_that_has_started_is_not_sent(world: Any, client: Any) -> None:
    meeting = helpers.make_meeting(world, days=-1)
    client.force_login(world.police)
    body = _body(client.get(reverse("politirad:meeting_detail", args=[meeting.pk])))
    assert reverse("politirad:agenda_send", args=[meeting.pk]) not in body
    response = client.post(reverse("politirad:agenda_send", args=[meeting.pk]), follow=True)
    assert response.status_code == 200 and _errors_shown(response)
    assert mail.outbox == []
    meeting.refresh_from_db()
    assert meeting.agenda_sent_at is None
    with pytest.raises(ValidationError):
        helpers.send_agenda(meeting, world.police)


# --- k. Permissions come from the cached principal ----------------------------------------------

PERMISSION_TABLES = ("samarbeid_membership", "politirad_councilmember",
                     "politirad_councilmunicipality")


def _outer_from(sql: str) -> str:
    """The table of the outermost FROM (subqueries in the select list come earlier)."""
    depth, quoted = 0, False
    for match in re.finditer(r"'|\(|\)|\bFROM\s+\"(\w+)\"", sql):
        token = match.group(0)
        if token == "'":
            quoted = not quoted
        elif quoted:
            continue
        elif token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif depth == 0:
            return match.group(1)
    return ""


def _permission_queries(ctx: CaptureQueriesContext) -> list[str]:
    """Round trips that ask about permissions: reads of memberships, seats, explicit grants
    (guardian) and council links — directly, or municipalities read through the links.
    The policy inside a content query (`restrict()`'s subquery) and members shown on the
    page as part of a content query are no extra question."""
    found = []
    for query in ctx.captured_queries:
        sql = query["sql"]
        table = _outer_from(sql)
        if table in PERMISSION_TABLES or table.startswith("guardian_") or (
                table == "samarbeid_municipality" and '"politirad_councilmunicipality"' in sql):
            found.append(sql)
    return found


# Parties with a seat, a seat only, a national and a district administrator without one.
ROLES = ("police", "leader", "member", "admin", "chief")


def _ask(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(_permission_queries(ctx))


@pytest.mark.parametrize(("page_name", "role"), [
    *[(name, role) for name in ("minutes", "meeting_detail") for role in ROLES],
    *[("council_detail", role) for role in ROLES],
])
def test_a_page_asks_about_permissions_at_most_twice(world: Any, client: Any, settings: Any,
                                                     page_name: str, role: str) -> None:
    # This measures the principal; with the page cache on, the warm request would be served
    # from the cache and the cold one would also look up the page's scope for its key.
    settings.PAGE_CACHE_SECONDS = 0
    meeting = helpers.make_minutes(world, state="published")
    url = reverse(f"politirad:{page_name}", args=[meeting.council_id if page_name == "council_detail"
                                             else meeting.pk])
    user = getattr(world, role)
    client.force_login(user)
    policy.bump(user.pk)  # as after a change to the user's roles: the next request builds
    cold = _ask(client, url)
    warm = _ask(client, url)
    # The principal is built once, in two queries (memberships; seats and grants), then read
    # from the cache: a warm page asks at most twice.
    # (at most two: on a database where the cache already held part of it, fewer)
    assert 0 < cold - warm <= 2
    assert warm <= 2
