from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolitikontaktConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "politikontakt"
    verbose_name = _("Police contacts")

    def ready(self) -> None:
        # Register compliance checks, home-page sections and reminder scans with the core.
        from . import registry  # noqa: F401
