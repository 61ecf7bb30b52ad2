"""Query budgets: SLT pages that list rows use the same number of queries for 2 and 50 rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from slt import services
from slt.models import LevelKind

from .helpers import measure, slt_model, warm


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _add_plans(model, start, n):
    for year in range(start, start + n):
        plan = services.action_plan_create(slt_model=model, year=year, actor=None)
        measure(model, action_plan=plan, title=f"Tiltak {year}")


def _add_members(model, start, n):
    for i in range(start, start + n):
        for kind in LevelKind.values:
            services.level_member_add(level=model.levels.get(kind=kind), actor=None,
                                      name=f"Person {i}", organisation="Skolen")
            services.level_meeting_add(level=model.levels.get(kind=kind), actor=None,
                                       date=timezone.localdate() - dt.timedelta(days=i), notes="")


def _add_updates(m, start, n):
    for i in range(start, start + n):
        services.measure_add_update(measure=m, text=f"Oppdatering {i}", actor=None)


@pytest.mark.parametrize("which", ["plans", "level", "overview", "measure", "plan_detail"])
def test_same_queries_for_2_and_50_rows(world, client, which):
    model = slt_model(world.stavanger)
    m = measure(model, title="Med oppdateringer")
    plan = services.action_plan_create(slt_model=model, year=2099, actor=None)
    number = world.stavanger.number
    url, grow = {
        "plans": (reverse("slt:action_plan_list", args=[number]),
                  lambda s, n: _add_plans(model, 2000 + s, n)),
        "level": (reverse("slt:level_detail", args=[number, "executing"]),
                  lambda s, n: _add_members(model, s, n)),
        "overview": (reverse("slt:overview", args=[number]),
                     lambda s, n: _add_members(model, s, n)),
        "measure": (reverse("slt:measure_detail", args=[m.pk]),
                    lambda s, n: _add_updates(m, s, n)),
        "plan_detail": (reverse("slt:action_plan_detail", args=[plan.pk]),
                        lambda s, n: [measure(model, action_plan=plan, title=f"P{i}")
                                      for i in range(s, s + n)]),
    }[which]
    client.force_login(world.leader)
    warm(client)
    grow(0, 2)
    few = _count(client, url)
    grow(2, 48)
    assert _count(client, url) == few


def test_measure_detail_query_budget(world, client, django_assert_num_queries):
    m = measure(slt_model(world.stavanger))
    services.measure_add_update(measure=m, text="Startet", actor=world.leader)
    client.force_login(world.leader)
    warm(client)
    # User, the measure, its updates; its audit history with the count of exports on its
    # rows (issue 7 §3, issue #12). The principal and the session come from the cache.
    with django_assert_num_queries(3):
        client.get(reverse("slt:measure_detail", args=[m.pk]))


def test_action_plan_list_query_budget(world, client, django_assert_num_queries):
    services.action_plan_create(slt_model=slt_model(world.stavanger), year=2026, actor=None)
    client.force_login(world.leader)
    warm(client)
    # User, municipality, model, count and page of plans (principal, session from the cache).
    with django_assert_num_queries(4):
        client.get(reverse("slt:action_plan_list", args=[world.stavanger.number]))
