"""A published meeting with open, exempt and internal content (items, notes, decisions,
tasks, corrections), for the public minutes and the archive extract tests (issue 13)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from politirad import services
from politirad.models import AttendanceStatus, Minutes

from . import helpers

SECRET = ["HEMMELIG-TITTEL", "HEMMELIG-NOTAT", "HEMMELIG-VEDTAK", "HEMMELIG-OPPGAVE",
          "HEMMELIG-RETTELSE", "INTERN-TITTEL", "INTERN-NOTAT", "INTERN-OPPGAVE",
          "INTERN-RETTELSE", "Taushetsbelagt"]
BASIS = "offl. § 13 jf. fvl. § 13"


def published_meeting(world: Any, *, days: int = -10, council: Any = None) -> Any:
    council = council or helpers.make_council(world)
    meeting = services.meeting_create(council=council, actor=world.police, place="Rådhuset",
                                      starts_at=timezone.now() + dt.timedelta(days=days))
    member = helpers.member(council, world.police)
    deadline = timezone.localdate() + dt.timedelta(days=20)
    open_item = services.agenda_item_add(meeting=meeting, actor=world.police,
                                         title="Trygt sentrum", description="Åpen beskrivelse")
    exempt = services.agenda_item_add(meeting=meeting, actor=world.police,
                                      title="HEMMELIG-TITTEL", description="Taushetsbelagt",
                                      access_level="exempt", legal_basis=BASIS)
    internal = services.agenda_item_add(meeting=meeting, actor=world.police,
                                        title="INTERN-TITTEL", access_level="internal")
    services.attendance_record(meeting=meeting, actor=world.police, statuses={
        m.pk: AttendanceStatus.PRESENT for m in council.members.active()})
    for item, notes, decision, task, level in (
            (open_item, "Åpent notat", "Åpent vedtak", "Åpen oppgave", "open"),
            (exempt, "HEMMELIG-NOTAT", "HEMMELIG-VEDTAK", "HEMMELIG-OPPGAVE", "exempt"),
            (internal, "INTERN-NOTAT", "Internt vedtak", "INTERN-OPPGAVE", "internal")):
        services.minutes_entry_save(meeting=meeting, agenda_item=item, actor=world.police,
                                    notes=notes, decisions=[decision], access_level=level,
                                    legal_basis=BASIS if level == "exempt" else "")
        services.task_create(meeting=meeting, actor=world.police, agenda_item=item, title=task,
                             responsible_member=member, deadline=deadline)
    minutes = Minutes.objects.get(meeting=meeting)
    services.minutes_approve(minutes=minutes, actor=world.leader)
    for text, level in (("Åpen rettelse", "open"), ("HEMMELIG-RETTELSE", "exempt"),
                        ("INTERN-RETTELSE", "internal")):
        services.minutes_correction_add(minutes=minutes, actor=world.police, text=text,
                                        access_level=level,
                                        legal_basis=BASIS if level == "exempt" else "")
    services.minutes_publish(minutes=minutes, actor=world.police)
    return meeting
