"""Rendered page bodies cached in the shared cache (Redis), guarded by versions that writes
bump, so a page is never shown stale after a write, in any web worker.

One place bumps: `bump_for(instance)`, called by the single write hook every service's
writes already pass through (compliance.invalidate on save/delete/m2m, and audit.record for
writes that bypass signals, such as queryset updates). A write bumps

- `pc:all` always (pages that read the whole country, or whose scope is the reader's),
- the version of each municipality the written row belongs to (compliance.municipalities_of),
  or `pc:global` when that is unknown (a membership, a regional council's municipalities),
- the version of the user a row names (their profile, their name in the header), and of
  every user a row's foreign keys name (a task assigned to someone shows on their home and
  "my tasks" at once, whatever municipality it is in),
- `pc:reports` when reference data shows (a municipality, county or police district); the
  reports depend on that, on `pc:global` and on the findings' own marks (compliance.py),
  not on every write: findings change only when a refresh finds them changed.

A page key holds, besides those versions: the user and their session (nothing rendered for
one person or one login is shown to another), a fingerprint of everything the principal's
reading depends on (roles, seats, grants, exempt flags, scope; the principal is built per
day, so a role ended today changes it at once), the language, the date, the path with its
query and the htmx headers. Versions are read before the view runs and bumped again after
commit, so a body rendered from data older than a write is stored under a key no request
looks up again.

User-specific parts: CSRF tokens are stored as a placeholder and filled in per request;
a request with pending messages is neither served from nor stored to the cache, and a
response that queued messages is not stored. Only 200 HTML responses to GET are cached.
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

log = logging.getLogger("samarbeid.pagecache")

ALL = "pc:all"
GLOBAL = "pc:global"
REPORTS = "pc:reports"
# Rows the reports show besides the findings: their writes bump the reports' version.
REFERENCE = {"samarbeid.municipality", "samarbeid.county", "samarbeid.policedistrict"}
PREFIX = "pc:body:"
_CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{32,64}(")')
_CSRF_HOLE = b"\x00csrf\x00"
_HX_HEADERS = ("HTTP_HX_REQUEST", "HTTP_HX_TARGET", "HTTP_HX_TRIGGER", "HTTP_HX_BOOSTED",
               "HTTP_HX_HISTORY_RESTORE_REQUEST")
# Rows no page shows (the reminder ledger, the audit trail, sessions): writing them bumps
# nothing, or every audit record would make every page cold.
IGNORED = {"samarbeid.auditevent", "samarbeid.sentreminder", "samarbeid.compliancesnapshot",
           "sessions.session",
           "admin.logentry", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog",
           "django_celery_results.taskresult"}

Scope = Callable[..., "Iterable[int] | None"]


def _seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 300))


def _mkey(pk: int) -> str:
    return f"pc:m:{pk}"


def _ukey(pk: int) -> str:
    return f"pc:u:{pk}"


# --- Bumping -------------------------------------------------------------------------------


def bump(municipalities: Iterable[int] | None, user_ids: Iterable[int | None] = (),
         reports: bool = False) -> None:
    """Make every page that reads these municipalities (None: any) or users cold. Now and
    again after commit (a request that read the old rows while the write's transaction was
    open must not leave its body under the new version)."""
    scope = None if municipalities is None else sorted(set(municipalities))
    users = sorted({u for u in user_ids if u is not None})

    def now() -> None:
        token = uuid.uuid4().hex[:12]
        values = {ALL: token}
        if reports:
            values[REPORTS] = token
        if scope is None:
            values[GLOBAL] = token
        else:
            values.update({_mkey(pk): token for pk in scope})
        values.update({_ukey(pk): token for pk in users})
        try:
            cache.set_many(values, None)
        except Exception:  # without the cache nothing is cached, so nothing is stale
            log.warning("cache unavailable: page versions not bumped")

    now()
    transaction.on_commit(now)


def bump_reports() -> None:
    """The findings changed (compliance.evaluate found them so): rebuild the reports."""
    token = uuid.uuid4().hex[:12]
    try:
        cache.set(REPORTS, token, None)
    except Exception:
        log.warning("cache unavailable: report version not bumped")


def bump_for(instance: Any, *, scope: set[int] | None = None, known: bool = False,
             update_fields: Iterable[str] | None = None) -> None:
    """The write hook: bump what a write to `instance` can change. `scope`: the
    municipalities the row belongs to when the caller has worked them out (`known`)."""
    from django.contrib.auth import get_user_model

    from . import compliance

    meta = getattr(instance, "_meta", None)
    if meta is None or meta.label_lower in IGNORED:
        return
    if not known:
        scope = compliance.municipalities_of(instance)
    user_model = get_user_model()
    # Every user the row names (the responsible person of a task, an invited member): the
    # row shows on their own pages wherever it is.
    users: list[int | None] = [getattr(instance, f.attname, None) for f in meta.concrete_fields
                               if f.many_to_one and f.related_model is user_model]
    if isinstance(instance, user_model):
        users.append(instance.pk)
        # A name shows on other people's pages (a council's members): every page, unless
        # the login only stamped the time of the last login.
        scope = set() if update_fields and set(update_fields) <= {"last_login"} else None
    bump(scope, users, reports=meta.label_lower in REFERENCE)


# --- Reading -------------------------------------------------------------------------------


def fingerprint(principal: Any, user: Any) -> str:
    """Everything the principal's reading depends on, as a short hash."""
    parts = (principal.user_id, principal.on, principal.national_admin,
             sorted(principal.admin_districts), sorted(principal.leadership_units),
             sorted(principal.police_districts), sorted(principal.signs_for_municipalities),
             sorted(principal.signs_for_police_districts),
             sorted((k, sorted(v)) for k, v in principal.municipal_roles.items()),
             sorted((kind, sorted((pk, seat.role, seat.chair, seat.secretary)
                                  for pk, seat in seats.items()))
                    for kind, seats in principal.seats.items()),
             sorted(principal.grants),
             sorted((m.pk, m.role, m.can_sign, str(m.ends_on)) for m in principal.memberships),
             bool(user.is_staff), bool(user.is_superuser))
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


def object_scope(model: Any, pk: Any) -> set[int] | None:
    """The municipality ids a row belongs to, cached under the global version (a write of
    unknown scope, such as a council's municipalities changing, recomputes it)."""
    from . import compliance

    global_version = cache.get(GLOBAL) or "-"
    key = f"pc:scope:{model._meta.label_lower}:{pk}:{global_version}"
    found = cache.get(key)
    if found is not None:
        return None if found == "*" else set(found)
    scope = compliance._scope_of(model, pk, None, 0, {})
    cache.set(key, "*" if scope is None else sorted(scope), _seconds() * 12)
    return scope


def _pending_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    if storage is None:
        return False
    try:
        return bool(storage._queued_messages) or bool(storage._loaded_messages)
    except Exception:
        return True


def _versions(keys: list[str]) -> list[str]:
    found = cache.get_many(keys)
    values = []
    for key in keys:
        value = found.get(key)
        if value is None:
            # A random start, so a body stored under an evicted version is never found.
            value = uuid.uuid4().hex[:12]
            if not cache.add(key, value, None):
                value = cache.get(key) or value
        values.append(str(value))
    return values


def _key(request: HttpRequest, name: str, scope: set[int] | None,
         extra: Iterable[str] = ()) -> str:
    from . import policy

    user: Any = request.user
    principal = policy.for_user(user)
    session_key = getattr(request.session, "session_key", None) or "-"
    deps = [_ukey(user.pk)]
    if scope is None:
        deps.append(ALL)
    else:
        deps.append(GLOBAL)
        deps.extend(_mkey(pk) for pk in sorted(scope))
    versions = _versions(deps)
    hx = "|".join(request.META.get(h, "") for h in _HX_HEADERS)
    raw = "\x1f".join([name, request.get_full_path(), get_language() or "", hx,
                       str(timezone.localdate()), str(user.pk),
                       hashlib.blake2b(session_key.encode(), digest_size=8).hexdigest(),
                       fingerprint(principal, user), *versions, *extra])
    return PREFIX + hashlib.blake2b(raw.encode(), digest_size=20).hexdigest()


def _serve(request: HttpRequest, entry: tuple[str, bytes]) -> HttpResponse:
    content_type, body = entry
    if _CSRF_HOLE in body:
        body = body.replace(_CSRF_HOLE, get_token(request).encode())
    response = HttpResponse(body, content_type=content_type)
    response.headers["X-Page-Cache"] = "hit"
    return response


def _storable(response: HttpResponse, request: HttpRequest) -> bool:
    return (response.status_code == 200 and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and not response.cookies and not _pending_messages(request))


def cached_page(scope: Scope | None = None,
                depends: Callable[..., Iterable[str]] | None = None) -> Callable[[Any], Any]:
    """Cache a view's body per reader (see the module). `scope(request, **kwargs)` gives
    the municipality ids the page reads (None or no scope: it reads more, any write makes
    it cold; an empty set: no municipality's version, only the global one and `depends`).
    `depends(request, **kwargs)` gives more strings the page's key holds (versions of its
    own)."""

    def decorator(view: Any) -> Any:
        name = f"{view.__module__}.{getattr(view, '__qualname__', view)}"

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            user = getattr(request, "user", None)
            if (not _seconds() or request.method not in ("GET", "HEAD") or user is None
                    or not user.is_authenticated or _pending_messages(request)):
                return view(request, *args, **kwargs)
            try:
                ids = scope(request, *args, **kwargs) if scope is not None else None
                more = list(depends(request, *args, **kwargs)) if depends is not None else []
                key = _key(request, name, None if ids is None else set(ids), more)
                entry = cache.get(key)
            except Exception:
                log.warning("page cache unavailable: %s rendered", name, exc_info=True)
                return view(request, *args, **kwargs)
            if entry is not None:
                return _serve(request, entry)
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if _storable(response, request):
                body = _CSRF.sub(rb"\1" + _CSRF_HOLE + rb"\2", response.content)
                cache.set(key, (response["Content-Type"], body), _seconds())
            return response

        wrapper.page_cached = True  # type: ignore[attr-defined]
        return wrapper

    return decorator


# --- Scopes the apps' urls.py use ----------------------------------------------------------


def municipality_by_number(request: HttpRequest, number: str, **kwargs: Any) -> set[int] | None:
    from .models import Municipality

    key = f"pc:mnum:{number}"
    pk = cache.get(key)
    if pk is None:
        pk = Municipality.objects.filter(number=number).values_list("pk", flat=True).first()
        if pk is None:
            return None  # the view answers 404; nothing is stored
        cache.set(key, pk, None)
    return {int(pk)}


def of_object(model_path: str) -> Scope:
    """A scope for `<int:pk>` pages: the municipalities of that row ("app.Model")."""
    from django.apps import apps

    def scope(request: HttpRequest, pk: int, **kwargs: Any) -> set[int] | None:
        return object_scope(apps.get_model(model_path), pk)

    return scope


def principal_scope(request: HttpRequest, *args: Any, **kwargs: Any) -> set[int] | None:
    """The municipalities a user's own pages (home, my tasks) read: those their principal
    reads and those of the councils and levels they sit on (None for a national reader or
    per-object grants: any). Cached per principal under the global and reference versions
    (a new municipality in a district, a council's municipalities changing)."""
    from . import access, policy

    user: Any = request.user
    principal = policy.for_user(user)
    if principal.national_admin or principal.grants or user.is_superuser:
        return None
    versions = _versions([GLOBAL, REPORTS])
    key = f"pc:pscope:{fingerprint(principal, user)}:{':'.join(versions)}"
    found = cache.get(key)
    if found is not None:
        return None if found == "*" else set(found)
    ids: set[int] | None = set(access.municipalities(user).values_list("pk", flat=True))
    for kind, seats in principal.seats.items():
        model = _seat_model(kind)
        for pk in seats:
            sub = object_scope(model, pk) if model is not None else None
            if sub is None or ids is None:
                ids = None
                break
            ids |= sub
        if ids is None:
            break
    cache.set(key, "*" if ids is None else sorted(ids), _seconds() * 12)
    return ids


def _seat_model(kind: str) -> Any:
    """The model a seat of `kind` is on (the council of a council seat), from the seat
    source the feature app registered (policy.register_seats)."""
    from . import policy

    entry = policy._SEAT_SOURCES.get(kind)
    if entry is None:
        return None
    source, fields = entry
    try:
        model = source(0, timezone.localdate()).model
        return model._meta.get_field(fields[0].removesuffix("_id")).related_model
    except Exception:
        return None


def report_scope(request: HttpRequest, *args: Any, **kwargs: Any) -> set[int] | None:
    """The reports read no municipality's page version: they depend on the findings'
    marks (report_depends). Without the findings cache, on every write (None)."""
    return set() if settings.COMPLIANCE_CACHE_SECONDS else None


def report_depends(request: HttpRequest, *args: Any, **kwargs: Any) -> list[str]:
    """The reports' version (bumped when a refresh finds changed findings or reference data
    is written) and the pending marks of every municipality (a write not yet refreshed)."""
    from . import compliance
    from .models import Municipality

    if not settings.COMPLIANCE_CACHE_SECONDS:
        return []
    version = _versions([REPORTS])[0]
    key = f"pc:mids:{version}"
    ids = cache.get(key)
    if ids is None:
        ids = list(Municipality.objects.order_by("pk").values_list("pk", flat=True))
        cache.set(key, ids, _seconds() * 12)
    return [version, *compliance.pending_marks(ids)]
