"""Audit trail: who did what to which object, when (UTC).

Never pass passwords or tokens in `summary`: it is stored and shown to readers.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from .client_ip import client_ip
from .models import AuditEvent

logger = logging.getLogger("samarbeid.audit")

# The request being handled, so services deep down can record the client's address.
_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "audit_request", default=None)


class AuditRequestMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def record(*, actor: Any, action: str, obj: Model, summary: str = "",
           request: HttpRequest | None = None) -> AuditEvent:
    request = request if request is not None else _current_request.get()
    ip = client_ip(request) if request is not None else None
    known = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    event = AuditEvent.objects.create(
        actor=known,
        actor_ref=known.pk if known is not None else None,
        actor_name=((known.get_full_name() or known.get_username()) if known is not None
                    else "")[:300],
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        summary=summary[:300],
        ip_address=ip,
    )
    logger.info("audit %s %s#%s by %s", action, event.object_type, event.object_id,
                getattr(actor, "pk", None))
    # The object's history shows on its pages: those that show trails of its kind are made
    # cold where the object is (the write itself bumped its own table: samarbeid/pagecache.py).
    from . import compliance, pagecache

    pagecache.bump(compliance.municipalities_of(obj), (), tables=[trail_of(obj)])
    return event


def record_account(*, user: Any, action: str, request: HttpRequest | None = None,
                   summary: str = "") -> AuditEvent | None:
    """Login, logout, failed login, password change, calendar-address rotation: on the
    account itself. A failed login has no account to name (the typed user name may be a
    password typed in the wrong field), so it is recorded with its address only."""
    from django.contrib.auth import get_user_model

    if user is None:
        return AuditEvent.objects.create(
            action=action, object_type=get_user_model()._meta.label_lower, object_id="-",
            summary=summary[:300],
            ip_address=client_ip(request) if request is not None else None)
    return record(actor=user, action=action, obj=user, summary=summary, request=request)


def trail_of(obj: Model) -> str:
    """The page-cache dependency of the trails of `obj`'s kind (samarbeid/pagecache.py)."""
    return f"audit:{obj._meta.label_lower}"


def history(obj: Model) -> QuerySet[AuditEvent]:
    """An object's history; callers show it only to those who may see the object."""
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")
