"""Demo content (Sør-Vest): a local police council for Stavanger with the demo users, a
past meeting with approved minutes and tasks, and an upcoming meeting. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from samarbeid.demo import Demo

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
