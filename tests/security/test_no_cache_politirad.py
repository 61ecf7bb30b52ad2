"""Police-council pages hold agendas, minutes and tasks that may be exempt (offl. § 13): no
logged-in page, download or export may be stored by a browser or a shared cache, and neither
may the calendar feed, which is fetched with a token and no login (issue 7 §2)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.politirad.matrix import MATRIX

pytestmark = pytest.mark.django_db

GET_PAGES = sorted(name for name, case in MATRIX.items() if case.method == "get")


def _not_cacheable(response: Any) -> None:
    cache_control = response.get("Cache-Control", "")
    assert "private" in cache_control, cache_control
    assert "no-store" in cache_control or "no-cache" in cache_control, cache_control
    assert "public" not in cache_control


@pytest.mark.parametrize("name", GET_PAGES)
def test_every_politirad_page_is_private_and_not_stored(client: Any, world: Any,
                                                        name: str) -> None:
    url = MATRIX[name].url(world)
    # The archive extract is for administrators: the national administrator opens it.
    client.force_login(world.leader if MATRIX[name].expect["leader"] == 200 else world.admin)
    response = client.get(url)
    assert response.status_code == 200, (name, response.status_code)
    _not_cacheable(response)


def test_calendar_feed_without_login_is_private_and_not_stored(client: Any, world: Any) -> None:
    url = MATRIX["politirad:calendar_feed"].url(world)
    response = client.get(url)  # no session: a calendar program
    assert response.status_code == 200
    _not_cacheable(response)
    assert "no-store" in response["Cache-Control"]
