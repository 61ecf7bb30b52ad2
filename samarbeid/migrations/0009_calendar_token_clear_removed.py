from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('samarbeid', '0008_calendar_token_hash_existing'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='userprofile',
            name='calendar_token',
        ),
    ]
