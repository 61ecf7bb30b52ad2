"""Core views: home, municipalities, my settings, health, error pages. Thin: parse, call a
selector or service, render."""

from __future__ import annotations

import logging
import sys
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access, audit, compliance, notify, pagecache, pages, sections, selectors, services
from .forms import MunicipalityFilterForm, ParticipationForm, ReminderSettingsForm
from .logs import redact_path
from .models import AuditAction, Municipality

logger = logging.getLogger(__name__)
security_log = logging.getLogger("samarbeid.security")

PAGE_SIZE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    r = access.roles(user)
    # Every part of the page is cached on its own, all read in one round trip (with the
    # sections'): a page built again after a write builds only the parts that read what it
    # changed (issue #12).
    scope = pagecache.user_scope(user) if pagecache.enabled() else None
    pagecache.prefetch_parts(user, scope, [(name, "") for name in (
        "home:municipalities.html", "home:seats", "home:roles.html",
        *(_section_part(section) for section in sections.SECTIONS))])
    # The list as HTML (text, kept as it is in each process; 50 municipalities cost more to
    # unpickle and render than the rest of the page).
    my_municipalities = pagecache.cached_part(
        "home:municipalities.html", user, scope, lambda: _municipalities_html(user)
    ) if not r.national_admin else ""

    def seat_lines() -> list[str]:
        return pagecache.cached_part("home:seats", user, scope,
                                     lambda: sections.seat_lines_for(user)) if r.seats else []

    # "Your roles" as HTML, cached like the list: a role's label is looked up in its
    # choices each time (a third of a home page's own template, issue #12); the part's key
    # holds the principal's fingerprint, so a changed role is a new key at once.
    roles_html = pagecache.cached_part("home:roles.html", user, scope, lambda: render_to_string(
        "samarbeid/home_roles.html", {"roles": r, "seat_lines": seat_lines()}))
    context = {
        "roles": r,
        "roles_html": mark_safe(roles_html),  # noqa: S308 -- rendered above
        "my_municipalities": mark_safe(my_municipalities),  # noqa: S308 -- rendered above
        # Each section as HTML, cached on its own over the providers' parts it reads: a
        # task's new status renders the open tasks again, not the meetings and reminders.
        **{f"{section}_html": mark_safe(pagecache.cached_part(  # noqa: S308 -- rendered here
            _section_part(section), user, scope, partial(_section_html, user, section)))
           for section in sections.SECTIONS},
    }
    return render(request, "samarbeid/home.html", context)


def _section_part(section: str) -> str:
    return f"home:section:{section}.html"


def _section_html(user: Any, section: str) -> str:
    return render_to_string("includes/home_section.html", {
        "section": section, "items": sections.home_items(user, (section,))[section]})


def _municipalities_html(user: Any) -> str:
    found = list(access.municipalities(user).select_related("county", "police_district")
                 .order_by("name")[:PAGE_SIZE + 1])
    return render_to_string("samarbeid/home_municipalities.html", {
        "municipalities": found[:PAGE_SIZE], "more": len(found) > PAGE_SIZE})


@login_required
@require_GET
def municipality_list(request: HttpRequest) -> HttpResponse:
    choices = selectors.filter_choices(user=request.user)
    form = MunicipalityFilterForm(request.GET or None, counties=choices["counties"],
                                  police_districts=choices["police_districts"])
    return pages.list_page(request, "samarbeid/municipality_list.html", form=form, rows=lambda f: (
        selectors.municipality_list(
            user=request.user, q=f.get("q", ""), county=f.get("county", ""),
            police_district=f.get("police_district", ""),
            participation=f.get("participation", ""))), per_page=PAGE_SIZE)


@login_required
def municipality_detail(request: HttpRequest, number: str) -> HttpResponse:
    municipality = access.get_municipality_or_404(request.user, number)
    findings = compliance.evaluate(
        Municipality.objects.filter(pk=municipality.pk), ids=[municipality.pk]
    ).get(municipality.pk, {})
    status_rows = [(check, findings[check.code]) for check in compliance.checks()]
    return render(request, "samarbeid/municipality_detail.html", {
        "municipality": municipality,
        "can_work": access.can(request.user, access.Level.WORK, municipality),
        "status_rows": status_rows,
        "panels": sections.panels_for(request.user, municipality),
    })


@login_required
@require_http_methods(["GET", "POST"])
def municipality_participation(request: HttpRequest, number: str) -> HttpResponse:
    municipality = access.get_municipality_or_404(request.user, number, access.Level.WORK)
    form = ParticipationForm(
        request.POST or None,
        initial={"participation": municipality.participation,
                 "note": municipality.participation_note},
    )
    return pages.form_page(
        request, "samarbeid/participation_form.html", form=form,
        context={"municipality": municipality},
        save=lambda data: services.municipality_set_participation(
            municipality=municipality, participation=data["participation"], note=data["note"],
            actor=request.user),
        success=_("Participation for %(name)s saved.") % {"name": municipality},
        redirect_to=reverse("municipality_detail", args=[municipality.number]))


@login_required
@require_http_methods(["GET", "POST"])
def my_settings(request: HttpRequest) -> HttpResponse:
    profile = request.user.profile  # type: ignore[union-attr]
    choices = [(k.code, k.label) for k in notify.kinds() if k.optional]
    form = ReminderSettingsForm(request.POST or None, choices=choices,
                                initial={"muted": profile.muted_reminders})
    if request.method == "POST" and form.is_valid():
        profile.muted_reminders = form.cleaned_data["muted"]
        profile.save(update_fields=["muted_reminders"])
        messages.success(request, _("Your settings are saved."))
        return redirect("my_settings")
    return _settings_page(request, form=form, has_choices=bool(choices))


def _settings_page(request: HttpRequest, *, form: Any, has_choices: bool,
                   new_token: str = "") -> HttpResponse:
    profile = request.user.profile  # type: ignore[union-attr]
    return render(request, "samarbeid/my_settings.html", {
        "form": form, "roles": access.roles(request.user), "has_choices": has_choices,
        "calendar_feed": _calendar_url(request, "x" * 43) is not None,
        "calendar_created": profile.calendar_token_created_at,
        "calendar_url": _calendar_url(request, new_token) if new_token else None,
    })


def _calendar_url(request: HttpRequest, token: str) -> str | None:
    path = sections.calendar_feed_path(token)  # None: no app serves a calendar feed
    return request.build_absolute_uri(path) if path is not None else None


@login_required
@require_POST
def rotate_calendar_token(request: HttpRequest) -> HttpResponse:
    """Make a new feed address and show it once, in this response (it is never stored in
    clear, so it cannot be shown again; a new one can always be made)."""
    token = request.user.profile.rotate_calendar_token()  # type: ignore[union-attr]
    audit.record_account(user=request.user, action=AuditAction.CHANGE, request=request,
                         summary="calendar address rotated")
    messages.success(request, _("A new calendar address is made; the old one no longer works. "
                                "Copy it now: it is shown only this once."))
    choices = [(k.code, k.label) for k in notify.kinds() if k.optional]
    form = ReminderSettingsForm(choices=choices,
                                initial={"muted": request.user.profile.muted_reminders})  # type: ignore[union-attr]
    return _settings_page(request, form=form, has_choices=bool(choices), new_token=token)


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "samarbeid/accessibility.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker state as JSON (for load balancers and `docker compose`)."""
    result: dict[str, Any] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        result["database"] = "ok"
    except Exception as exc:
        result["database"] = f"error: {type(exc).__name__}"
    if settings.CELERY_TASK_ALWAYS_EAGER:
        result["broker"] = "embedded"
    else:
        try:
            import redis

            redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=1,
                                 socket_timeout=1).ping()
            result["broker"] = "ok"
        except Exception as exc:
            result["broker"] = f"error: {type(exc).__name__}"
    ok = result["database"] == "ok" and result["broker"] in ("ok", "embedded")
    result["status"] = "ok" if ok else "degraded"
    return JsonResponse(result, status=200 if ok else 503)


# --- Error pages in the site layout ----------------------------------------------------


def _log_refusal(request: HttpRequest, status: int) -> None:
    user = getattr(request, "user", None)
    security_log.info("refused %s %s for user #%s with %s", request.method,
                      redact_path(request.path), getattr(user, "pk", None), status)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    _log_refusal(request, 403)
    # A refusal raised with a message (the policy's reason) is shown; a bare one gets the
    # general text. The messages are written for users, never carry data.
    reason = str(exception) if exception is not None and exception.args else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    _log_refusal(request, 404)
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    """500, or 503 when the database is unreachable. Renders without touching the database."""
    exc = sys.exc_info()[1]
    db_down = isinstance(exc, OperationalError | InterfaceError) or (
        isinstance(exc, DatabaseError) and "connect" in str(exc).lower()
    )
    template, status = ("503.html", 503) if db_down else ("500.html", 500)
    response = TemplateResponse(request, template, {"error_page": True}, status=status)
    try:
        response.render()
    except Exception:  # the layout itself failed: plain text, still no stack trace
        return HttpResponse(_("The service is unavailable. Please try again later."),
                            status=status, content_type="text/plain; charset=utf-8")
    if db_down:
        response.headers["Retry-After"] = "30"
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
