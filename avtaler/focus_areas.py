"""The guide's list of common challenges (Veileder §2): the standard focus areas an agreement
chooses from. Migration 0002 seeded the same list when the table was made; a migration keeps
its own frozen copy (it must run the same way forever), this module is the current list that
`manage.py load_reference_data` (reference_data.load_all) keeps in the table."""

from __future__ import annotations

from typing import Any

# (name as printed in agreements, stable code that SLT and council measures use), §2's order.
FOCUS_AREAS = [
    ("Samfunnssikkerhet og beredskap", "societal_security"),
    ("Ulykker og naturkatastrofer", "accidents"),
    ("Trafikksikkerhet", "traffic_safety"),
    ("Trygghet i det offentlige rom / trygt uteliv", "public_safety"),
    ("Kriminalitet begått av barn og unge", "youth_crime"),
    ("Rus- og psykiatriproblematikk", "drugs_psychiatry"),
    ("Trygge skoler", "safe_schools"),
    ("Kriminelle nettverk, herunder gjenger", "criminal_networks"),
    ("Arbeidslivskriminalitet og annen økonomisk kriminalitet", "labour_crime"),
    ("Miljøkriminalitet", "environmental_crime"),
    ("Vold i nære relasjoner, æresrelatert vold", "domestic_violence"),
    ("Seksuelle overgrep (inkl. på nett)", "sexual_abuse"),
    ("Kriminalitet på internett og sosiale medier", "online_crime"),
    ("Hatkriminalitet", "hate_crime"),
    ("Trusler mot lokale folkevalgte og deltakere i samfunnsdebatten", "threats_politicians"),
    ("Radikalisering og voldelig ekstremisme", "radicalisation"),
    ("Pågående livstruende vold (PLIVO)", "plivo"),
]


def seed(apps: Any) -> None:
    """Create or update the standard focus areas, in the guide's order (idempotent).
    `apps` is the app registry (django.apps.apps), as reference_data's loaders receive it."""
    FocusArea = apps.get_model("avtaler", "FocusArea")
    for order, (name, code) in enumerate(FOCUS_AREAS, start=1):
        FocusArea.objects.update_or_create(
            name=name, defaults={"code": code, "is_standard": True, "order": order})
