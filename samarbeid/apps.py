from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamarbeidConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "samarbeid"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import signals  # noqa: F401
