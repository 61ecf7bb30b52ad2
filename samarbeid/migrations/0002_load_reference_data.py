"""Load the 357 municipalities, 15 counties and 12 police districts (idempotent)."""

from django.db import migrations


def load(apps, schema_editor):
    from samarbeid import reference_data

    reference_data.load(apps)


class Migration(migrations.Migration):
    dependencies = [("samarbeid", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
