"""The yardstick: a bare Django view rendering 20 rows from a table, served by the same
gunicorn in the same run, so the portal's pages are reported as a ratio to it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from samarbeid.models import Municipality

_TEMPLATE = engines["django"].from_string(
    "<!DOCTYPE html><html lang='nb'><head><title>bare</title></head><body><table>"
    "{% for m in rows %}<tr><td>{{ m.number }}</td><td>{{ m.name }}</td>"
    "<td>{{ m.population }}</td></tr>{% endfor %}</table></body></html>"
)
_LAYOUT = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}layout{% endblock %}'
    "{% block content %}<p>layout</p>{% endblock %}")


def bare(request: HttpRequest) -> HttpResponse:
    rows = list(Municipality.objects.order_by("number")[:20])
    return HttpResponse(_TEMPLATE.render({"rows": rows}))


@login_required
def layout(request: HttpRequest) -> HttpResponse:
    """The logged-in layout alone: base.html with no content of its own (target ≤ 2 ms)."""
    return HttpResponse(_LAYOUT.render({}, request))


urlpatterns = [path("bench/bare/", bare, name="bench_bare"),
               path("bench/layout/", layout, name="bench_layout")]
