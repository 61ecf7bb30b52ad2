"""Template tags shared by every app."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Model

from samarbeid import audit

register = template.Library()


@register.filter
def role_title(title: str | None) -> str:
    """A title of office in the reader's language («Ordfører» → «Mayor»), issue #14."""
    from samarbeid.titles import title_label

    return title_label(title)


@register.filter
def history_summary(event: Any) -> str:
    """An audit summary in the reader's language, with field labels (issue #14)."""
    from samarbeid.audit_display import describe

    return describe(event)


@register.inclusion_tag("includes/history.html")
def object_history(obj: Model, label: str = "", limit: int = 50) -> dict[str, Any]:
    """The audit trail of an object. Only place it on pages whose object the reader may see:
    the page's own access check is the history's access check.

    Downloads are counted, not listed, so they cannot push signings and approvals out of view.
    """
    events = audit.history(obj)
    return {
        "events": list(events.exclude(action="export")[:limit]),
        "exports": events.filter(action="export").count(),
        "label": label,
    }


@register.simple_tag(takes_context=True)
def site_header(context: Any) -> str:
    """The header of every page, from a cached fragment (samarbeid/layout.py, issue #12)."""
    from samarbeid import layout

    return layout.header(context)
