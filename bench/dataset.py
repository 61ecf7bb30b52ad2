"""A national-scale dataset for the benchmark: 357 municipalities, 12 districts, ~150
police contacts, a council per municipality plus a regional one per district, 10 years of
4 meetings a year with agendas, attendance, minutes, decisions and ~150 000 tasks, SLT
measures in half the municipalities, evaluations and an agreement in force everywhere.

`scale` (0–1] scales the history: at 0.01 only 1 % of the municipalities have councils,
meetings and tasks, so query counts can be compared between the two sizes.
Rows are written with bulk_create (model guards are for users, not for this generator).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from samarbeid.models import Membership, Municipality, PoliceDistrict, Role

PASSWORD = "Bench-passord-2026"  # noqa: S105
YEARS = 10
MEETINGS_PER_YEAR = 4
ITEMS_PER_MEETING = 5
TASKS_PER_MEETING = 10  # 357 × 40 × 10 ≈ 143 000, plus the regional councils ≈ 150 000
BATCH = 5000


def _bulk(model: Any, rows: list[Any]) -> list[Any]:
    return model.objects.bulk_create(rows, batch_size=BATCH)


def generate(scale: float = 1.0) -> dict[str, int]:
    """Build the dataset once. Deterministic: no random choices; every row follows from the
    municipality list (by number) and today's date, so two runs at a scale are alike.

    On PostgreSQL the load ends with ANALYZE: a bulk load leaves no planner statistics, and
    without them the first benchmark would measure the planner's guesses."""
    from django.db import connection

    result = _generate(scale)
    if connection.vendor == "postgresql" and "already" not in result:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return result


@transaction.atomic
def _generate(scale: float) -> dict[str, int]:
    from avtaler.models import Agreement, AgreementVersion, FocusArea, Signature, local_midnight
    from evaluering import reminders as evaluation_reminders
    from evaluering.models import Evaluation
    from politikontakt.models import Assignment
    from politirad import models as pr
    from slt.models import LevelKind, SltLevel, SltMeasure, SltModel

    User = get_user_model()
    if User.objects.filter(username="bench.national").exists():
        return {"already": 1}
    today = timezone.localdate()
    now = timezone.now()
    password = make_password(PASSWORD)
    all_munis = list(Municipality.objects.select_related("police_district").order_by("number"))
    stavanger = next(m for m in all_munis if m.name == "Stavanger")
    n = max(4, math.ceil(len(all_munis) * scale))
    chosen = [stavanger] + [m for m in all_munis if m.pk != stavanger.pk][: n - 1]

    # --- users and roles ---------------------------------------------------------------
    users: dict[str, Any] = {}

    def user(username: str) -> Any:
        users[username] = User(username=username, password=password, email=f"{username}@bench.no",
                               first_name=username.split(".")[0].title(), last_name="Bench")
        return users[username]

    user("bench.national")
    districts = list(PoliceDistrict.objects.order_by("code"))
    for d in districts:
        user(f"bench.district.{d.code}")
    for m in all_munis:
        user(f"bench.mayor.{m.number}")
    # Three municipalities per contact at every scale (Veileder §5), as in the country.
    n_contacts = max(math.ceil(len(all_munis) / 3), math.ceil(150 * len(chosen) / len(all_munis)))
    for i in range(n_contacts):
        user(f"bench.contact.{i}")
    _bulk(User, list(users.values()))
    users = {u.username: u for u in User.objects.filter(username__startswith="bench.")}

    since = today.replace(year=today.year - 2)  # roles that started long ago
    memberships = [Membership(user=users["bench.national"], role=Role.NATIONAL_ADMIN, starts_on=since)]
    memberships += [Membership(user=users[f"bench.district.{d.code}"], role=Role.DISTRICT_ADMIN,
                               police_district=d, can_sign=True, starts_on=since) for d in districts]
    memberships += [Membership(user=users[f"bench.mayor.{m.number}"], role=Role.MUNICIPAL_LEADER,
                               municipality=m, can_sign=True, title="Ordfører", starts_on=since)
                    for m in all_munis]
    contact_of: dict[int, Any] = {}
    for idx, m in enumerate(all_munis):
        contact = users[f"bench.contact.{(idx // 3) % n_contacts}"]
        contact_of[m.pk] = contact
        memberships.append(Membership(user=contact, role=Role.POLICE_CONTACT, municipality=m,
                                      starts_on=since))
    # The memberships are the access: the policy reads them (no permission rows to write).
    memberships = _bulk(Membership, memberships)
    _bulk(Assignment, [
        Assignment(contact=ms.user, municipality_id=int(ms.municipality_id or 0), starts_on=today.replace(year=today.year - 2),
                   share_of_position=100, mandate="Mandat avklart ved oppstart (§5.2).", membership=ms)
        for ms in memberships if ms.role == Role.POLICE_CONTACT
    ])

    # --- agreements in force -------------------------------------------------------------
    agreements = _bulk(Agreement, [
        Agreement(kind="municipality", municipality=m, police_district=m.police_district,
                  status="in_force") for m in all_munis])
    versions = _bulk(AgreementVersion, [
        AgreementVersion(agreement=a, number=1, status="in_force", strategies="Felles innsats.",
                         meetings_per_year=4, agenda_lead_days=14, evaluation_interval_months=12,
                         evaluation_method="gll", revision_interval_months=24,
                         revision_due=today + dt.timedelta(days=400),
                         fingerprint=hashlib.sha256(str(a.pk).encode()).hexdigest(),
                         in_force_from=now - dt.timedelta(days=300),
                         revision_reminder_at=local_midnight(today + dt.timedelta(days=400 - 90)))
        for a in agreements])
    for a, v in zip(agreements, versions, strict=True):
        a.in_force_version = v
        a.latest_version = v
    Agreement.objects.bulk_update(agreements, ["in_force_version", "latest_version"], batch_size=BATCH)
    _bulk(Signature, [
        Signature(version=v, party=party, user=users[u], name=u, role_title=title,
                  signed_at=now - dt.timedelta(days=300), fingerprint=v.fingerprint)
        for v, a in zip(versions, agreements, strict=True)
        for party, u, title in (("municipality", f"bench.mayor.{a.municipality.number}", "Ordfører"),
                                ("police", f"bench.district.{a.municipality.police_district.code}",
                                 "Politimester"))])

    # --- councils, meetings, minutes, tasks ---------------------------------------------
    # bulk_create skips save, which arms the reminders: the rows here are armed by hand.
    check_at = pr.few_meetings_check_at(today.year)
    councils = [pr.PoliceCouncil(name=f"Politirådet i {m.name}", kind="local", municipality=m,
                                 few_meetings_reminder_at=check_at)
                for m in chosen]
    by_district: dict[int, list[Municipality]] = {}
    for m in chosen:
        by_district.setdefault(m.police_district_id, []).append(m)
    regional_members = []
    for munis in by_district.values():
        if len(munis) > 1:
            councils.append(pr.PoliceCouncil(name=f"Regionalt politiråd {munis[0].police_district}",
                                             kind="regional", municipality=munis[0],
                                             few_meetings_reminder_at=check_at))
            regional_members.append(munis)
    councils = _bulk(pr.PoliceCouncil, councils)
    regional = [c for c in councils if c.kind == "regional"]
    # Every council is linked to its municipalities (politirad scopes through these rows).
    links = [pr.CouncilMunicipality(council=c, municipality=c.municipality)
             for c in councils if c.kind == "local"]
    links += [pr.CouncilMunicipality(council=c, municipality=m)
              for c, munis in zip(regional, regional_members, strict=True) for m in munis]
    _bulk(pr.CouncilMunicipality, links)
    members = []
    for c in councils:
        members += [
            pr.CouncilMember(council=c, user=users[f"bench.mayor.{c.municipality.number}"],
                             role="mayor", is_chair=True),
            pr.CouncilMember(council=c, user=contact_of[c.municipality_id], role="police_contact",
                             is_secretary=True),
            pr.CouncilMember(council=c, name="Kommunedirektør", email="kd@bench.no",
                             role="chief_executive"),
            pr.CouncilMember(council=c, name="Tjenesteenhetsleder", email="tel@bench.no",
                             role="service_unit_leader"),
        ]
    members = _bulk(pr.CouncilMember, members)
    members_of: dict[int, list[Any]] = {}
    for mem in members:
        members_of.setdefault(mem.council_id, []).append(mem)

    meetings = []
    for c in councils:
        for k in range(YEARS * MEETINGS_PER_YEAR):
            when = now - dt.timedelta(days=91 * k) + dt.timedelta(days=30)
            meetings.append(pr.Meeting(council=c, title=f"Møte {k}", starts_at=when, place="Rådhuset",
                                       agenda_sent_at=when - dt.timedelta(days=10) if when < now else None,
                                       agenda_deadline=when - dt.timedelta(days=7)))
    for mt in meetings:  # every past meeting gets published minutes below
        mt.arm_reminders("published" if mt.starts_at < now else None)
    meetings = _bulk(pr.Meeting, meetings)
    past = [mt for mt in meetings if mt.starts_at < now]
    items = _bulk(pr.AgendaItem, [pr.AgendaItem(meeting=mt, number=i + 1, title=f"Sak {i + 1}",
                                                description="Orientering.", access_level="open")
                                  for mt in meetings for i in range(ITEMS_PER_MEETING)])
    _bulk(pr.Attendance, [pr.Attendance(meeting=mt, member=mem, status="present")
                          for mt in past for mem in members_of[mt.council_id]])
    chair_of = {c.pk: users[f"bench.mayor.{c.municipality.number}"] for c in councils}
    minutes = _bulk(pr.Minutes, [pr.Minutes(meeting=mt, status="published", approved_at=mt.starts_at,
                                            approved_by=chair_of[mt.council_id],
                                            published_at=mt.starts_at) for mt in past])
    minutes_of = {mi.meeting_id: mi for mi in minutes}
    entries = _bulk(pr.MinutesEntry, [pr.MinutesEntry(minutes=minutes_of[it.meeting_id], agenda_item=it,
                                                      notes="Drøftet.", access_level="open")
                                      for it in items if it.meeting_id in minutes_of])
    _bulk(pr.Decision, [pr.Decision(entry=e, number=1, text="Vedtatt.") for e in entries])
    entry_of: dict[int, Any] = {}
    for e in entries:
        entry_of.setdefault(e.minutes_id, e)
    council_of = {mt.pk: mt.council_id for mt in past}
    tasks = []
    for mt in past:
        mems = members_of[council_of[mt.pk]]
        for t in range(TASKS_PER_MEETING):
            deadline = (mt.starts_at + dt.timedelta(days=30 + t)).date()
            done = deadline < today - dt.timedelta(days=60)
            tasks.append(pr.Task(council_id=mt.council_id, meeting=mt, entry=entry_of.get(minutes_of[mt.pk].pk),
                                 title=f"Oppgave {t + 1}", responsible_member=mems[t % 2],
                                 responsible_user=mems[t % 2].user, deadline=deadline,
                                 status="done" if done else "open",
                                 completed_at=mt.starts_at + dt.timedelta(days=20) if done else None))
    for task in tasks:  # bulk_create skips Task.save, which arms the deadline reminder
        task.next_reminder_at = task.reminder_due_at(today=today)
    _bulk(pr.Task, tasks)
    # The meetings' stored facts (attendance, leadership, open tasks) from the bulk rows.
    from politirad.services import meeting_counters_refresh

    meeting_counters_refresh()

    # --- SLT in half the municipalities ------------------------------------------------
    slt_munis = chosen[::2]
    models_ = _bulk(SltModel, [SltModel(municipality=m, status="established",
                                        coordinator=users[f"bench.mayor.{m.number}"],
                                        coordinator_title="SLT-koordinator") for m in slt_munis])
    levels = _bulk(SltLevel, [SltLevel(slt_model=sm, kind=k) for sm in models_ for k in LevelKind.values])
    executing = {lv.slt_model_id: lv for lv in levels if lv.kind == "executing"}
    from slt.reminders import measure_next_reminder

    youth_crime = FocusArea.objects.by_code("youth_crime")
    slt_measures = [SltMeasure(slt_model=sm, title=f"Tiltak {i}", focus_area=youth_crime,
                                  level=executing[sm.pk], responsible_name="Koordinator",
                                  coordination_step=1 + i % 4, age_from=12, age_to=18,
                                  starts_on=today - dt.timedelta(days=200),
                                  ends_on=today + dt.timedelta(days=i * 10 - 30), status="active")
                       for sm in models_ for i in range(10)]
    for slt_measure in slt_measures:  # the services arm it; bulk_create does not
        slt_measure.next_reminder_at = measure_next_reminder(slt_measure)
    _bulk(SltMeasure, slt_measures)

    # --- evaluations: one a year per council ----------------------------------------------
    _bulk(Evaluation, [Evaluation(municipality=c.municipality, subject_kind="police_council",
                                  subject_id=c.pk, subject_name=c.name,
                                  period_start=today.replace(year=today.year - y - 1),
                                  period_end=today.replace(year=today.year - y), method="gll",
                                  mode="joint", answers={"done": "Møter", "learned": "Mye",
                                                         "smart": "Felles plan"},
                                  summary="Godt samarbeid.", status="completed",
                                  completed_at=now - dt.timedelta(days=365 * y))
                       for c in councils for y in range(YEARS)])
    evaluation_reminders.arm({c.municipality_id for c in councils})  # bulk_create skips it
    # The PDF benchmark's long agreement and meeting are part of the dataset, so measuring
    # PDFs never changes what the page benchmark reads in a later run.
    from bench import pdfbench

    pdfbench.fixtures()
    return {"municipalities_with_history": len(chosen), "councils": len(councils),
            "meetings": len(meetings), "agenda_items": len(items), "tasks": len(tasks),
            "slt_measures": len(models_) * 10, "police_contacts": n_contacts, "users": len(users)}
