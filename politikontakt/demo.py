"""Demo content for Sør-Vest: the demo police contact's memberships (made by the core demo)
become assignments with written mandates (§5.2), and the district's preventive functions
(§2.1). Idempotent. `build_national`: the rest of the country's contacts get assignments."""

from __future__ import annotations

from typing import Any

from samarbeid import demo_national
from samarbeid.models import Membership, Role

from . import services
from .models import Assignment, PreventiveFunction, PreventiveFunctionKind

CONTACT = "politikontakt.sorvest"
SHARES = {"Stavanger": 50, "Sandnes": 30, "Sola": 20}
MANDATE = ("Politikontakten kan inngå avtaler om faste møtepunkter og felles tiltak innenfor "
           "forebyggende arbeid i {name}, og prioritere egen tid mellom kommunene. Beslutninger "
           "som binder politiets ressurser ut over dette tas av tjenesteenhetsleder, som deltar "
           "i politirådet (veilederen §5.2).")

FUNCTIONS = [
    (PreventiveFunctionKind.RADICALISATION_CONTACT, "Sara Haugen", "+47 51 89 90 01",
     "radikalisering.sorvest@demo.samarbeid.local",
     "Bekymring for radikalisering og voldelig ekstremisme."),
    (PreventiveFunctionKind.BUSINESS_CONTACT, "Jonas Eide", "+47 51 89 90 02",
     "naringsliv.sorvest@demo.samarbeid.local", "Arbeidslivskriminalitet og næringslivets trygghet."),
    (PreventiveFunctionKind.DOMESTIC_VIOLENCE_COORDINATOR, "Marte Lund", "+47 51 89 90 03",
     "familievold.sorvest@demo.samarbeid.local", "Vold i nære relasjoner."),
    (PreventiveFunctionKind.ONLINE_PATROL, "Nettpatruljen Sør-Vest", "",
     "nettpatrulje.sorvest@demo.samarbeid.local", "Kriminalitet på internett og sosiale medier."),
    (PreventiveFunctionKind.CHILDRENS_HOUSE, "Statens barnehus Stavanger", "+47 51 89 90 05", "",
     "Avhør og oppfølging av barn og unge utsatt for vold eller overgrep."),
]


def build_demo(demo: Any) -> None:
    contact = demo.users.get(CONTACT)
    if contact is not None:
        for membership in (Membership.objects.active()
                           .filter(user=contact, role=Role.POLICE_CONTACT)
                           .select_related("municipality").order_by("pk")):
            if Assignment.objects.filter(membership=membership).exists():
                continue
            name = membership.municipality.name if membership.municipality else ""
            services.assignment_adopt(membership=membership, share_of_position=SHARES.get(name, 10),
                                      mandate=MANDATE.format(name=name))
    for kind, holder, phone, email, note in FUNCTIONS:
        if PreventiveFunction.objects.filter(police_district=demo.district, kind=kind).exists():
            continue
        services.preventive_function_save(function=PreventiveFunction(
            police_district=demo.district, kind=kind, holder_name=holder, phone=phone,
            email=email, note=note))


def build_national(country: demo_national.Country) -> None:
    """Every police-contact membership the core made becomes an assignment with a mandate."""
    rnd = country.rnd
    demo_national.bulk(Assignment, [
        Assignment(contact=ms.user, municipality_id=int(ms.municipality_id or 0),
                   starts_on=country.since,
                   share_of_position=100 // 3 if rnd.random() < 0.5 else 30,
                   mandate="Mandat avklart med kommunen ved oppstart (§5.2).", membership=ms)
        for ms in country.memberships if ms.role == Role.POLICE_CONTACT])
