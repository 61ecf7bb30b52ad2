"""Audit trail: who did what to which object, when (UTC).

Never pass passwords or tokens in `summary`: it is stored and shown to readers.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.db.models import Model, QuerySet

from .models import AuditEvent

if TYPE_CHECKING:
    from django.http import HttpRequest

logger = logging.getLogger("samarbeid.audit")


def record(*, actor: Any, action: str, obj: Model, summary: str = "",
           request: HttpRequest | None = None) -> AuditEvent:
    ip = request.META.get("REMOTE_ADDR") if request is not None else None
    event = AuditEvent.objects.create(
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        summary=summary[:300],
        ip_address=ip,
    )
    logger.info("audit %s %s#%s by %s", action, event.object_type, event.object_id,
                getattr(actor, "pk", None))
    return event


def history(obj: Model) -> QuerySet[AuditEvent]:
    """An object's history; callers show it only to those who may see the object."""
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")
