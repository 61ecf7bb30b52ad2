"""Account pages: log in (password and SSO), accept an invitation, enrol and use TOTP."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import audit, invitations, mfa, oidc
from .forms_people import AcceptForm, CodeForm
from .models import AuditAction

logger = logging.getLogger(__name__)

PASSWORD_BACKEND = "samarbeid.backends.PasswordBackend"  # noqa: S105 — a class path

# Status of the page for each reason an invitation link cannot be used.
REFUSAL_STATUS = {invitations.UNKNOWN: 404, invitations.EXPIRED: 410, invitations.USED: 410,
                  invitations.REVOKED: 410, invitations.OTHER_USER: 403,
                  invitations.LOGIN_REQUIRED: 403}
SSO_REFUSAL_STATUS = {"unknown": 403, "ended": 403, "no_role": 403, "not_started": 403,
                      "inactive": 403, "other_account": 403, "no_pid": 403}


def _safe_next(request: HttpRequest, value: str | None, default: str = "home") -> str:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return value
    return reverse(default)


def _sso_links(next_url: str = "", invitation: str = "") -> list[dict[str, str]]:
    from urllib.parse import urlencode

    links = []
    for provider in oidc.providers():
        query = {k: v for k, v in (("next", next_url), ("invitation", invitation)) if v}
        url = reverse("sso_start", args=[provider.name])
        links.append({"label": provider.label,
                      "url": f"{url}?{urlencode(query)}" if query else url})
    return links


class PortalLoginView(LoginView):
    """Django's login with the SSO buttons beside it; without password login (PASSWORD_LOGIN
    false) only the buttons, and a posted password is refused."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["password_login"] = settings.PASSWORD_LOGIN
        ctx["sso_links"] = _sso_links(self.get_redirect_url())
        return ctx

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.PASSWORD_LOGIN:
            return render(request, "registration/login.html", {
                **self.get_context_data(), "password_refused": True}, status=403)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        self.request.session[mfa.METHOD_KEY] = "password"
        return response


# --- Invitations ------------------------------------------------------------------------------


def _refused(request: HttpRequest, code: str, invitation: Any = None) -> HttpResponse:
    return render(request, "samarbeid/people/invitation_refused.html", {
        "code": code, "invitation": invitation,
        "login_url": f"{reverse('login')}?next={request.path}",
    }, status=REFUSAL_STATUS.get(code, 403))


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitations.invitation_for_token(token)
    code = invitations.refusal(invitation, request.user)
    if code is not None or invitation is None:
        return _refused(request, code or invitations.UNKNOWN, invitation)
    user = request.user if request.user.is_authenticated else None
    account = user or invitations.existing_account(invitation.email)
    new_account = account is None and not _several_accounts(invitation.email)
    form = AcceptForm(request.POST or None, email=invitation.email,
                      initial=_name_initial(invitation.name)) \
        if new_account and settings.PASSWORD_LOGIN else None
    errors: list[str] = []
    if request.method == "POST":
        try:
            if user is not None:
                invitations.invitation_accept(invitation=invitation, user=user)
                messages.success(request, _("Welcome! You now have the role: %(what)s.")
                                 % {"what": invitations.describe(invitation)})
                return redirect("home")
            if form is not None and form.is_valid():
                created = invitations.invitation_accept(
                    invitation=invitation, first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    password=form.cleaned_data["password1"])
                auth_login(request, created, backend=PASSWORD_BACKEND)
                request.session[mfa.METHOD_KEY] = "password"
                messages.success(request, _("Welcome! Your user name is %(username)s.")
                                 % {"username": created.get_username()})
                if settings.MFA_REQUIRED and mfa.needs_mfa(created):
                    return redirect(f"{reverse('mfa_setup')}?next={reverse('home')}")
                return redirect("home")
        except invitations.InvitationRefused as exc:
            return _refused(request, exc.code, invitation)
        except ValidationError as exc:
            errors = list(exc.messages)
    return render(request, "samarbeid/people/invitation_accept.html", {
        "invitation": invitation, "what": invitations.describe(invitation), "form": form,
        "errors": errors, "logged_in": user is not None,
        "account_exists": account is not None and user is None,
        "several_accounts": account is None and _several_accounts(invitation.email),
        "sso_links": _sso_links(invitation=token),
        "login_url": f"{reverse('login')}?next={request.path}",
        "password_login": settings.PASSWORD_LOGIN,
    })


def _several_accounts(email: str) -> bool:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(email__iexact=email).count() > 1


def _name_initial(name: str) -> dict[str, str]:
    given, _sep, family = name.strip().partition(" ")
    return {"first_name": given, "last_name": family}


# --- Single sign-on ---------------------------------------------------------------------------


def _provider_or_404(name: str) -> oidc.Provider:
    provider = oidc.get_provider(name)
    if provider is None:
        raise Http404
    return provider


def _sso_refused(request: HttpRequest, provider: oidc.Provider, exc: oidc.SSORefused
                 ) -> HttpResponse:
    audit.record_account(user=None, action=AuditAction.LOGIN_FAILED, request=request,
                         summary=f"sso:{provider.name}:{exc.code}")
    return render(request, "registration/sso_refused.html", {
        "code": exc.code, "provider": provider, "date": exc.detail.get("date"),
    }, status=SSO_REFUSAL_STATUS.get(exc.code, 400))


@never_cache
@require_GET
def sso_start(request: HttpRequest, name: str) -> HttpResponse:
    provider = _provider_or_404(name)
    next_url = _safe_next(request, request.GET.get("next"))
    invitation = request.GET.get("invitation", "")[:100]
    fresh = request.GET.get("fresh") == "1" and request.user.is_authenticated
    try:
        url = oidc.start(request, provider, next_url=next_url, invitation_token=invitation,
                         fresh=fresh)
    except (oidc.SSORefused, OSError, ValueError) as exc:
        logger.warning("sso %s: discovery failed: %s", name, type(exc).__name__)
        return _sso_refused(request, provider, oidc.SSORefused("provider"))
    return redirect(url)


@never_cache
@require_GET
def sso_callback(request: HttpRequest, name: str) -> HttpResponse:
    provider = _provider_or_404(name)
    try:
        claims, flow = oidc.finish(request, provider)
        token = flow.get("invitation") or ""
        if token:
            user = _accept_by_sso(request, provider, claims, token)
        else:
            user = oidc.find_user(provider, claims)
            if flow.get("fresh") and request.user.is_authenticated \
                    and request.user.pk != user.pk:
                raise oidc.SSORefused("other_account")
            oidc.check_access(user)
    except oidc.SSORefused as exc:
        return _sso_refused(request, provider, exc)
    except invitations.InvitationRefused as exc:
        return _refused(request, exc.code)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("invitation_accept", token=flow.get("invitation"))
    if not (request.user.is_authenticated and request.user.pk == user.pk):
        auth_login(request, user, backend=oidc.BACKEND)
    request.session[mfa.METHOD_KEY] = "sso"
    request.session["sso_provider"] = provider.name
    level = mfa.acr_level(claims)
    request.session["sso_acr"] = level
    if level in ("substantial", "high"):
        mfa.mark_fresh(request)
    elif flow.get("fresh"):
        messages.error(request, _("The login at %(provider)s was not at the assurance level "
                                  "«substantial» or «high» that signing needs.")
                       % {"provider": provider.label})
    return redirect(_safe_next(request, flow.get("next")))


def _accept_by_sso(request: HttpRequest, provider: oidc.Provider, claims: dict[str, Any],
                   token: str) -> Any:
    from django.db import transaction

    invitation = invitations.invitation_for_token(token)
    linked = oidc.linked_user(provider, claims)
    current = request.user if request.user.is_authenticated else None
    if current is not None and linked is not None and linked.pk != current.pk:
        raise oidc.SSORefused("other_account")
    if invitation is None:
        raise invitations.InvitationRefused(invitations.UNKNOWN)
    with transaction.atomic():
        user = invitations.invitation_accept(invitation=invitation, user=current or linked)
        oidc.link(user, provider, claims)
    messages.success(request, _("Welcome! You now have the role: %(what)s.")
                     % {"what": invitations.describe(invitation)})
    return user


# --- TOTP -------------------------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app. With a device already in use, only from a verified
    session (a stolen password alone cannot replace the device)."""
    next_url = _safe_next(request, request.GET.get("next") or request.POST.get("next"))
    enrolled = mfa.has_device(request.user)
    if enrolled and not mfa.is_verified(request):
        return redirect(f"{reverse('mfa_verify')}?next={reverse('mfa_setup')}")
    if enrolled and request.GET.get("new") != "1" and request.method == "GET":
        return render(request, "registration/mfa_status.html", {
            "codes_left": mfa.recovery_codes_left(request.user), "next": next_url})
    device = mfa.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.confirm_device(request, device, form.cleaned_data["code"])
        if codes is not None:
            audit.record_account(user=request.user, action=AuditAction.MFA, request=request,
                                 summary="totp enrolled")
            return render(request, "registration/mfa_codes.html",
                          {"codes": codes, "next": next_url, "first": not enrolled})
        form.add_error("code", _("The code is not right. Check that the clock of the phone is "
                                 "right, and type the code the app shows now."))
    return render(request, "registration/mfa_setup.html", {
        "form": form, "secret": mfa.secret_base32(device), "uri": device.config_url,
        "qr": mfa.qr_svg(device.config_url), "next": next_url, "replacing": enrolled,
    })


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """Type a code: once per session, and again (fresh) before signing."""
    next_url = _safe_next(request, request.GET.get("next") or request.POST.get("next"))
    has_device = mfa.has_device(request.user)
    sso = mfa.logged_in_with_sso(request)
    if not has_device and not sso:
        return redirect(f"{reverse('mfa_setup')}?next={next_url}")
    form = CodeForm(request.POST or None) if has_device else None
    if request.method == "POST" and form is not None and form.is_valid():
        device = mfa.verify_code(request, form.cleaned_data["code"])
        if device is not None:
            if device.name == mfa.RECOVERY_DEVICE:
                messages.warning(request, _("You used a recovery code; %(n)d are left. Make new "
                                            "ones under My settings when few are left.")
                                 % {"n": mfa.recovery_codes_left(request.user)})
            return redirect(next_url)
        form.add_error("code", _("The code is not right, or it has been used. Wait for the next "
                                 "code and try again."))
    provider = oidc.get_provider(request.session.get("sso_provider", "")) if sso else None
    sso_again = None
    if provider is not None:
        from urllib.parse import urlencode

        sso_again = (f"{reverse('sso_start', args=[provider.name])}?"
                     f"{urlencode({'next': next_url, 'fresh': '1'})}")
    return render(request, "registration/mfa_verify.html", {
        "form": form, "next": next_url, "fresh": request.GET.get("fresh") == "1",
        "provider": provider, "sso_again": sso_again,
    })


@login_required
@never_cache
@require_POST
def mfa_recovery(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working), from a verified session."""
    if not mfa.has_device(request.user):
        return redirect("mfa_setup")
    if not mfa.is_verified(request):
        return redirect_to_login(reverse("mfa_setup"), reverse("mfa_verify"))
    codes = mfa.new_recovery_codes(request.user)
    audit.record_account(user=request.user, action=AuditAction.MFA, request=request,
                         summary="recovery codes renewed")
    return render(request, "registration/mfa_codes.html",
                  {"codes": codes, "next": reverse("my_settings"), "first": False})
