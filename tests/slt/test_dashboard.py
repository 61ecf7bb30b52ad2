"""The coordinator's dashboard: counts by level and status, overdue first, and what changed
since the previous visit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from samarbeid.models import Role
from slt import services
from slt.models import DashboardVisit, LevelKind
from tests.factories import user_with_role

from .helpers import measure, slt_model


@pytest.fixture
def coordinator(world):
    return user_with_role(Role.SLT_COORDINATOR, username="siri", municipality=world.stavanger)


def test_counts_and_overdue_first(world, client, coordinator):
    model = slt_model(world.stavanger, coordinator=coordinator)
    measure(model, title="Senere frist", days_left=40)
    measure(model, title="For sent", days_left=-5, kind=LevelKind.COORDINATING)
    measure(model, title="Ferdig", status="completed", kind=LevelKind.STEERING)
    measure(slt_model(world.bergen), title="Bergen-tiltak")  # not the coordinator's
    client.force_login(coordinator)
    html = client.get(reverse("slt:dashboard")).content.decode()
    assert html.index("For sent") < html.index("Senere frist")
    assert "Ferdig" not in html.split("Åpne tiltak, forsinkede først")[1]  # completed: not open
    assert "Bergen-tiltak" not in html
    assert "1 tiltak er over fristen." in html
    board_rows = html.split("Antall tiltak etter nivå og status")[1]
    assert "Styringsnivå" in board_rows


def test_what_changed_since_the_last_visit(world, client, coordinator):
    model = slt_model(world.stavanger, coordinator=coordinator)
    old = measure(model, title="Uendret tiltak")
    client.force_login(coordinator)
    html = client.get(reverse("slt:dashboard")).content.decode()
    assert "Dette er ditt første besøk" in html
    DashboardVisit.objects.filter(user=coordinator).update(
        seen_at=timezone.now() - dt.timedelta(minutes=5))
    type(old).objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    changed = measure(model, title="Nytt tiltak")
    services.measure_add_update(measure=changed, text="Politiet deltok", actor=world.police)
    html = client.get(reverse("slt:dashboard")).content.decode()
    section = html.split("Endret siden forrige besøk")[1].split("Tiltak etter nivå")[0]
    assert "Nytt tiltak" in section and "Politiet deltok" in section
    assert "Uendret tiltak" not in section
    html = client.get(reverse("slt:dashboard")).content.decode()
    assert "Ingenting er endret siden forrige besøk" in html


def test_dashboard_filters_by_municipality(world, client):
    slt_model(world.stavanger)
    measure(slt_model(world.stavanger), title="I Stavanger")
    measure(slt_model(world.sandnes), title="I Sandnes")
    client.force_login(world.admin)
    html = client.get(reverse("slt:dashboard"), {"municipality": world.sandnes.number}).content.decode()
    assert "I Sandnes" in html and "I Stavanger" not in html


def test_dashboard_query_budget(world, client, django_assert_num_queries, coordinator):
    model = slt_model(world.stavanger, coordinator=coordinator)
    measure(model)
    client.force_login(coordinator)
    client.get(reverse("slt:dashboard"))
    from django.db import connection

    # PostgreSQL marks the visit with one upsert; other databases read, then write. The
    # principal and the session come from the cache (the first visit built them).
    with django_assert_num_queries(6 if connection.vendor == "postgresql" else 7):
        client.get(reverse("slt:dashboard"))
