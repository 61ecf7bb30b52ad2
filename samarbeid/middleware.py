"""Cross-cutting HTTP behaviour: security headers and no caching of personal pages."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_vary_headers

Handler = Callable[[HttpRequest], HttpResponse]


class SecurityHeadersMiddleware:
    """Content-Security-Policy (no inline scripts) and Permissions-Policy on every response."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "geolocation=(), camera=(), microphone=(), payment=()"
        )
        return response


class NoCacheForUsersMiddleware:
    """Pages shown to a logged-in user hold personal or exempt data: never cache them."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            add_never_cache_headers(response)
            response.headers["Cache-Control"] += ", private"
        return response


class NorwegianFirstLocaleMiddleware:
    """Bokmål unless the user chose another language (cookie); the browser's
    Accept-Language is deliberately ignored so the portal is Norwegian first."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class RequestBodyLimitMiddleware:
    """413 before the body is read: an upload larger than the limit never ties up a worker
    reading it (Django's own limits count only form fields, not files)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BODY:
            from django.shortcuts import render

            return render(request, "413.html", {
                "limit_mb": settings.MAX_UPLOAD_SIZE // (1024 * 1024)}, status=413)
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """A session ends after `SESSION_IDLE_SECONDS` without a request (the login page says
    so); the cookie's own age (8 hours) is the absolute limit. The last-seen time is written
    at most once a minute, so an active user does not cost a session write per page."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        import time

        from django.contrib import messages
        from django.contrib.auth import logout
        from django.contrib.auth.views import redirect_to_login
        from django.utils.translation import gettext as _

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            seen = request.session.get("last_seen")
            if seen is not None and now - int(seen) > settings.SESSION_IDLE_SECONDS:
                logout(request)
                messages.info(request, _("You were logged out after %(minutes)d minutes "
                                         "without activity. Log in again to go on.")
                              % {"minutes": settings.SESSION_IDLE_SECONDS // 60})
                return redirect_to_login(request.get_full_path())
            if seen is None or now - int(seen) >= 60:
                request.session["last_seen"] = now
        return self.get_response(request)



class ResolvedUserMiddleware:
    """`request.user` as the user object itself once the middleware above has read it.

    Django's authentication and django-otp each wrap the user in a lazy object, so every
    attribute read costs two Python calls more; a page built again after a write reads the
    user's attributes about a thousand times (cache keys, the policy, the templates: 0.5 ms,
    issue #12). A user not yet read stays lazy."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils.functional import LazyObject, empty

        user: Any = getattr(request, "user", None)
        while isinstance(user, LazyObject) and getattr(user, "_wrapped", empty) is not empty:
            user = getattr(user, "_wrapped")  # noqa: B009 -- typed stubs know no _wrapped
        if user is not None and not isinstance(user, LazyObject):
            request.user = user
        return self.get_response(request)


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, with the user row read from the cache (issue #12:
    the logged-in layout must not cost a database query per request).

    The cached user is stored under the versions of the user's row and profile
    (samarbeid/pagecache.py), which every save or delete of them bumps (deactivation, a new
    password, a new name), so a changed account is read from the database on its next
    request. The session is verified against the cached row exactly as Django does;
    anything unusual (no hash, a hash that does not match, an unknown backend) falls back to
    Django's own get_user.
    """

    def process_request(self, request: HttpRequest) -> None:
        from django.utils.functional import SimpleLazyObject

        super().process_request(request)
        session: Any = request.session
        user_id = _session_users.get(session.session_key)
        if (user_id is not None and hasattr(session, "also")
                and not hasattr(session, "_session_cache")):
            # Not read yet: read with it what _cached_user will ask for.
            session.also = tuple(_wanted_keys(user_id, request.get_full_path()))
        request.user = SimpleLazyObject(lambda: _cached_user(request))  # type: ignore[assignment]


# The user a session's last request in this process was of: the next one reads the keys
# _cached_user asks for with the session (samarbeid/sessions.py). A hint, bounded: a key
# it did not read is read in _cached_user.
_session_users: dict[str, int] = {}
_SESSION_USERS_MAX = 5000


def _wanted_keys(user_id: int, path: str) -> list[str]:
    """The cache keys _cached_user reads: the user's row, the principal's versions and the
    page's (pagecache.request_version_keys)."""
    from . import pagecache, policy

    return [*pagecache.user_version_keys(user_id), *policy.version_keys(user_id),
            *pagecache.request_version_keys(user_id, path)]


# The user rows read from the cache, kept in the process too under the same versioned key
# (a save bumps the version: a new key), which saves the shared cache's round trip on every
# request. Each request gets a copy of its own: the request sets attributes on its user
# (the backend, the OTP device, the principal) that must never reach another request.
_users: dict[str, Any] = {}
_USERS_MAX = 2000


def _read_with_session(session: Any) -> tuple[dict[str, Any], tuple[str, ...]]:
    """What was found of the keys read with the session (samarbeid/sessions.py), and those
    keys (none when the session was read without them)."""
    found = getattr(session, "also_found", None)
    if found is None:
        return {}, ()
    return dict(found), tuple(session.also)


def _cached_user(request: HttpRequest) -> Any:
    from django.contrib import auth
    from django.core.cache import cache
    from django.utils.crypto import constant_time_compare

    from . import pagecache, policy

    try:
        user_id = auth._get_user_session_key(request)  # type: ignore[attr-defined]
        backend_path = request.session[auth.BACKEND_SESSION_KEY]
        session_hash = request.session[auth.HASH_SESSION_KEY]
    except KeyError:
        return auth.get_user(request)
    if backend_path not in settings.AUTHENTICATION_BACKENDS or not session_hash:
        return auth.get_user(request)
    try:
        # The principal's and the page's versions in the same round trip (with the session
        # itself when this process knows the session's user): every logged-in page needs them.
        version_keys = pagecache.user_version_keys(int(user_id))
        wanted = _wanted_keys(int(user_id), request.get_full_path())
        session: Any = request.session
        found, asked = _read_with_session(session)
        asked_set = set(asked)
        found = {k: found[k] for k in wanted if k in found}  # another user's hint: not read
        missing = [k for k in wanted if k not in asked_set]
        if missing:
            found.update(cache.get_many(missing))
        if session.session_key and _session_users.get(session.session_key) != int(user_id):
            if len(_session_users) >= _SESSION_USERS_MAX:
                _session_users.clear()
            _session_users[session.session_key] = int(user_id)
        version = (":".join(str(found[k]) for k in version_keys)
                   if all(k in found for k in version_keys)
                   else ":".join(pagecache._versions(version_keys)))
        key = f"auth:user:{backend_path}:{user_id}:{version}"
        kept = _users.get(key)
        user = copy.copy(kept) if kept is not None else cache.get(key)
    except Exception:
        return auth.get_user(request)
    if user is None:
        user = auth.load_backend(backend_path).get_user(user_id)
        if user is None:
            return auth.get_user(request)
        cache.set(key, user, 3600)
    if kept is None:
        if len(_users) >= _USERS_MAX:
            _users.clear()
        _users[key] = copy.copy(user)  # before this request sets anything on its own copy
    if not user.is_active or not constant_time_compare(session_hash,
                                                       user.get_session_auth_hash()):
        return auth.get_user(request)  # Django decides: fallback keys, or log out
    user.backend = backend_path
    if request.method in ("GET", "HEAD"):
        # A read: no write of its own can come between this look-up and the principal's,
        # or the page cache's (pagecache.cached_page).
        policy.remember_versions(user, found)
        request.page_versions = {k: str(v) for k, v in found.items()  # type: ignore[attr-defined]
                                 if k.startswith("pc:")}
    return user
