"""What DEBUG would show in the browser after an exception: the portal's 500/503 page instead
of the traceback (README: the portal's own error pages are used either way; the traceback
still goes to the log). Kept apart from the views: logging imports it before apps load."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.debug import ExceptionReporter


class PortalExceptionReporter(ExceptionReporter):
    def get_traceback_html(self) -> SafeString:
        from django.db import InterfaceError, OperationalError
        from django.template.loader import render_to_string
        from django.utils.translation import gettext as _

        db_down = isinstance(self.exc_value, OperationalError | InterfaceError)
        try:
            return mark_safe(render_to_string(  # noqa: S308 - our own rendered template
                "503.html" if db_down else "500.html", {"error_page": True}, request=self.request))
        except Exception:
            return mark_safe(escape(_("The service is unavailable. Please try again later.")))  # noqa: S308
