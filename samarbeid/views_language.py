"""The language switch. Django's own view sets the cookie; for a logged-in user the choice is
also kept on the profile, so e-mails reach the user in the same language (issue #14)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.i18n import set_language as django_set_language


def set_language(request: HttpRequest) -> HttpResponse:
    response = django_set_language(request)
    language = request.POST.get("language", "") if request.method == "POST" else ""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated \
            and language in {code for code, _label in settings.LANGUAGES}:
        from . import notify

        notify.remember_language(user, language)
    return response
