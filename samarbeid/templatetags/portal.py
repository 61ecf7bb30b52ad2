"""Template tags shared by every app."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Model

from samarbeid import audit

register = template.Library()


@register.inclusion_tag("includes/history.html")
def object_history(obj: Model, limit: int = 20) -> dict[str, Any]:
    """The audit trail of an object. Only place it on pages whose object the reader may see:
    the page's own access check is the history's access check."""
    return {"events": list(audit.history(obj)[:limit])}
