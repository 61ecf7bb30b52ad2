"""Seed the guide's list of common challenges (Veileder §2) as standard focus areas."""

from django.db import migrations

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


def seed(apps, schema_editor):
    FocusArea = apps.get_model("avtaler", "FocusArea")
    for order, name in enumerate(FOCUS_AREAS, start=1):
        FocusArea.objects.update_or_create(name=name, defaults={"is_standard": True, "order": order})


def unseed(apps, schema_editor):
    apps.get_model("avtaler", "FocusArea").objects.filter(name__in=FOCUS_AREAS).delete()


class Migration(migrations.Migration):
    dependencies = [("avtaler", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
