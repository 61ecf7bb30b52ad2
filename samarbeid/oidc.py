"""Single sign-on with OpenID Connect, for any number of providers (ID-porten, Ansattporten,
Microsoft Entra ID …), on mozilla-django-oidc's backend.

mozilla-django-oidc is made for one provider configured in settings; this module gives each
provider in `settings.OIDC_PROVIDERS` its own start and callback URL
(`/konto/sso/<name>/start/`, `/konto/sso/<name>/callback/`) and its own backend instance:

- discovery from `<issuer>/.well-known/openid-configuration` (cached for an hour; the
  document's issuer must be the configured one);
- authorization code flow with PKCE (S256), `state` and `nonce` kept in the session per flow
  and used once (a replayed or unknown state is refused);
- the ID token's signature checked against the provider's JWKS (the library's
  `retrieve_matching_jwk` and `verify_token`, nonce included), and — which the library leaves
  out — its algorithm, issuer, audience, authorized party, expiry and issue time.

Linking (`resolve_user`): a provider identity is linked to a portal user once, and found by an
HMAC of its subject afterwards (`ExternalIdentity`). A first login links by the provider's
*verified* e-mail to the one active account with that address, or — for ID-porten and
Ansattporten, which give a national person identifier (`pid`) and no e-mail — only through
an invitation: the person follows the link in the invitation e-mail and chooses ID-porten
there, and an HMAC of the `pid` (never the number) is stored. SSO never creates a role: an
unknown person is refused with a page that says to ask for an invitation, and a person
whose roles have all ended is refused with the date they ended.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from . import policy
from .models import ExternalIdentity, Membership

logger = logging.getLogger("samarbeid.oidc")

FLOWS_KEY = "oidc_flows"
FLOW_SECONDS = 10 * 60
MAX_FLOWS = 5
DISCOVERY_SECONDS = 3600
BACKEND = "samarbeid.oidc.PortalOIDCBackend"


class SSORefused(Exception):
    """The login is refused; `code` picks the Norwegian text of the refusal page."""

    def __init__(self, code: str, **detail: Any) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Provider:
    name: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    acr: str
    label: str
    link: str  # "pid" (ID-porten, Ansattporten) or "email"
    trust_email: bool
    token_auth: str
    algorithms: tuple[str, ...]

    @property
    def redirect_uri(self) -> str:
        return settings.SITE_URL.rstrip("/") + reverse("sso_callback", args=[self.name])


def providers() -> list[Provider]:
    out = []
    for conf in getattr(settings, "OIDC_PROVIDERS", {}).values():
        data = dict(conf)
        data["algorithms"] = tuple(data.get("algorithms") or ("RS256",))
        out.append(Provider(**data))
    return out


def get_provider(name: str) -> Provider | None:
    return next((p for p in providers() if p.name == name), None)


def discovery(provider: Provider) -> dict[str, Any]:
    key = "oidc:discovery:" + hashlib.sha256(provider.issuer.encode()).hexdigest()
    try:
        found = cache.get(key)
    except Exception:
        found = None
    if isinstance(found, dict):
        return found
    url = provider.issuer + "/.well-known/openid-configuration"
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    doc = response.json()
    if str(doc.get("issuer", "")).rstrip("/") != provider.issuer:
        raise SSORefused("provider", reason="issuer in discovery differs")
    for needed in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not doc.get(needed):
            raise SSORefused("provider", reason=f"discovery lacks {needed}")
    try:
        cache.set(key, doc, DISCOVERY_SECONDS)
    except Exception:
        logger.warning("cache unavailable: discovery not stored")
    return doc


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# --- The backend ------------------------------------------------------------------------------


class PortalOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, configured per provider instead of from settings.

    Listed in AUTHENTICATION_BACKENDS so sessions it made load their user (and an inactive
    user is refused on the next request); `authenticate()` is never reached through
    `django.contrib.auth.authenticate` — the callback view drives the flow.
    """

    def __init__(self, provider: Provider | None = None, doc: dict[str, Any] | None = None
                 ) -> None:
        self.UserModel = get_user_model()
        self.provider = provider
        self.doc = doc or {}
        if provider is not None:
            self.OIDC_OP_TOKEN_ENDPOINT = self.doc["token_endpoint"]
            self.OIDC_OP_USER_ENDPOINT = self.doc.get("userinfo_endpoint", "")
            self.OIDC_OP_JWKS_ENDPOINT = self.doc["jwks_uri"]
            self.OIDC_RP_CLIENT_ID = provider.client_id
            self.OIDC_RP_CLIENT_SECRET = provider.client_secret
            self.OIDC_RP_SIGN_ALGO = provider.algorithms[0]
            self.OIDC_RP_IDP_SIGN_KEY = None

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        defaults = {"OIDC_VERIFY_SSL": True, "OIDC_TIMEOUT": settings.OIDC_TIMEOUT,
                    "OIDC_PROXY": None, "OIDC_USE_NONCE": True, "OIDC_VERIFY_KID": True,
                    "OIDC_ALLOW_UNSECURED_JWT": False}
        if attr in defaults:
            return defaults[attr]
        return args[0] if args else None

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        return None

    def get_user(self, user_id: Any) -> Any:
        return ModelBackend().get_user(user_id)

    def _verify_jws(self, payload: Any, key: Any) -> Any:
        """Signature, and the claims the library does not check: alg, iss, aud, exp, iat."""
        assert self.provider is not None
        try:
            alg = jwt.get_unverified_header(payload).get("alg")
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation("malformed ID token") from exc
        if alg not in self.provider.algorithms:
            raise SuspiciousOperation(f"ID token algorithm {alg!r} not allowed")
        try:
            claims = jwt.decode(
                payload, key, algorithms=[alg], audience=self.provider.client_id,
                issuer=str(self.doc.get("issuer", self.provider.issuer)),
                options={"require": ["exp", "iat", "iss", "aud", "sub"]}, leeway=30,
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token refused: {type(exc).__name__}") from exc
        audience = claims.get("aud")
        if isinstance(audience, list) and len(audience) > 1 \
                and claims.get("azp") != self.provider.client_id:
            raise SuspiciousOperation("ID token for another authorized party")
        return claims

    def exchange(self, *, code: str, verifier: str) -> dict[str, Any]:
        assert self.provider is not None
        data = {"grant_type": "authorization_code", "code": code,
                "redirect_uri": self.provider.redirect_uri, "code_verifier": verifier,
                "client_id": self.provider.client_id}
        auth = None
        if self.provider.token_auth == "client_secret_basic":  # noqa: S105 — a method name
            auth = (self.provider.client_id, self.provider.client_secret)
        elif self.provider.client_secret:
            data["client_secret"] = self.provider.client_secret
        response = requests.post(self.OIDC_OP_TOKEN_ENDPOINT, data=data, auth=auth,
                                 timeout=settings.OIDC_TIMEOUT)
        self.raise_token_response_error(response)
        result: dict[str, Any] = response.json()
        return result

    def claims_for(self, token_info: dict[str, Any], *, nonce: str) -> dict[str, Any]:
        assert self.provider is not None
        id_token = token_info.get("id_token")
        if not id_token:
            raise SuspiciousOperation("no ID token")
        claims: dict[str, Any] = self.verify_token(id_token, nonce=nonce)
        if self.provider.link == "email" and "email" not in claims \
                and self.OIDC_OP_USER_ENDPOINT and token_info.get("access_token"):
            info = self.get_userinfo(token_info["access_token"], id_token, claims)
            if info.get("sub") == claims.get("sub"):
                claims = {**info, **claims}
        return claims


# --- The flow ---------------------------------------------------------------------------------


def start(request: HttpRequest, provider: Provider, *, next_url: str = "",
          invitation_token: str = "", fresh: bool = False) -> str:
    """Remember a new flow in the session; the provider's authorization URL to go to."""
    doc = discovery(provider)
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    challenge = _b64(hashlib.sha256(verifier.encode()).digest())
    flows = dict(request.session.get(FLOWS_KEY, {}))
    now = int(time.time())
    flows = {k: v for k, v in flows.items() if now - int(v.get("at", 0)) < FLOW_SECONDS}
    while len(flows) >= MAX_FLOWS:
        flows.pop(min(flows, key=lambda k: flows[k]["at"]))
    flows[state] = {"provider": provider.name, "nonce": nonce, "verifier": verifier,
                    "next": next_url, "invitation": invitation_token, "fresh": fresh,
                    "at": now}
    request.session[FLOWS_KEY] = flows
    params = {"response_type": "code", "client_id": provider.client_id,
              "redirect_uri": provider.redirect_uri, "scope": provider.scopes,
              "state": state, "nonce": nonce, "code_challenge": challenge,
              "code_challenge_method": "S256", "ui_locales": "nb"}
    if provider.acr:
        params["acr_values"] = provider.acr
    if fresh:
        params["prompt"] = "login"
        params["max_age"] = "0"
    return f"{doc['authorization_endpoint']}?{urlencode(params)}"


def finish(request: HttpRequest, provider: Provider) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check the callback and the ID token; (claims, flow). Raises SSORefused."""
    flows = dict(request.session.get(FLOWS_KEY, {}))
    state = request.GET.get("state", "")
    flow = flows.pop(state, None) if state else None
    request.session[FLOWS_KEY] = flows  # used once, whatever happens next
    if flow is None or flow.get("provider") != provider.name:
        raise SSORefused("state")
    if time.time() - int(flow.get("at", 0)) > FLOW_SECONDS:
        raise SSORefused("state")
    if request.GET.get("error"):
        raise SSORefused("cancelled")
    code = request.GET.get("code", "")
    if not code:
        raise SSORefused("token")
    try:
        doc = discovery(provider)
        if request.GET.get("iss") and request.GET["iss"].rstrip("/") != provider.issuer:
            raise SSORefused("token")  # RFC 9207: a mix-up between providers
        backend = PortalOIDCBackend(provider, doc)
        token_info = backend.exchange(code=code, verifier=flow["verifier"])
        claims = backend.claims_for(token_info, nonce=flow["nonce"])
    except (SuspiciousOperation, jwt.PyJWTError, KeyError, ValueError, TypeError) as exc:
        logger.warning("sso %s refused: %s", provider.name, type(exc).__name__)
        raise SSORefused("token") from exc
    except requests.RequestException as exc:
        logger.warning("sso %s: provider unreachable or refused the code: %s", provider.name,
                       type(exc).__name__)
        raise SSORefused("token") from exc
    if flow.get("fresh"):
        auth_time = claims.get("auth_time")
        if isinstance(auth_time, int | float) and time.time() - auth_time > FLOW_SECONDS:
            raise SSORefused("not_fresh")
    return claims, flow


# --- Linking identities ---------------------------------------------------------------------


def _keyed_hash(value: str) -> str:
    return hmac.new(settings.IDENTITY_HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def identity_key(provider: Provider, claims: dict[str, Any]) -> tuple[str, str]:
    """(kind, keyed hash): the person identifier for ID-porten/Ansattporten (the same person
    in both), else the provider's subject, scoped by its issuer."""
    if provider.link == "pid":
        pid = str(claims.get("pid") or "").strip()
        if not pid:
            raise SSORefused("no_pid")
        return "pid", _keyed_hash(f"pid:{pid}")
    return "sub", _keyed_hash(f"sub:{provider.issuer}:{claims['sub']}")


def verified_email(provider: Provider, claims: dict[str, Any]) -> str:
    email = str(claims.get("email") or "").strip().lower()
    if not email:
        return ""
    verified = claims.get("email_verified")
    if verified is True or str(verified).lower() == "true" or claims.get("xms_edov") is True \
            or provider.trust_email:
        return email
    return ""


def find_user(provider: Provider, claims: dict[str, Any]) -> Any:
    """The linked user, or the one active account with the verified e-mail (then linked).
    Refuses an unknown person; never creates an account or a role."""
    kind, subject = identity_key(provider, claims)
    identity = ExternalIdentity.objects.select_related("user").filter(subject_hash=subject).first()
    user: Any = None
    if identity is not None:
        user = identity.user
    else:
        email = verified_email(provider, claims) if provider.link == "email" else ""
        if email:
            users = list(get_user_model().objects.filter(email__iexact=email)[:2])
            if len(users) == 1:
                user = users[0]
        if user is None:
            raise SSORefused("unknown")
        if not user.is_active:
            raise SSORefused("inactive")
        identity = ExternalIdentity.objects.create(user=user, provider=provider.name, kind=kind,
                                                   subject_hash=subject)
    if not user.is_active:
        raise SSORefused("inactive")
    ExternalIdentity.objects.filter(pk=identity.pk).update(last_login_at=timezone.now(),
                                                          provider=provider.name)
    return user


def link(user: Any, provider: Provider, claims: dict[str, Any]) -> None:
    """Link this identity to `user` (after an invitation was accepted through SSO)."""
    kind, subject = identity_key(provider, claims)
    existing = ExternalIdentity.objects.filter(subject_hash=subject).first()
    if existing is not None and existing.user_id != user.pk:
        raise SSORefused("other_account")
    if existing is None:
        ExternalIdentity.objects.create(user=user, provider=provider.name, kind=kind,
                                        subject_hash=subject, last_login_at=timezone.now())


def linked_user(provider: Provider, claims: dict[str, Any]) -> Any:
    """The user this identity is linked to, if any (no linking by e-mail)."""
    _kind, subject = identity_key(provider, claims)
    identity = ExternalIdentity.objects.select_related("user").filter(subject_hash=subject).first()
    return identity.user if identity is not None else None


def check_access(user: Any) -> None:
    """SSO lets in only people who hold a role or a seat today (superusers too)."""
    if user.is_superuser:
        return
    p = policy.build(user.pk)
    if p.memberships or p.seats:
        return
    today = timezone.localdate()
    upcoming = Membership.objects.filter(user=user, starts_on__gt=today).order_by("starts_on").first()
    if upcoming is not None:
        raise SSORefused("not_started", date=upcoming.starts_on)
    ended = Membership.objects.filter(user=user, ends_on__lte=today).order_by("-ends_on").first()
    raise SSORefused("ended" if ended else "no_role", date=ended.ends_on if ended else None)
