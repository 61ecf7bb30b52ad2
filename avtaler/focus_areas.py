"""The guide's list of common challenges (Veileder §2): the standard focus areas an agreement
chooses from. Migration 0002 seeded the same list when the table was made; a migration keeps
its own frozen copy (it must run the same way forever), this module is the current list that
`manage.py load_reference_data` (reference_data.load_all) keeps in the table."""

from __future__ import annotations

from typing import Any

FOCUS_AREAS = [
    "Samfunnssikkerhet og beredskap",
    "Ulykker og naturkatastrofer",
    "Trafikksikkerhet",
    "Trygghet i det offentlige rom / trygt uteliv",
    "Kriminalitet begått av barn og unge",
    "Rus- og psykiatriproblematikk",
    "Trygge skoler",
    "Kriminelle nettverk, herunder gjenger",
    "Arbeidslivskriminalitet og annen økonomisk kriminalitet",
    "Miljøkriminalitet",
    "Vold i nære relasjoner, æresrelatert vold",
    "Seksuelle overgrep (inkl. på nett)",
    "Kriminalitet på internett og sosiale medier",
    "Hatkriminalitet",
    "Trusler mot lokale folkevalgte og deltakere i samfunnsdebatten",
    "Radikalisering og voldelig ekstremisme",
    "Pågående livstruende vold (PLIVO)",
]


def seed(apps: Any) -> None:
    """Create or update the standard focus areas, in the guide's order (idempotent).
    `apps` is the app registry (django.apps.apps), as reference_data's loaders receive it."""
    FocusArea = apps.get_model("avtaler", "FocusArea")
    for order, name in enumerate(FOCUS_AREAS, start=1):
        FocusArea.objects.update_or_create(name=name, defaults={"is_standard": True, "order": order})
