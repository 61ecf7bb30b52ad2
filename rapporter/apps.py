from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RapporterConfig(AppConfig):
    """Status reports, the map and the exports across municipalities. Built on the core's
    compliance registry only (ARCHITECTURE "Dependencies point one way"): no feature app is
    imported here; every app's rules arrive through `samarbeid.compliance`."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "rapporter"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # Register the navigation link with the core.
        from . import registry  # noqa: F401
