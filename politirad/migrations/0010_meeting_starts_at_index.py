# The national home page's upcoming meetings read from now on, not from a scan of the
# country's meetings (issue #12).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("politirad", "0009_meeting_and_council_reminder_times"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="meeting",
            index=models.Index(fields=["starts_at"], name="meeting_starts_at"),
        ),
    ]
