from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolitiradConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "politirad"
    verbose_name = _("Police councils")

    def ready(self) -> None:
        # Register compliance checks, home-page sections and reminder scans with the core.
        from . import registry  # noqa: F401
        self._history_labels()

    @staticmethod
    def _history_labels() -> None:
        """The history names changed fields by the labels of the forms that change them."""
        from samarbeid import audit_display

        from . import forms

        audit_display.register_form("politirad.meeting", forms.MeetingEditForm)
        audit_display.register_form("politirad.agendaitem", forms.AgendaItemForm)
        audit_display.register_form("politirad.policecouncil", forms.CouncilForm)
