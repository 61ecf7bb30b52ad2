"""The rest of the country for `make run` (issue #14: a national demo).

`samarbeid.demo` tells one story in Sør-Vest, with a user for every role; a national
administrator then saw a report and a map that were all red. This fills every other police
district with a plausible picture: most municipalities have an agreement in force, some a
draft or one sent for signing, some none or declined (§2.3); councils that meet with
agendas and minutes, police contacts (at most three municipalities each, §5), SLT in some
municipalities and evaluations of the councils (§7).

Sør-Vest (and Bergen, the demo's "outside" municipality) are left to `samarbeid.demo`, so its
users and their story are unchanged. Deterministic: a seeded random generator picks who is
where, and dates are counted from today. Idempotent: a second run finds its users and stops.
Rows are written with bulk_create, like the benchmark generator (bench/dataset.py), so
`make run` starts in seconds on SQLite; the model guards are for people, not for this.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from . import compliance
from .demo import DEMO_PASSWORD, DISTRICT
from .models import Membership, Municipality, Participation, PoliceDistrict, Role

PREFIX = "nasjonal."  # every user made here; their presence means the demo is built
SEED = 2026
LEFT_TO_THE_SOR_VEST_DEMO = {"Bergen"}

# Per district, how far it has come (0–1): districts differ, as in the country.
PROGRESS = [0.85, 0.7, 0.55, 0.9, 0.6, 0.75, 0.5, 0.8, 0.65, 0.7, 0.6, 0.8]

FIRST_NAMES = ["Anne", "Bjørn", "Camilla", "Dag", "Eva", "Frode", "Guro", "Håkon", "Ida",
               "Jon", "Kristin", "Leif", "Marit", "Nils", "Oda", "Pål", "Ragnhild", "Sindre",
               "Tone", "Vegard"]
LAST_NAMES = ["Andersen", "Bakke", "Eide", "Fjeld", "Haugen", "Johansen", "Kristiansen",
              "Lund", "Moen", "Nilsen", "Olsen", "Pedersen", "Rønning", "Strand", "Tangen"]


def _bulk(model: Any, rows: list[Any]) -> list[Any]:
    return model.objects.bulk_create(rows, batch_size=2000)


def is_built() -> bool:
    return get_user_model().objects.filter(username__startswith=PREFIX).exists()


def build(seed: int = SEED) -> dict[str, int]:
    """Build the national picture once; returns what was made ({} when it was there)."""
    if is_built():
        return {}
    with transaction.atomic():
        made = _build(random.Random(seed))
    compliance.invalidate()  # bulk rows send no signals: every cached finding is stale
    return made


def _build(rnd: random.Random) -> dict[str, int]:
    from avtaler.models import Agreement, AgreementVersion, FocusArea, Signature
    from evaluering.models import Evaluation
    from politikontakt.models import Assignment
    from politirad import models as pr
    from slt.models import LevelKind, LevelMeeting, SltLevel, SltMeasure, SltModel

    User = get_user_model()
    today = timezone.localdate()
    now = timezone.now()
    password = make_password(DEMO_PASSWORD)
    districts = list(PoliceDistrict.objects.exclude(name=DISTRICT).order_by("code"))
    municipalities = list(Municipality.objects.filter(police_district__in=districts)
                          .exclude(name__in=LEFT_TO_THE_SOR_VEST_DEMO)
                          .select_related("police_district").order_by("number"))
    by_district: dict[int, list[Municipality]] = defaultdict(list)
    for m in municipalities:
        by_district[m.police_district_id].append(m)

    def person() -> tuple[str, str]:
        return rnd.choice(FIRST_NAMES), rnd.choice(LAST_NAMES)

    # --- people: a chief of police per district, a mayor per municipality, contacts -------
    users: list[Any] = []
    for d in districts:
        first, last = person()
        users.append(User(username=f"{PREFIX}politimester.{d.code}", password=password,
                          first_name=first, last_name=last,
                          email=f"politimester.{d.code}@demo.samarbeid.local"))
    for m in municipalities:
        first, last = person()
        users.append(User(username=f"{PREFIX}ordforer.{m.number}", password=password,
                          first_name=first, last_name=last,
                          email=f"ordforer.{m.number}@demo.samarbeid.local"))
    # Police contacts: three municipalities each at most (§5), some municipalities without.
    contact_of: dict[int, str] = {}
    for d in districts:
        progress = PROGRESS[int(d.code) % len(PROGRESS)] if str(d.code).isdigit() else 0.7
        covered = [m for m in by_district[d.pk] if rnd.random() < progress + 0.1]
        for i in range(0, len(covered), 3):
            name = f"{PREFIX}politikontakt.{d.code}.{i // 3 + 1}"
            first, last = person()
            users.append(User(username=name, password=password, first_name=first,
                              last_name=last, email=f"{name[len(PREFIX):]}@demo.samarbeid.local"))
            for m in covered[i:i + 3]:
                contact_of[m.pk] = name
    _bulk(User, users)
    user = {u.username: u for u in User.objects.filter(username__startswith=PREFIX)}

    since = today - dt.timedelta(days=700)
    memberships = [Membership(user=user[f"{PREFIX}politimester.{d.code}"],
                              role=Role.DISTRICT_ADMIN, police_district=d, title="Politimester",
                              can_sign=True, starts_on=since) for d in districts]
    memberships += [Membership(user=user[f"{PREFIX}ordforer.{m.number}"],
                               role=Role.MUNICIPAL_LEADER, municipality=m, title="Ordfører",
                               can_sign=True, starts_on=since) for m in municipalities]
    memberships += [Membership(user=user[name], role=Role.POLICE_CONTACT, municipality_id=mid,
                               title="Politikontakt", starts_on=since)
                    for mid, name in contact_of.items()]
    memberships = _bulk(Membership, memberships)
    _bulk(Assignment, [
        Assignment(contact=ms.user, municipality_id=int(ms.municipality_id or 0), starts_on=since,
                   share_of_position=100 // 3 if rnd.random() < 0.5 else 30,
                   mandate="Mandat avklart med kommunen ved oppstart (§5.2).", membership=ms)
        for ms in memberships if ms.role == Role.POLICE_CONTACT])

    # --- agreements: in force, draft, sent for signing, declined or none (§3, §2.3) -------
    state: dict[int, str] = {}
    for d in districts:
        progress = PROGRESS[int(d.code) % len(PROGRESS)] if str(d.code).isdigit() else 0.7
        munis = by_district[d.pk]
        for i, m in enumerate(munis):
            r = rnd.random()
            if i == 0 or r < progress:
                state[m.pk] = "in_force"  # the first one in every district is signed
            elif r < progress + 0.08:
                state[m.pk] = "draft"
            elif r < progress + 0.12:
                state[m.pk] = "sent_for_signing"
            elif r < progress + 0.15:
                state[m.pk] = "declined"
            else:
                state[m.pk] = "none"
    declined = [m.pk for m in municipalities if state[m.pk] == "declined"]
    Municipality.objects.filter(pk__in=declined).update(participation=Participation.DECLINED)
    Municipality.objects.filter(pk__in=[m.pk for m in municipalities
                                        if state[m.pk] == "in_force"]).update(
        participation=Participation.TAKING_PART)
    with_agreement = [m for m in municipalities if state[m.pk] != "none"]
    agreements = _bulk(Agreement, [
        Agreement(kind="municipality", municipality=m, police_district=m.police_district,
                  status=state[m.pk]) for m in with_agreement])
    versions = []
    for a in agreements:
        status = a.status if a.status != "declined" else "draft"
        signed_days_ago = rnd.randint(60, 600)
        versions.append(AgreementVersion(
            agreement=a, number=1, status=status,
            strategies="Felles innsats mot kriminalitet blant barn og unge, og trygge "
                       "lokalmiljø.",
            meetings_per_year=rnd.choice([2, 2, 3, 4]), agenda_lead_days=14,
            evaluation_interval_months=12, evaluation_method="gll",
            revision_interval_months=24,
            revision_due=(today + dt.timedelta(days=730 - signed_days_ago)
                          if status == "in_force" else None),
            fingerprint=(hashlib.sha256(f"demo:{a.municipality_id}".encode()).hexdigest()
                         if status in ("in_force", "sent_for_signing") else ""),
            in_force_from=(now - dt.timedelta(days=signed_days_ago)
                           if status == "in_force" else None)))
    versions = _bulk(AgreementVersion, versions)
    for a, v in zip(agreements, versions, strict=True):
        a.latest_version = v
        a.in_force_version = v if v.status == "in_force" else None
    Agreement.objects.bulk_update(agreements, ["in_force_version", "latest_version"])
    signatures = []
    for a, v in zip(agreements, versions, strict=True):
        if v.status != "in_force":
            continue
        mayor = user[f"{PREFIX}ordforer.{a.municipality.number}"]
        chief = user[f"{PREFIX}politimester.{a.police_district.code}"]
        assert v.in_force_from is not None
        signatures += [
            Signature(version=v, party="municipality", user=mayor, name=mayor.get_full_name(),
                      role_title="Ordfører", signed_at=v.in_force_from, fingerprint=v.fingerprint),
            Signature(version=v, party="police", user=chief, name=chief.get_full_name(),
                      role_title="Politimester", signed_at=v.in_force_from,
                      fingerprint=v.fingerprint)]
    _bulk(Signature, signatures)

    # --- police councils with meetings, agendas and minutes (§4.1) -----------------------
    council_munis = [m for m in municipalities
                     if state[m.pk] == "in_force"
                     or (state[m.pk] in ("draft", "sent_for_signing") and rnd.random() < 0.5)]
    councils = _bulk(pr.PoliceCouncil, [
        pr.PoliceCouncil(name=f"Politirådet i {m.name}", kind="local", municipality=m)
        for m in council_munis])
    _bulk(pr.CouncilMunicipality, [pr.CouncilMunicipality(council=c, municipality=c.municipality)
                                   for c in councils])
    members = []
    for c in councils:
        m = c.municipality
        members.append(pr.CouncilMember(council=c, user=user[f"{PREFIX}ordforer.{m.number}"],
                                        role="mayor", is_chair=True))
        if m.pk in contact_of:
            members.append(pr.CouncilMember(council=c, user=user[contact_of[m.pk]],
                                            role="police_contact", is_secretary=True))
        first, last = person()
        members.append(pr.CouncilMember(council=c, name=f"{first} {last}",
                                        email=f"kommunedirektor.{m.number}@demo.samarbeid.local",
                                        role="chief_executive"))
        first, last = person()
        members.append(pr.CouncilMember(council=c, name=f"{first} {last}",
                                        email=f"tel.{m.number}@demo.samarbeid.local",
                                        role="service_unit_leader"))
    _bulk(pr.CouncilMember, members)
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
    meetings = _bulk(pr.Meeting, meetings)
    topics = ["Situasjonsbilde fra politiet", "Kriminalitet blant barn og unge",
              "Trygt uteliv", "Rus og psykisk helse", "Oppfølging av handlingsplanen"]
    items = _bulk(pr.AgendaItem, [
        pr.AgendaItem(meeting=mt, number=i + 1, title=title, description="Orientering og "
                      "drøfting.", access_level="open")
        for mt in meetings for i, title in enumerate(rnd.sample(topics, 3))])
    chair = {c.pk: user[f"{PREFIX}ordforer.{c.municipality.number}"] for c in councils}
    past = [mt for mt in meetings if mt.starts_at < now]
    approved = [mt for mt in past if rnd.random() < 0.9]
    minutes = _bulk(pr.Minutes, [
        pr.Minutes(meeting=mt, status="published", approved_by=chair[mt.council_id],
                   approved_at=mt.starts_at + dt.timedelta(days=7),
                   published_at=mt.starts_at + dt.timedelta(days=7)) for mt in approved])
    minutes_of = {mi.meeting_id: mi for mi in minutes}
    _bulk(pr.MinutesEntry, [
        pr.MinutesEntry(minutes=minutes_of[it.meeting_id], agenda_item=it, notes="Drøftet.",
                        access_level="open") for it in items if it.meeting_id in minutes_of])

    # --- SLT in some municipalities (voluntary, §6) ---------------------------------------
    slt_munis = [m for m in council_munis if rnd.random() < 0.45]
    slt_models = _bulk(SltModel, [
        SltModel(municipality=m, status="established",
                 coordinator=user[f"{PREFIX}ordforer.{m.number}"] if rnd.random() < 0.75 else None,
                 coordinator_title="SLT-koordinator") for m in slt_munis])
    levels = _bulk(SltLevel, [SltLevel(slt_model=sm, kind=k) for sm in slt_models
                              for k in LevelKind.values])
    steering = [lv for lv in levels if lv.kind == LevelKind.STEERING]
    _bulk(LevelMeeting, [LevelMeeting(level=lv, date=today - dt.timedelta(days=rnd.randint(
        10, 200)), notes="Styringsgruppen gikk gjennom tiltaksplanen.")
        for lv in steering if rnd.random() < 0.75])
    executing = {lv.slt_model_id: lv for lv in levels if lv.kind == LevelKind.EXECUTING}
    focus = list(FocusArea.objects.filter(
        code__in=["youth_crime", "drugs_psychiatry", "safe_schools", "public_safety"]))
    _bulk(SltMeasure, [
        SltMeasure(slt_model=sm, title=title, focus_area=rnd.choice(focus),
                   level=executing[sm.pk], responsible_name="SLT-koordinator",
                   coordination_step=1 + i % 4, age_from=12, age_to=18,
                   starts_on=today - dt.timedelta(days=200),
                   ends_on=today + dt.timedelta(days=rnd.randint(-20, 200)), status="active")
        for sm in slt_models
        for i, title in enumerate(["Natteravner i sentrum", "Tidlig innsats i skolen",
                                   "Oppfølging av unge lovbrytere"][:rnd.randint(1, 3)])])

    # --- evaluations of the councils (§7) -------------------------------------------------
    _bulk(Evaluation, [
        Evaluation(municipality=c.municipality, subject_kind="police_council", subject_id=c.pk,
                   subject_name=c.name, period_start=today - dt.timedelta(days=365 + 120),
                   period_end=today - dt.timedelta(days=120), method="gll", mode="joint",
                   answers={"done": "Fire møter og felles tiltak.", "learned": "Tett dialog "
                            "mellom kommunen og politiet virker.", "smart": "Felles tiltaksplan."},
                   summary="Godt samarbeid, tettere oppfølging av tiltakene neste år.",
                   status="completed", completed_at=now - dt.timedelta(days=100))
        for c in councils if rnd.random() < 0.6])

    return {"municipalities": len(municipalities), "agreements": len(agreements),
            "in_force": sum(1 for s in state.values() if s == "in_force"),
            "councils": len(councils), "meetings": len(meetings),
            "police_contacts": len(set(contact_of.values())), "slt_models": len(slt_models)}
