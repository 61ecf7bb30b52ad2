"""One focus-area table (#15): the old choice column goes, after 0004 copied it."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("slt", "0004_measure_focus_area_table"),
    ]

    operations = [
        migrations.RemoveField("sltmeasure", "focus_area_code"),
    ]
