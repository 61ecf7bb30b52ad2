"""Query budgets of the SLT dashboard (issue 7 §1: a fixed number of queries per page, the same
at 2 and 50 measures). The dashboard takes its overdue count and its pagination count from the
one GROUP BY, and marks the visit in one upsert."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from slt.models import DashboardVisit
from tests.slt.helpers import measure, slt_model, warm

pytestmark = pytest.mark.django_db

# user, models, visit, counts, open page, changed, new progress; marking the visit is one
# upsert on PostgreSQL, a read and a write elsewhere (the embedded SQLite). The principal and
# the session come from the cache: the first visit of the day builds it (two more queries).
BUDGET = 6 if connection.vendor == "postgresql" else 7


def _get(client: Any, url: str, **params: Any) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
        assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_dashboard_keeps_its_budget_from_2_to_50_measures_and_pages_right(
        client: Any, world: Any) -> None:
    model = slt_model(world.stavanger)
    url = reverse("slt:dashboard")
    client.force_login(world.leader)
    warm(client)  # the first request of the session builds the principal, stamps the session
    first, html = _get(client, url)
    assert first <= BUDGET and DashboardVisit.objects.filter(user=world.leader).count() == 1
    for i in range(2):
        measure(model, title=f"Tiltak {i}")
    few, _html = _get(client, url)
    assert few == BUDGET
    for i in range(48):
        measure(model, title=f"Mer {i:02}", days_left=-1 if i % 4 == 0 else 10)
    measure(model, title="Ferdig", status="completed")
    many, html = _get(client, url)
    assert many == BUDGET
    # The count the paginator was given is the real number of open measures (50 of 51).
    assert "Side 1 av 2" in html
    assert "12 tiltak er over fristen." in html
    on_page_2, html2 = _get(client, url, page=2)
    assert on_page_2 == BUDGET
    rows = re.findall(r'<td><a href="/slt/tiltak/\d+/">([^<]+)</a></td>', html2)
    assert len(rows) == 50 - 25 and "Ferdig" not in rows
    filtered, _html = _get(client, url, municipality=world.stavanger.number)
    assert filtered == BUDGET
    assert DashboardVisit.objects.filter(user=world.leader).count() == 1
