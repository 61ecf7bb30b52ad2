from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamarbeidConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "samarbeid"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import notify, services, signals  # noqa: F401

        # Not a reminder, but it rides on the same periodic scan: dated roles take effect.
        notify.register_scan("samarbeid.membership_sync", lambda: services.membership_sync_due() and 0)
