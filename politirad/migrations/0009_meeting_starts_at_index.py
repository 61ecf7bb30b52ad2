# The national home page's upcoming meetings read from now on, not from a scan of the
# country's meetings (issue #12).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("politirad", "0008_stored_meeting_facts_and_next_reminder"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="meeting",
            index=models.Index(fields=["starts_at"], name="meeting_starts_at"),
        ),
    ]
