"""Two assignments made at the same moment cannot both slip past the rule of three
(Veileder §5, footnote 15): the service locks the contact's row. Needs PostgreSQL: SQLite
serialises all writers anyway."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest
from django.db import connection, connections

from politikontakt import services
from politikontakt.models import Assignment
from samarbeid import reference_data
from samarbeid.models import Municipality, OperationalUnit, PoliceDistrict, Role
from tests.factories import user_with_role

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _race(monkeypatch: Any, *, lock: bool) -> list[str]:
    reference_data.load()
    district = PoliceDistrict.objects.get(name="Sør-Vest")
    unit = OperationalUnit.objects.create(police_district=district, name="Race unit")
    officer = user_with_role(Role.POLICE_LEADERSHIP, username="racer", operational_unit=unit)
    places = {m.name: m for m in Municipality.objects.filter(
        police_district=district, name__in=["Stavanger", "Sandnes", "Sola", "Randaberg"])}
    for name in ["Stavanger", "Sandnes"]:
        services.assignment_create(contact=officer, municipality=places[name],
                                   share_of_position=20)

    counted = services.served_municipality_ids
    # Both workers count before either inserts, however loaded the machine is: they meet at
    # this barrier after counting. With the lock the second worker cannot count before the
    # first commits, so the first stops waiting after a while and goes on alone.
    counted_both = threading.Barrier(2, timeout=3 if lock else 30)

    def slow_count(**kwargs: Any) -> set[int]:
        result = counted(**kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            counted_both.wait()
        return result

    monkeypatch.setattr(services, "served_municipality_ids", slow_count)
    if not lock:
        monkeypatch.setattr(services, "_lock_contact", lambda contact: None)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def worker(name: str) -> None:
        try:
            barrier.wait()
            services.assignment_create(contact=officer, municipality=places[name],
                                       share_of_position=20)
            outcomes.append("ok")
        except services.RuleOfThreeError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in ["Sola", "Randaberg"]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return sorted(outcomes)


def test_two_assignments_at_once_cannot_both_pass_the_rule(monkeypatch: Any) -> None:
    assert _race(monkeypatch, lock=True) == ["ok", "refused"]
    assert Assignment.objects.current_or_planned().filter(contact__username="racer").count() == 3


def test_without_the_lock_the_race_is_real(monkeypatch: Any) -> None:
    """Shows that the test above can fail: without the row lock both slip through."""
    assert _race(monkeypatch, lock=False) == ["ok", "ok"]
    assert Assignment.objects.current_or_planned().filter(contact__username="racer").count() == 4
