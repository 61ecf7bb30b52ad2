# Calendar tokens stored as SHA-256 only (issue: tokens in clear). Three steps, each its own
# transaction: PostgreSQL refuses to alter a table with pending deferred-constraint events.
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('samarbeid', '0006_invitations_and_identities'),
    ]

    operations = [
        migrations.AddField(
            model_name='userprofile',
            name='calendar_token_created_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='userprofile',
            name='calendar_token_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, null=True, unique=True),
        ),
    ]
