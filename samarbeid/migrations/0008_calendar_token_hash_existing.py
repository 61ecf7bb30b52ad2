from django.db import migrations


def hash_tokens(apps, schema_editor):
    # The addresses users already subscribed to keep working: their tokens are hashed.
    import hashlib

    UserProfile = apps.get_model("samarbeid", "UserProfile")
    for profile in UserProfile.objects.exclude(calendar_token="").iterator():
        UserProfile.objects.filter(pk=profile.pk).update(
            calendar_token_hash=hashlib.sha256(profile.calendar_token.encode()).hexdigest(),
            calendar_token_created_at=profile.user.date_joined)


class Migration(migrations.Migration):

    dependencies = [
        ('samarbeid', '0007_calendar_token_hashed'),
    ]

    operations = [
        migrations.RunPython(hash_tokens, migrations.RunPython.noop),
    ]
