"""What DEBUG would show in the browser after an exception: the portal's 500/503 page instead
of the traceback (README: the portal's own error pages are used either way; the traceback
still goes to the log). Kept apart from the views: logging imports it before apps load."""

from __future__ import annotations

from django.views.debug import ExceptionReporter


class PortalExceptionReporter(ExceptionReporter):
    def get_traceback_html(self) -> str:
        from django.db import InterfaceError, OperationalError
        from django.template.loader import render_to_string
        from django.utils.translation import gettext as _

        db_down = isinstance(self.exc_value, OperationalError | InterfaceError)
        try:
            return render_to_string("503.html" if db_down else "500.html",
                                    {"error_page": True}, request=self.request)
        except Exception:
            return str(_("The service is unavailable. Please try again later."))
