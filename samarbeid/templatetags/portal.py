"""Template tags shared by every app."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Case, Count, IntegerField, Model, Subquery, Value, When
from django.db.models.functions import Coalesce

from samarbeid import audit

register = template.Library()


@register.filter
def role_title(title: str | None) -> str:
    """A title of office in the reader's language («Ordfører» → «Mayor»), issue #14."""
    from samarbeid.titles import title_label

    return title_label(title)


# Formatted dates kept per value, format and language (issue #12: Django's `date` filter
# costs ~50 µs a value, most of it translating month names; a home page or a follow-up list
# formats 30–60 of them, mostly the same few days).
_DATES: dict[tuple[Any, ...], str] = {}
_DATES_MAX = 20000


@register.filter(expects_localtime=True)
def day(value: Any, arg: str | None = None) -> str:
    """`value|date:arg`, formatted once per value, format and language."""
    from django.template.defaultfilters import date
    from django.utils.translation import get_language

    if value in (None, ""):
        return ""
    key = (type(value), value, getattr(value, "tzinfo", None), arg, get_language())
    try:
        found = _DATES.get(key)
    except TypeError:  # not hashable: as Django formats it
        return str(date(value, arg))
    if found is None:
        found = str(date(value, arg))
        if len(_DATES) >= _DATES_MAX:
            _DATES.clear()
        _DATES[key] = found
    return found


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
    from samarbeid import pagecache

    events = audit.history(obj)
    exports = events.filter(action="export").order_by().values("object_id").annotate(
        n=Count("pk")).values("n")
    # One query: the changes first, then (to fill up to `limit`) downloads, each row with the
    # count of downloads (a subquery run once). No row at all: no history, no downloads.
    # A cached page holding this trail depends on the trails of this kind of object, not
    # on every audit record (audit.record bumps that: a comment on a task leaves the
    # meeting's page as it was).
    with pagecache.reads_cached(audit.trail_of(obj)):
        rows = list(events.annotate(
            is_export=Case(When(action="export", then=Value(1)), default=Value(0),
                           output_field=IntegerField()),
            exports=Coalesce(Subquery(exports, output_field=IntegerField()), Value(0)),
        ).order_by("is_export", "-at", "-pk")[:limit])
    return {
        "events": [e for e in rows if not e.is_export],  # type: ignore[attr-defined]
        "exports": rows[0].exports if rows else 0,  # type: ignore[attr-defined]
        "label": label,
    }


@register.simple_tag(takes_context=True)
def site_header(context: Any) -> str:
    """The header of every page, from a cached fragment (samarbeid/layout.py, issue #12)."""
    from samarbeid import layout

    return layout.header(context)


# A filter form's field as crispy renders it, per what its HTML depends on. Crispy renders
# a field through four templates (~2 ms a field; the agreement register's four filters were
# half its build, issue #12) although a filter form's field looks the same for every reader
# who sent the same value: its choices (reference data, read on every request, so a
# changed list is a new key at once), value, language and id are the key. Bounded: a
# search box's typed text makes new keys.
_FILTER_FIELDS: dict[tuple[Any, ...], Any] = {}
_FILTER_FIELDS_MAX = 2000


@register.filter
def as_filter_field(field: Any) -> Any:
    """`field|as_crispy_field` for a field of a GET filter form (no errors: rendered as is)."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
    from django.utils.translation import get_language

    if field.errors:
        return as_crispy_field(field)
    form, widget = field.form, field.field.widget
    choices = getattr(field.field, "choices", None)
    key = (get_language(), type(form).__module__, type(form).__qualname__, field.html_name,
           field.auto_id, form.is_bound, repr(field.value()), str(field.label),
           str(field.help_text), field.field.required, field.field.disabled,
           tuple(sorted((k, str(v)) for k, v in widget.attrs.items())),
           None if choices is None else tuple((str(k), str(v)) for k, v in choices))
    found = _FILTER_FIELDS.get(key)
    if found is None:
        found = as_crispy_field(field)
        if len(_FILTER_FIELDS) >= _FILTER_FIELDS_MAX:
            _FILTER_FIELDS.clear()
        _FILTER_FIELDS[key] = found
    return found


class _FragmentNode(template.Node):
    def __init__(self, name: str, vary: list[Any], nodelist: Any, target: str | None) -> None:
        self.name, self.vary, self.nodelist, self.target = name, vary, nodelist, target

    def render(self, context: Any) -> str:
        from django.utils.safestring import mark_safe

        from samarbeid import pagecache

        request = context.get("request")
        if request is None:
            html = str(self.nodelist.render(context))
        else:
            origin = getattr(self.origin, "template_name", "") or ""
            html = pagecache.cached_fragment(
                f"{origin}:{self.name}", request, lambda: str(self.nodelist.render(context)),
                extra=[str(v.resolve(context)) for v in self.vary])
        if self.target is not None:
            context[self.target] = mark_safe(html)  # noqa: S308 -- rendered by the template
            return ""
        return mark_safe(html)  # noqa: S308 -- rendered by the template


@register.tag
def cached_fragment(parser: Any, token: Any) -> _FragmentNode:
    """`{% cached_fragment "tasks" [value …] %}…{% endcached_fragment %}`: a part of a cached
    page built again only when what it reads changes (issue #12): a task's new status
    rebuilds the council page's open tasks, not its meetings and members. Keep querysets
    lazy in the view, so the fragment's queries run inside it; `value`s are further keys
    (the path, query, reader and what the page read before the fragment are keys already).
    `… as name %}` renders nothing and puts the HTML in `name`, for a page that shows
    something else when the fragment is empty (without reading the fragment's rows itself)."""
    bits = token.split_contents()
    target = None
    if len(bits) >= 4 and bits[-2] == "as":
        target, bits = bits[-1], bits[:-2]
    if len(bits) < 2:
        raise template.TemplateSyntaxError("cached_fragment needs a name")
    name = bits[1].strip("\"'")
    vary = [parser.compile_filter(bit) for bit in bits[2:]]
    nodelist = parser.parse(("endcached_fragment",))
    parser.delete_first_token()
    return _FragmentNode(name, vary, nodelist, target)


# Rendered rows of long lists, kept in the process per everything the row shows (issue #12:
# a council's 60 open tasks cost more to render than to read). The key is the row's own
# values, so a row can never be shown stale or to the wrong reader: list every value the
# row's template uses.
_ROWS: dict[tuple[Any, ...], str] = {}
_ROWS_MAX = 20000


class _RowNode(template.Node):
    def __init__(self, values: list[Any], nodelist: Any) -> None:
        self.values, self.nodelist = values, nodelist

    def render(self, context: Any) -> str:
        from django.utils import timezone
        from django.utils.safestring import mark_safe
        from django.utils.translation import get_language

        # The language and the day once per template render, not once per row.
        env = context.render_context.get(_RowNode)
        if env is None:
            env = context.render_context[_RowNode] = (get_language(), timezone.localdate())
        key = (id(self), *env, *(v.resolve(context) for v in self.values))
        try:
            found = _ROWS.get(key)
        except TypeError:  # a value that does not hash: rendered each time
            return str(self.nodelist.render(context))
        if found is None:
            found = str(self.nodelist.render(context))
            if len(_ROWS) >= _ROWS_MAX:
                _ROWS.clear()
            _ROWS[key] = found
        return mark_safe(found)  # noqa: S308 -- rendered (escaped) by the template


@register.tag
def cached_row(parser: Any, token: Any) -> _RowNode:
    """`{% cached_row t.pk t.title … %}<tr>…</tr>{% endcached_row %}`: the row rendered once
    per language, day and the values named (which must be every value the row shows), or
    `{% cached_row t %}` for a frozen row object that holds them all (selectors' TaskRow)."""
    values = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    if not values:
        raise template.TemplateSyntaxError("cached_row needs the values the row shows")
    nodelist = parser.parse(("endcached_row",))
    parser.delete_first_token()
    return _RowNode(values, nodelist)
