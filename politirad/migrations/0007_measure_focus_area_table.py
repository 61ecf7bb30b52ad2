"""One focus-area table (#15): a council measure's free-text focus area points at the guide's
row in avtaler.FocusArea when its words name one (the stored Norwegian name, the English name
or the code, case and spaces aside); otherwise the words stay, as «Other», in focus_area_other."""

import django.db.models.deletion
from django.db import migrations, models

# The English names of the guide's rows (the msgids of avtaler.STANDARD_FOCUS_AREA_LABELS),
# frozen here so the migration does not change when the labels do.
ENGLISH = {
    "societal_security": "Societal security and emergency preparedness",
    "accidents": "Accidents and natural disasters",
    "traffic_safety": "Traffic safety",
    "public_safety": "Safety in public spaces / safe nightlife",
    "youth_crime": "Crime committed by children and youth",
    "drugs_psychiatry": "Drug and psychiatric problems",
    "safe_schools": "Safe schools",
    "criminal_networks": "Criminal networks, including gangs",
    "labour_crime": "Labour crime and other economic crime",
    "environmental_crime": "Environmental crime",
    "domestic_violence": "Domestic violence, honour-related violence",
    "sexual_abuse": "Sexual abuse (including online)",
    "online_crime": "Crime on the internet and social media",
    "hate_crime": "Hate crime",
    "threats_politicians": "Threats against local politicians and participants in public debate",
    "radicalisation": "Radicalisation and violent extremism",
    "plivo": "Ongoing life-threatening violence (PLIVO)",
}


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def forwards(apps, schema_editor) -> None:
    FocusArea = apps.get_model("avtaler", "FocusArea")
    CouncilMeasure = apps.get_model("politirad", "CouncilMeasure")
    rows: dict[str, int] = {}
    for pk, name, code in FocusArea.objects.filter(code__isnull=False).values_list(
            "pk", "name", "code"):
        for words in (name, code, ENGLISH.get(code, "")):
            if words:
                rows[_key(words)] = pk
    for m in CouncilMeasure.objects.all():
        pk = rows.get(_key(m.focus_area_other))
        if pk is not None:
            m.focus_area_id = pk
            m.focus_area_other = ""
            m.save(update_fields=["focus_area", "focus_area_other"])


def backwards(apps, schema_editor) -> None:
    CouncilMeasure = apps.get_model("politirad", "CouncilMeasure")
    for m in CouncilMeasure.objects.filter(focus_area__isnull=False).select_related("focus_area"):
        m.focus_area_other = m.focus_area.name
        m.save(update_fields=["focus_area_other"])


class Migration(migrations.Migration):

    dependencies = [
        ("avtaler", "0007_focus_area_code"),
        ("politirad", "0006_measure_status_shared"),
    ]

    operations = [
        migrations.RenameField("councilmeasure", "focus_area", "focus_area_other"),
        migrations.AlterField(
            model_name="councilmeasure", name="focus_area_other",
            field=models.CharField(blank=True, max_length=200, verbose_name="other focus area")),
        migrations.AddField(
            model_name="councilmeasure",
            name="focus_area",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                related_name="council_measures", to="avtaler.focusarea",
                verbose_name="focus area"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
