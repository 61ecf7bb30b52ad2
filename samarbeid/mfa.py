"""Second factor (django-otp): who must use TOTP, when a session counts as verified, and when a
second factor is *fresh* enough to sign an agreement.

- An account that logs in with a password and holds an administrator role (district or
  national), a signing role (`can_sign`), or Django admin access must enrol a TOTP device
  (with recovery codes) and verify it in each session before it can do anything else
  (`MFARequiredMiddleware`). A session that logged in through an OpenID provider has had its
  factors checked there (`samarbeid.oidc`) and is not asked again.
- Signing asks for a *fresh* second factor: a TOTP (or recovery) code entered within the last
  `MFA_FRESH_SECONDS` (10 minutes), or an SSO login within that time at acr «substantial» or
  «high» (`require_fresh`).
- With `MFA_REQUIRED=false` (tests, unless a test turns it on) every session counts as verified
  and fresh.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from . import access

Handler = Callable[[HttpRequest], HttpResponse]

FRESH_KEY = "mfa_fresh_at"
METHOD_KEY = "auth_method"  # "password" (the default) or "sso"
RECOVERY_DEVICE = "Gjenopprettingskoder"
TOTP_DEVICE = "Autentiseringsapp"
RECOVERY_CODES = 10

# Pages a user who still has to enrol or verify may open.
EXEMPT_URL_NAMES = frozenset({
    "logout", "mfa_setup", "mfa_verify", "set_language", "accessibility", "healthz",
    "invitation_accept", "sso_start", "sso_callback", "login",
})


def needs_mfa(user: Any) -> bool:
    """Administrators, signatories and Django admin users."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    p = access.principal(user)
    return bool(p.national_admin or p.admin_districts or p.signs_for_municipalities
                or p.signs_for_police_districts)


def logged_in_with_sso(request: HttpRequest) -> bool:
    return request.session.get(METHOD_KEY) == "sso"


def has_device(user: Any) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(request: HttpRequest) -> bool:
    user = request.user
    return bool(getattr(user, "is_verified", lambda: False)())


def mark_fresh(request: HttpRequest) -> None:
    request.session[FRESH_KEY] = int(time.time())


def is_fresh(request: HttpRequest) -> bool:
    if not settings.MFA_REQUIRED:
        return True
    at = request.session.get(FRESH_KEY)
    return at is not None and time.time() - int(at) <= settings.MFA_FRESH_SECONDS


def _url_name(request: HttpRequest) -> str | None:
    try:
        return resolve(request.path_info).url_name
    except Resolver404:
        return None


def _to(name: str, request: HttpRequest, **extra: str) -> HttpResponse:
    query = {"next": request.get_full_path(), **extra}
    return redirect(f"{reverse(name)}?{urlencode(query)}")


class MFARequiredMiddleware:
    """Enrol first, then verify once per session, before anything else (see module doc)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.MFA_REQUIRED:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and not logged_in_with_sso(request) \
                    and not is_verified(request) and needs_mfa(user) \
                    and _url_name(request) not in EXEMPT_URL_NAMES:
                return _to("mfa_verify" if has_device(user) else "mfa_setup", request)
        return self.get_response(request)


def require_fresh(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view that acts with the user's full authority (signing): a fresh second factor."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not is_fresh(request):
            return _to("mfa_verify", request, fresh="1")
        return view(request, *args, **kwargs)

    return wrapped


# --- Devices --------------------------------------------------------------------------------


def pending_device(user: Any) -> Any:
    """The unconfirmed TOTP device being set up (made on first visit, same secret after)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE, confirmed=False)
    return device


def secret_base32(device: Any) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (no script, allowed by the CSP)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg: str = image.to_string(encoding="unicode")
    return svg


def new_recovery_codes(user: Any) -> list[str]:
    """Ten single-use codes; the old ones stop working."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE,
                                                   defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def confirm_device(request: HttpRequest, device: Any, code: str) -> list[str] | None:
    """Confirm the device being set up with a code from the app; returns the recovery codes,
    or None for a wrong code. Any other TOTP device of the user is removed."""
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not device.verify_token(code.strip().replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    mark_fresh(request)
    return new_recovery_codes(device.user)


def verify_code(request: HttpRequest, code: str) -> Any:
    """Check a TOTP or recovery code against the user's devices; the device, or None."""
    from django_otp import login as otp_login
    from django_otp import match_token

    device = match_token(request.user, code.strip().replace(" ", ""))
    if device is None:
        return None
    otp_login(request, device)
    mark_fresh(request)
    return device


def recovery_codes_left(user: Any) -> int:
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE).count()


# --- SSO assurance ----------------------------------------------------------------------------


def acr_level(claims: dict[str, Any]) -> str:
    """«low», «substantial» or «high» from an ID token's acr (ID-porten, Ansattporten,
    eIDAS names, the old Level3/Level4) or amr (Entra ID reports «mfa»)."""
    acr = str(claims.get("acr") or "").lower()
    amr = claims.get("amr") or []
    if "high" in acr or acr.endswith("level4"):
        return "high"
    if "substantial" in acr or acr.endswith("level3"):
        return "substantial"
    if isinstance(amr, list) and any(str(a).lower() in ("mfa", "otp", "hwk", "fido")
                                     for a in amr):
        return "substantial"
    return "low"
