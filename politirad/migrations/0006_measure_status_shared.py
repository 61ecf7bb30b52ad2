"""One measure-status enum (#15): council action-plan measures use the core's
`samarbeid.models.MeasureStatus`, the words SLT already used: ongoing → active, done → completed."""

from django.db import migrations, models

FORWARD = {"ongoing": "active", "done": "completed"}


def _map(apps, mapping: dict[str, str]) -> None:
    CouncilMeasure = apps.get_model("politirad", "CouncilMeasure")
    for old, new in mapping.items():
        CouncilMeasure.objects.filter(status=old).update(status=new)


def forwards(apps, schema_editor) -> None:
    _map(apps, FORWARD)


def backwards(apps, schema_editor) -> None:
    _map(apps, {new: old for old, new in FORWARD.items()})


class Migration(migrations.Migration):

    dependencies = [
        ("politirad", "0005_rename_measure_councilmeasure"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.AlterField(
            model_name="councilmeasure",
            name="status",
            field=models.CharField(
                choices=[("planned", "Planned"), ("active", "Active"),
                         ("completed", "Completed"), ("stopped", "Stopped")],
                default="planned", max_length=10, verbose_name="status"),
        ),
    ]
