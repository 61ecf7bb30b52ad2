"""Demo content: one completed GLL evaluation of the Stavanger police council (§7).
`build_national`: evaluations of the rest of the country's councils."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

# The demo evaluates the demo council (a real domain link, as in services.py).
from politirad.models import PoliceCouncil
from samarbeid import demo_national
from samarbeid.models import EvaluationMethod

from . import reminders
from .models import Evaluation, EvaluationStatus, Mode, SubjectKind

FORUM = "Politirådet i Stavanger"


def build(demo: Any) -> None:
    stavanger = demo.municipality("Stavanger")
    if Evaluation.objects.filter(municipality=stavanger, subject_name=FORUM,
                                 status=EvaluationStatus.COMPLETED).exists():
        return
    today = timezone.localdate()
    end = today - dt.timedelta(days=60)
    Evaluation.objects.create(
        municipality=stavanger, subject_kind=SubjectKind.POLICE_COUNCIL, subject_name=FORUM,
        subject_id=_council_id(stavanger),
        period_start=end - dt.timedelta(days=364), period_end=end, method=EvaluationMethod.GLL,
        mode=Mode.JOINT, status=EvaluationStatus.COMPLETED,
        answers={
            "done": "Fire møter i politirådet, felles handlingsplan for trygt uteliv i sentrum "
                    "og kunnskapsgrunnlag om ungdomskriminalitet lagt fram i mars.",
            "learned": "Saker med konkrete oppgaver, ansvarlig og frist blir fulgt opp; "
                       "orienteringssaker uten oppfølging gir lite.",
            "smart": "Å sende dagsorden to uker før møtet, og å la politikontakten og "
                     "SLT-koordinatoren forberede sakene sammen.",
        },
        summary="Politirådet fungerer godt på strategisk nivå. Neste periode: færre "
                "orienteringssaker, mer oppfølging av tiltak i handlingsplanen.",
        facts=[],
        created_by=demo.users.get("kommunedirektor.stavanger"),
        completed_by=demo.users.get("ordforer.stavanger"),
        completed_at=timezone.now(),
    )


def _council_id(municipality: Any) -> int | None:
    """The demo council of Stavanger, when the council app has built one (its builder runs
    before ours), so the facts beside the questions come from its meetings and tasks."""
    council = (PoliceCouncil.objects.filter(municipality=municipality)
               .exclude(kind="thematic").order_by("pk").first())
    return council.pk if council else None


def build_national(country: demo_national.Country) -> None:
    """A completed joint GLL evaluation for most councils, of the period that ended four
    months ago (§7). Reads `shared["councils"]` (politirad's part)."""
    rnd, today, now = country.rnd, country.today, country.now
    demo_national.bulk(Evaluation, [
        Evaluation(municipality=c.municipality, subject_kind="police_council", subject_id=c.pk,
                   subject_name=c.name, period_start=today - dt.timedelta(days=365 + 120),
                   period_end=today - dt.timedelta(days=120), method="gll", mode="joint",
                   answers={"done": "Fire møter og felles tiltak.", "learned": "Tett dialog "
                            "mellom kommunen og politiet virker.", "smart": "Felles tiltaksplan."},
                   summary="Godt samarbeid, tettere oppfølging av tiltakene neste år.",
                   status="completed", completed_at=now - dt.timedelta(days=100))
        for c in country.shared["councils"] if rnd.random() < 0.6])
    reminders.arm({c.municipality_id for c in country.shared["councils"]})  # bulk skips it
