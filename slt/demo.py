"""Demo content: Stavanger has established SLT with slt.stavanger as coordinator, three
levels with members, a yearly action plan and five measures, one of them overdue.
`build_national`: SLT in some of the rest of the country's municipalities (voluntary, §6)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from avtaler.models import FocusArea
from samarbeid import demo_national
from samarbeid.models import MeasureStatus

from .models import (
    CoordinationStep,
    LevelKind,
    LevelMeeting,
    SltMeasure,
    SltModel,
    SltStatus,
)


def build_demo(demo: Any) -> None:
    """Idempotent: does nothing when Stavanger's SLT model already has measures."""
    from . import selectors, services

    stavanger = demo.municipality("Stavanger")
    users = demo.users
    coordinator = users["slt.stavanger"]
    existing = SltModel.objects.filter(municipality=stavanger).first()
    if existing is not None and existing.measures.exists():
        return
    model = services.slt_model_save(
        municipality=stavanger, status=SltStatus.ESTABLISHED, actor=None,
        coordinator=coordinator, coordinator_title="SLT-koordinator",
        status_note="SLT etablert i 2012. Politirådet er styringsgruppe.",
    )
    levels = {lv.kind: lv for lv in model.levels.all()}
    if not any(lv.members.exists() for lv in levels.values()):
        # Veileder §6: the police council is often the steering level; link, do not copy.
        council = selectors.councils_covering(stavanger).first()
        services.level_update(level=levels[LevelKind.STEERING], actor=None,
                              description="Politirådet i Stavanger er styringsnivået for SLT.",
                              police_council=council)
        for username in ("ordforer.stavanger", "kommunedirektor.stavanger",
                         "tjenesteleder.sorvest"):
            services.level_member_add(level=levels[LevelKind.STEERING], actor=None,
                                      user=users[username])
        services.level_member_add(level=levels[LevelKind.COORDINATING], actor=None,
                                  user=coordinator, role="Leder av koordineringsgruppen")
        services.level_member_add(level=levels[LevelKind.COORDINATING], actor=None,
                                  name="Siri Eide", email="siri.eide@demo.samarbeid.local",
                                  organisation="Barnevernstjenesten", role="Avdelingsleder")
        services.level_member_add(level=levels[LevelKind.COORDINATING], actor=None,
                                  name="Jon Aasen", organisation="Skoleetaten", role="Rektor")
        services.level_member_add(level=levels[LevelKind.EXECUTING], actor=None,
                                  user=users["politikontakt.sorvest"])
        services.level_member_add(level=levels[LevelKind.EXECUTING], actor=None,
                                  name="Marte Lund", organisation="Utekontakten",
                                  role="Miljøarbeider")
    today = timezone.localdate()
    if not LevelMeeting.objects.filter(level=levels[LevelKind.STEERING]).exists():
        services.level_meeting_add(level=levels[LevelKind.STEERING],
                                   date=min(today, today.replace(month=1, day=15)), actor=None,
                                   notes="Gjennomgang av handlingsplanen for året.")
    plan = model.action_plans.filter(year=today.year).first() or services.action_plan_create(
        slt_model=model, year=today.year, actor=None, title=f"SLT-handlingsplan {today.year}",
        goals="Færre unge som begår gjentatt kriminalitet; tryggere uteliv.")
    specs = [
        ("Natteravner i sentrum", LevelKind.EXECUTING, "public_safety", 13, 18,
         MeasureStatus.ACTIVE, -60, 30, CoordinationStep.JOINT, "politikontakt.sorvest"),
        ("Oppfølgingsteam for unge lovbrytere", LevelKind.COORDINATING, "youth_crime",
         15, 18, MeasureStatus.ACTIVE, -120, -10, CoordinationStep.ADJUST, "slt.stavanger"),
        ("Rusforebyggende undervisning i 9. trinn", LevelKind.EXECUTING,
         "drugs_psychiatry", 14, 15, MeasureStatus.PLANNED, 20, 120,
         CoordinationStep.UNDERSTANDING, "slt.stavanger"),
        ("Felles kunnskapsgrunnlag om gjengdannelse", LevelKind.STEERING,
         "criminal_networks", 12, 24, MeasureStatus.ACTIVE, -30, 90,
         CoordinationStep.EXCHANGE, "kommunedirektor.stavanger"),
        ("Trygg skolevei-kampanje", LevelKind.COORDINATING, "traffic_safety", 6, 12,
         MeasureStatus.COMPLETED, -200, -40, CoordinationStep.JOINT, "slt.stavanger"),
    ]
    for title, kind, focus, age_from, age_to, status, start, end, step, who in specs:
        if SltMeasure.objects.filter(slt_model=model, title=title).exists():
            continue
        services.measure_create(
            slt_model=model, actor=coordinator, title=title, level=levels[kind],
            focus_area=FocusArea.objects.by_code(focus), age_from=age_from, age_to=age_to,
            status=status,
            starts_on=today + dt.timedelta(days=start), ends_on=today + dt.timedelta(days=end),
            coordination_step=step, responsible=users[who], action_plan=plan,
        )


def build_national(country: demo_national.Country) -> None:
    """SLT in some municipalities with a council: three levels, steering meetings and one to
    three measures at the executing level. Reads `shared["councils"]` (politirad's part)."""
    rnd, today = country.rnd, country.today
    from .models import SltLevel

    council_munis = [c.municipality for c in country.shared["councils"]]
    slt_munis = [m for m in council_munis if rnd.random() < 0.45]
    slt_models = demo_national.bulk(SltModel, [
        SltModel(municipality=m, status="established",
                 coordinator=country.mayor(m) if rnd.random() < 0.75 else None,
                 coordinator_title="SLT-koordinator") for m in slt_munis])
    levels = demo_national.bulk(SltLevel, [SltLevel(slt_model=sm, kind=k) for sm in slt_models
                                           for k in LevelKind.values])
    steering = [lv for lv in levels if lv.kind == LevelKind.STEERING]
    demo_national.bulk(LevelMeeting, [LevelMeeting(level=lv, date=today - dt.timedelta(
        days=rnd.randint(10, 200)), notes="Styringsgruppen gikk gjennom tiltaksplanen.")
        for lv in steering if rnd.random() < 0.75])
    executing = {lv.slt_model_id: lv for lv in levels if lv.kind == LevelKind.EXECUTING}
    focus = list(FocusArea.objects.filter(
        code__in=["youth_crime", "drugs_psychiatry", "safe_schools", "public_safety"]))
    demo_national.bulk(SltMeasure, [
        SltMeasure(slt_model=sm, title=title, focus_area=rnd.choice(focus),
                   level=executing[sm.pk], responsible_name="SLT-koordinator",
                   coordination_step=1 + i % 4, age_from=12, age_to=18,
                   starts_on=today - dt.timedelta(days=200),
                   ends_on=today + dt.timedelta(days=rnd.randint(-20, 200)), status="active")
        for sm in slt_models
        for i, title in enumerate(["Natteravner i sentrum", "Tidlig innsats i skolen",
                                   "Oppfølging av unge lovbrytere"][:rnd.randint(1, 3)])])
    country.made["slt_models"] = len(slt_models)
