"""Demo content for Sør-Vest: an agreement in force for Stavanger and a draft for Sandnes."""

from __future__ import annotations

from samarbeid import demo

from .models import Agreement, AgreementKind


def build_demo(d: demo.Demo) -> None:
    """An agreement in force for Stavanger and a draft for Sandnes (idempotent)."""
    from . import services
    from .models import FocusArea

    contact = d.users["politikontakt.sorvest"]
    stavanger, sandnes = d.municipality("Stavanger"), d.municipality("Sandnes")
    if not Agreement.objects.filter(municipality=stavanger, kind=AgreementKind.MUNICIPALITY).exists():
        agreement = services.agreement_create(municipality=stavanger, actor=contact)
        version = services.version_update(
            version=agreement.versions.get(), actor=contact,
            data={"strategies": "Et trygt Stavanger for alle som bor og ferdes i byen. Kommunen og "
                                "politiet deler kunnskap og samordner forebyggende arbeid.",
                  "forms_of_cooperation": ["local_council", "slt", "thematic_forum"],
                  "thematic_forums": "Trygt uteliv i sentrum", "meetings_per_year": 4,
                  "agenda_lead_days": 7, "evaluation_interval_months": 12,
                  "evaluation_method": "gll", "revision_interval_months": 24},
            focus_areas=FocusArea.objects.filter(name__in=[
                "Trygghet i det offentlige rom / trygt uteliv", "Kriminalitet begått av barn og unge",
                "Vold i nære relasjoner, æresrelatert vold"]),
            measures=[services.MeasureData("Felles vertskapsprogram for utesteder", 4,
                                           responsible="Kommunen og politiet"),
                      services.MeasureData("Kvartalsvis kunnskapsdeling om ungdomskriminalitet", 1,
                                           responsible="Politikontakten")],
        )
        services.version_send_for_signing(version=version, actor=contact)
        services.version_sign(version=version, actor=d.users["ordforer.stavanger"])
        services.version_sign(version=version, actor=d.users["politimester.sorvest"])
    if not Agreement.objects.filter(municipality=sandnes, kind=AgreementKind.MUNICIPALITY).exists():
        agreement = services.agreement_create(municipality=sandnes, actor=contact)
        services.version_update(
            version=agreement.versions.get(), actor=contact,
            data={"strategies": "Forebygge kriminalitet blant barn og unge i Sandnes.",
                  "forms_of_cooperation": ["local_council"], "meetings_per_year": 2},
            focus_areas=FocusArea.objects.filter(name="Kriminalitet begått av barn og unge"),
        )
