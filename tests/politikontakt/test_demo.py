"""The demo adopts the demo police contact's memberships into assignments, idempotently."""

from __future__ import annotations

from typing import Any

import pytest

from politikontakt.models import Assignment, PreventiveFunction
from samarbeid import demo

pytestmark = pytest.mark.django_db


def test_demo_builder_is_idempotent(db: Any) -> None:
    demo.build()
    demo.build()
    rows = Assignment.objects.filter(contact__username="politikontakt.sorvest")
    assert sorted(rows.values_list("municipality__name", flat=True)) == ["Sandnes", "Sola",
                                                                         "Stavanger"]
    assert all(a.mandate and a.membership_id for a in rows)
    assert sum(a.share_of_position for a in rows) == 100
    assert PreventiveFunction.objects.filter(kind="radicalisation_contact").count() == 1
