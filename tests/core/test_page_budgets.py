"""The key pages are built in a fixed, small number of queries (issue #12: at most 10 per
page on the first request after a write, the same for a small and a national dataset).
The page cache is off here: these count the build, which is what a cold request pays (the
compliance findings are read back from their cache, as a worker refreshed them after the
write)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.politirad import helpers

BUDGET = 10


def _count(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx)


@pytest.fixture
def pages(world: Any, settings: Any) -> dict[str, str]:
    settings.PAGE_CACHE_SECONDS = 0
    settings.COMPLIANCE_CACHE_SECONDS = 600
    meeting = helpers.make_minutes(world, state="draft")
    helpers.make_meeting(world, meeting.council, days=2)  # an upcoming meeting, agenda due
    return {
        "home": reverse("home"),
        "municipality": reverse("municipality_detail", args=[world.stavanger.number]),
        "council": reverse("politirad:council_detail", args=[meeting.council_id]),
        "meeting": reverse("politirad:meeting_detail", args=[meeting.pk]),
        "my tasks": reverse("politirad:my_tasks"),
        "agreements": reverse("avtaler:register"),
    }


@pytest.mark.parametrize("role", ["leader", "police", "chief", "admin"])
def test_key_pages_are_built_within_the_budget(world: Any, client: Any, pages: dict[str, str],
                                               role: str) -> None:
    client.force_login(world.user(role))
    shown = {name: path for name, path in pages.items()
             if role in ("leader", "police") or name in ("home", "agreements")}
    for path in shown.values():  # the session, the principal and the findings, as later
        client.get(path)
    counts = {name: _count(client, path) for name, path in shown.items()}
    assert all(n <= BUDGET for n in counts.values()), counts
