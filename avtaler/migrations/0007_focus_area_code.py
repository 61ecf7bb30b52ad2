"""One focus-area table (#15): the guide's standard rows get the stable codes SLT used as
choices, so SLT and council measures can point at the rows."""

from django.db import migrations, models

# The seeded names (0002) and the codes of slt's former FocusArea choices, in the guide's order.
CODES = {
    "Samfunnssikkerhet og beredskap": "societal_security",
    "Ulykker og naturkatastrofer": "accidents",
    "Trafikksikkerhet": "traffic_safety",
    "Trygghet i det offentlige rom / trygt uteliv": "public_safety",
    "Kriminalitet begått av barn og unge": "youth_crime",
    "Rus- og psykiatriproblematikk": "drugs_psychiatry",
    "Trygge skoler": "safe_schools",
    "Kriminelle nettverk, herunder gjenger": "criminal_networks",
    "Arbeidslivskriminalitet og annen økonomisk kriminalitet": "labour_crime",
    "Miljøkriminalitet": "environmental_crime",
    "Vold i nære relasjoner, æresrelatert vold": "domestic_violence",
    "Seksuelle overgrep (inkl. på nett)": "sexual_abuse",
    "Kriminalitet på internett og sosiale medier": "online_crime",
    "Hatkriminalitet": "hate_crime",
    "Trusler mot lokale folkevalgte og deltakere i samfunnsdebatten": "threats_politicians",
    "Radikalisering og voldelig ekstremisme": "radicalisation",
    "Pågående livstruende vold (PLIVO)": "plivo",
}


def fill(apps, schema_editor) -> None:
    FocusArea = apps.get_model("avtaler", "FocusArea")
    for order, (name, code) in enumerate(CODES.items(), start=1):
        # update_or_create: a database whose standard row was removed gets it back, because
        # SLT measures need every code. save() on a historical model skips the signed-text
        # guard, and neither the name of an existing row nor its versions change here.
        FocusArea.objects.update_or_create(
            name=name, defaults={"code": code, "is_standard": True, "order": order})


def clear(apps, schema_editor) -> None:
    apps.get_model("avtaler", "FocusArea").objects.update(code=None)


class Migration(migrations.Migration):

    dependencies = [
        ("avtaler", "0006_rename_measure_agreementmeasure"),
    ]

    operations = [
        migrations.AddField(
            model_name="focusarea",
            name="code",
            field=models.SlugField(blank=True, max_length=40, null=True, unique=True,
                                   verbose_name="code"),
        ),
        migrations.RunPython(fill, clear),
    ]
