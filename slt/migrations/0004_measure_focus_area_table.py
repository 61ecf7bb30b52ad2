"""One focus-area table (#15): an SLT measure's focus area points at the guide's row in
avtaler.FocusArea (matched by the code the choices used); «other» becomes no row, its
description stays in focus_area_other. The old column goes in 0005, in its own
transaction (PostgreSQL refuses ALTER TABLE with the updates' trigger events pending)."""

import django.db.models.deletion
from django.db import migrations, models

OTHER = "other"


def forwards(apps, schema_editor) -> None:
    FocusArea = apps.get_model("avtaler", "FocusArea")
    SltMeasure = apps.get_model("slt", "SltMeasure")
    by_code = dict(FocusArea.objects.filter(code__isnull=False).values_list("code", "pk"))
    for code, pk in by_code.items():
        SltMeasure.objects.filter(focus_area_code=code).update(focus_area=pk)
    # A code with no row (none of the 17 is missing after avtaler 0007) keeps its words.
    for m in SltMeasure.objects.filter(focus_area__isnull=True).exclude(focus_area_code=OTHER):
        if not m.focus_area_other:
            m.focus_area_other = m.focus_area_code
            m.save(update_fields=["focus_area_other"])


def backwards(apps, schema_editor) -> None:
    SltMeasure = apps.get_model("slt", "SltMeasure")
    SltMeasure.objects.filter(focus_area__isnull=True).update(focus_area_code=OTHER)
    for m in SltMeasure.objects.filter(focus_area__isnull=False).select_related("focus_area"):
        m.focus_area_code = m.focus_area.code
        m.save(update_fields=["focus_area_code"])


class Migration(migrations.Migration):

    dependencies = [
        ("avtaler", "0007_focus_area_code"),
        ("slt", "0003_rename_measure_sltmeasure"),
    ]

    operations = [
        migrations.RenameField("sltmeasure", "focus_area", "focus_area_code"),
        migrations.AlterField(
            model_name="sltmeasure", name="focus_area_code",
            field=models.CharField(blank=True, max_length=30, verbose_name="focus area")),
        migrations.AddField(
            model_name="sltmeasure",
            name="focus_area",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                related_name="slt_measures", to="avtaler.focusarea", verbose_name="focus area"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
