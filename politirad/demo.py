"""Demo content (Sør-Vest): a local police council for Stavanger with the demo users, a
past meeting with approved minutes and tasks, and an upcoming meeting. Idempotent.
`build_national`: the rest of the country's councils, meetings, agendas and minutes (§4.1)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from samarbeid import demo_national
from samarbeid.demo import Demo

from . import models as pr
from . import services
from .models import (
    AttendanceStatus,
    CouncilKind,
    CouncilMember,
    MemberRole,
    Minutes,
    PoliceCouncil,
    TaskStatus,
)

COUNCIL_NAME = "Politirådet i Stavanger"


def build(demo: Demo) -> None:
    stavanger = demo.municipality("Stavanger")
    if PoliceCouncil.objects.filter(municipality=stavanger, name=COUNCIL_NAME).exists():
        return
    users = demo.users
    contact = users["politikontakt.sorvest"]
    council = services.council_create(
        actor=contact, name=COUNCIL_NAME, kind=CouncilKind.LOCAL, municipality=stavanger,
        description="Strategisk samarbeid mellom Stavanger kommune og Sør-Vest politidistrikt.",
        bylaws_review_on=timezone.localdate() + dt.timedelta(days=200),
    )
    spec = [
        ("ordforer.stavanger", MemberRole.MAYOR, True, False),
        ("kommunedirektor.stavanger", MemberRole.CHIEF_EXECUTIVE, False, False),
        ("tjenesteleder.sorvest", MemberRole.SERVICE_UNIT_LEADER, False, False),
        ("politikontakt.sorvest", MemberRole.POLICE_CONTACT, False, True),
        ("radsmedlem.stavanger", MemberRole.ORGANISATION_MEMBER, False, False),
    ]
    members: dict[str, CouncilMember] = {}
    for username, role, chair, secretary in spec:
        # The business member holds no role: he is seated as if he accepted an invitation.
        members[username] = services.council_member_add(
            council=council, actor=contact, user=users[username], role=role, is_chair=chair,
            is_secretary=secretary, invited=username == "radsmedlem.stavanger")

    now = timezone.localtime()
    past_start = (now - dt.timedelta(days=60)).replace(hour=9, minute=0, second=0, microsecond=0)
    past = services.meeting_create(council=council, actor=contact, starts_at=past_start,
                                   ends_at=past_start + dt.timedelta(hours=2),
                                   place="Stavanger rådhus, møterom 2", title="Vårmøte")
    uteliv = services.agenda_item_add(meeting=past, actor=contact, title="Trygt uteliv i sentrum",
                                      presenter="Nina Dahl",
                                      description="Situasjonsbilde og tiltak for helgene.")
    ungdom = services.agenda_item_add(meeting=past, actor=contact,
                                      title="Kriminalitet begått av barn og unge",
                                      presenter="Ola Berg")
    past.agenda_sent_at = past_start - dt.timedelta(days=10)
    past.save(update_fields=["agenda_sent_at"])
    services.attendance_record(meeting=past, actor=contact, statuses={
        m.pk: AttendanceStatus.PRESENT for m in members.values()})
    services.minutes_entry_save(meeting=past, agenda_item=uteliv, actor=contact,
                                notes="Politiet presenterte situasjonsbildet.",
                                decisions=["Felles vakthold i sentrum fredag og lørdag."])
    services.minutes_entry_save(meeting=past, agenda_item=ungdom, actor=contact,
                                notes="SLT-koordinator orienterte.",
                                decisions=["Kunnskapsgrunnlag fra begge etater til neste møte."])
    services.task_create(meeting=past, actor=contact, agenda_item=uteliv,
                         title="Lage plan for belysning i sentrum",
                         responsible_member=members["kommunedirektor.stavanger"],
                         deadline=timezone.localdate() + dt.timedelta(days=30))
    done = services.task_create(meeting=past, actor=contact, agenda_item=ungdom,
                                title="Levere kunnskapsgrunnlag om ungdomskriminalitet",
                                responsible_member=members["politikontakt.sorvest"],
                                deadline=timezone.localdate() - dt.timedelta(days=10))
    services.task_update_status(task=done, actor=contact, status=TaskStatus.DONE,
                                comment="Levert og sendt ut til rådet.")
    minutes = Minutes.objects.get(meeting=past)
    services.minutes_approve(minutes=minutes, actor=users["ordforer.stavanger"])
    services.minutes_publish(minutes=minutes, actor=contact)

    upcoming_start = (now + dt.timedelta(days=21)).replace(hour=9, minute=0, second=0,
                                                           microsecond=0)
    upcoming = services.meeting_create(council=council, actor=contact, starts_at=upcoming_start,
                                       ends_at=upcoming_start + dt.timedelta(hours=2),
                                       place="Stavanger rådhus, møterom 2", title="Høstmøte")
    services.agenda_item_add(meeting=upcoming, actor=contact, title="Status for tiltakene",
                             presenter="Ola Berg")


def build_national(country: demo_national.Country) -> None:
    """Local councils where an agreement is in force (and in some with one on the way), with
    members, meetings in the last twelve months and one ahead, agendas and minutes (§4.1).

    Reads `shared["agreement_state"]` (avtaler's part); leaves `shared["councils"]`: the
    PoliceCouncil rows made, in order (slt and evaluering build on them)."""
    rnd, now, person = country.rnd, country.now, country.person
    state = country.shared["agreement_state"]
    council_munis = [m for m in country.municipalities
                     if state[m.pk] == "in_force"
                     or (state[m.pk] in ("draft", "sent_for_signing") and rnd.random() < 0.5)]
    # bulk_create skips save, which arms the reminders: these rows are armed by hand.
    councils = demo_national.bulk(pr.PoliceCouncil, [
        pr.PoliceCouncil(name=f"Politirådet i {m.name}", kind="local", municipality=m,
                         few_meetings_reminder_at=pr.few_meetings_check_at(country.today.year))
        for m in council_munis])
    country.shared["councils"] = councils
    demo_national.bulk(pr.CouncilMunicipality, [
        pr.CouncilMunicipality(council=c, municipality=c.municipality) for c in councils])
    members = []
    for c in councils:
        m = c.municipality
        assert m is not None
        members.append(pr.CouncilMember(council=c, user=country.mayor(m), role="mayor",
                                        is_chair=True))
        contact = country.police_contact(m)
        if contact is not None:
            members.append(pr.CouncilMember(council=c, user=contact, role="police_contact",
                                            is_secretary=True))
        first, last = person()
        members.append(pr.CouncilMember(council=c, name=f"{first} {last}",
                                        email=f"kommunedirektor.{m.number}@demo.samarbeid.local",
                                        role="chief_executive"))
        first, last = person()
        members.append(pr.CouncilMember(council=c, name=f"{first} {last}",
                                        email=f"tel.{m.number}@demo.samarbeid.local",
                                        role="service_unit_leader"))
    demo_national.bulk(pr.CouncilMember, members)
    meetings = []
    for c in councils:
        held = rnd.choice([1, 2, 2, 3, 4])  # in the last twelve months; some too few (§4.1.2)
        for k in range(held):
            when = now - dt.timedelta(days=30 + k * (330 // held) + rnd.randint(0, 10))
            late = rnd.random() < 0.15
            meetings.append(pr.Meeting(
                council=c, title="Møte i politirådet", starts_at=when, place="Rådhuset",
                agenda_deadline=when - dt.timedelta(days=14),
                agenda_sent_at=when - dt.timedelta(days=7 if late else 16)))
        upcoming = now + dt.timedelta(days=rnd.randint(20, 80))
        meetings.append(pr.Meeting(council=c, title="Møte i politirådet", starts_at=upcoming,
                                   place="Rådhuset",
                                   agenda_deadline=upcoming - dt.timedelta(days=14)))
    for mt in meetings:
        mt.arm_reminders()
    meetings = demo_national.bulk(pr.Meeting, meetings)
    topics = ["Situasjonsbilde fra politiet", "Kriminalitet blant barn og unge",
              "Trygt uteliv", "Rus og psykisk helse", "Oppfølging av handlingsplanen"]
    items = demo_national.bulk(pr.AgendaItem, [
        pr.AgendaItem(meeting=mt, number=i + 1, title=title, description="Orientering og "
                      "drøfting.", access_level="open")
        for mt in meetings for i, title in enumerate(rnd.sample(topics, 3))])
    chair = {c.pk: country.mayor(c.municipality) for c in councils}
    past = [mt for mt in meetings if mt.starts_at < now]
    approved = [mt for mt in past if rnd.random() < 0.9]
    minutes = demo_national.bulk(pr.Minutes, [
        pr.Minutes(meeting=mt, status="published", approved_by=chair[mt.council_id],
                   approved_at=mt.starts_at + dt.timedelta(days=7),
                   published_at=mt.starts_at + dt.timedelta(days=7)) for mt in approved])
    pr.Meeting.objects.filter(pk__in=[mt.pk for mt in approved]).update(minutes_reminder_at=None)
    minutes_of = {mi.meeting_id: mi for mi in minutes}
    demo_national.bulk(pr.MinutesEntry, [
        pr.MinutesEntry(minutes=minutes_of[it.meeting_id], agenda_item=it, notes="Drøftet.",
                        access_level="open") for it in items if it.meeting_id in minutes_of])
    country.made["councils"] = len(councils)
    country.made["meetings"] = len(meetings)
