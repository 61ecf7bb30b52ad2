from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamarbeidConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "samarbeid"
    verbose_name = _("Core")

    def ready(self) -> None:
        from guardian.models import UserObjectPermission

        from . import lookups, pagecache, people, policy, signals  # noqa: F401
        from .models import Membership

        pagecache.watch_bulk_writes()
        lookups.register()

        people.register()

        # Every write to a membership or an explicit grant bumps the user's principal.
        policy.watch(Membership)
        policy.watch(UserObjectPermission)
