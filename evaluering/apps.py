from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvalueringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluering"
    verbose_name = _("Evaluations")

    def ready(self) -> None:
        # Register compliance checks, home-page sections and reminder scans with the core.
        from . import registry  # noqa: F401
