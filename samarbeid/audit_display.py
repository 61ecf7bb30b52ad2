"""The audit trail read by people: summaries are stored as stable English codes
("starts_at, place", "agenda item 3 added", "access=exempt") so they can be searched and
never change with the language; this module turns them into the reader's language with the
model's own field labels and choice labels (issue #14)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def _model(object_type: str) -> type[Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


# The forms people change an object with, by model ("app_label.model"): the history names a
# field by the label the user saw on the form. The apps register them (the core knows no
# feature app); the model's verbose name is the fallback.
_FORMS: dict[str, list[type[Any]]] = {}


def register_form(model_label: str, form_class: type[Any]) -> None:
    forms = _FORMS.setdefault(model_label.lower(), [])
    if form_class not in forms:
        forms.append(form_class)


def _form_label(model: type[Model], name: str) -> str | None:
    for form_class in _FORMS.get(model._meta.label_lower, []):
        field = form_class.base_fields.get(name)
        if field is not None and field.label:
            return str(field.label)
    return None


def _label(model: type[Model] | None, name: str) -> str | None:
    if model is None:
        return None
    label = _form_label(model, name)
    if label is not None:
        return label
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return str(getattr(field, "verbose_name", name))


def _value(model: type[Model] | None, name: str, value: str) -> str:
    if model is not None:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return value
        choices = dict(getattr(field, "flatchoices", None) or [])
        if value in choices:
            return str(choices[value])
    return value


# Short names some services write for a field.
ALIASES = {"access": "access_level"}


def _token(model: type[Model] | None, token: str) -> str:
    """One part of a summary: a field name, "field=value" or anything else (kept)."""
    token = token.strip()
    if "=" in token:
        name, _sep, value = token.partition("=")
        name = ALIASES.get(name, name)
        label = _label(model, name)
        if label is not None:
            return f"{label}: {_value(model, name, value)}"
        return token
    label = _label(model, token)
    if label is not None:
        return label
    return _value_anywhere(model, token)


def _value_anywhere(model: type[Model] | None, token: str) -> str:
    """A bare code ("adopted", "police") that is a choice of one of the model's fields."""
    if model is None:
        return token
    for field in model._meta.get_fields():
        choices = dict(getattr(field, "flatchoices", None) or [])
        if token in choices:
            return str(choices[token])
    return token


def _fields(model: type[Model] | None, text: str) -> str:
    return ", ".join(_token(model, t) for t in text.split(","))


def _item_model() -> type[Model] | None:
    return _model("politirad.agendaitem")


Rule = tuple[re.Pattern[str], Callable[[re.Match[str], type[Model] | None], str]]
RULES: list[Rule] = [
    (re.compile(r"^no change$"), lambda m, model: _("no change")),
    (re.compile(r"^agenda item (\d+) added$"),
     lambda m, model: _("agenda item %(n)s added") % {"n": m[1]}),
    (re.compile(r"^agenda item (\d+) removed$"),
     lambda m, model: _("agenda item %(n)s removed") % {"n": m[1]}),
    (re.compile(r"^agenda item (\d+) moved to (\d+)$"),
     lambda m, model: _("agenda item %(n)s moved to %(to)s") % {"n": m[1], "to": m[2]}),
    (re.compile(r"^agenda item (\d+): (.+)$"),
     lambda m, model: _("agenda item %(n)s: %(fields)s") % {
         "n": m[1], "fields": _fields(_item_model(), m[2])}),
    (re.compile(r"^agenda v(\d+) for (\d+) members$"),
     lambda m, model: _("agenda (version %(v)s) to %(n)s members") % {"v": m[1], "n": m[2]}),
    (re.compile(r"^agenda(?: v(\d+))? to (\d+) of (\d+) members$"),
     lambda m, model: _("agenda to %(n)s of %(total)s members") % {"n": m[2], "total": m[3]}),
    (re.compile(r"^attendance for (\d+) members$"),
     lambda m, model: _("attendance for %(n)s members") % {"n": m[1]}),
    (re.compile(r"^item (\d+), (.+)$"),
     lambda m, model: _("item %(n)s, %(fields)s") % {"n": m[1], "fields": _fields(model, m[2])}),
    (re.compile(r"^item (\d+): (.+)$"),
     lambda m, model: _("item %(n)s: %(fields)s") % {"n": m[1], "fields": _fields(model, m[2])}),
    (re.compile(r"^status (\w+)->(\w+)$"),
     lambda m, model: _("status %(old)s → %(new)s") % {
         "old": _value(model, "status", m[1]), "new": _value(model, "status", m[2])}),
    (re.compile(r"^task #(\d+) added$"), lambda m, model: _("task added")),
    (re.compile(r"^measure #(\d+) added$"), lambda m, model: _("measure added")),
]

WHEN = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def describe(event: Any) -> str:
    """The summary of an AuditEvent in the reader's language."""
    summary = (event.summary or "").strip()
    if not summary:
        return ""
    model = _model(event.object_type)
    if WHEN.fullmatch(summary):  # a meeting's time, stored as "2026-12-01 10:00" (local)
        when = dt.datetime.strptime(summary, "%Y-%m-%d %H:%M").replace(
            tzinfo=timezone.get_current_timezone())
        return date_format(when, "SHORT_DATETIME_FORMAT")
    for pattern, render in RULES:
        match = pattern.match(summary)
        if match:
            return render(match, model)
    if re.fullmatch(r"[a-z_]+(=[\w.-]+)?(, ?[a-z_]+(=[\w.-]+)?)*", summary):
        return _fields(model, summary)
    return summary
