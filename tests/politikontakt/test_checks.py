"""Compliance checks of Veileder §5, evaluated in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from politikontakt import services
from politikontakt.models import DirectorateApproval
from samarbeid import compliance
from samarbeid.compliance import Status
from samarbeid.models import Municipality
from tests.factories import UserFactory

from .conftest import assign

pytestmark = pytest.mark.django_db
CODES = ["police_contact_assigned", "police_contact_rule_of_three", "police_contact_mandate"]


def _status(municipality: Any, code: str) -> Status:
    found = compliance.evaluate(Municipality.objects.filter(pk=municipality.pk), [code])
    return found[municipality.pk][code].status


def test_municipality_without_contact_fails_and_with_one_passes(officer: Any, places: Any) -> None:
    sola = places["Sola"]
    assert _status(sola, "police_contact_assigned") == Status.FAIL
    a = assign(officer, sola)
    assert _status(sola, "police_contact_assigned") == Status.OK
    services.assignment_end(assignment=a)
    assert _status(sola, "police_contact_assigned") == Status.FAIL


def test_missing_mandate_warns(officer: Any, places: Any) -> None:
    a = assign(officer, places["Sola"], mandate="")
    assert _status(places["Sola"], "police_contact_mandate") == Status.WARN
    services.assignment_change(assignment=a, share_of_position=20, mandate="Skrevet ned")
    assert _status(places["Sola"], "police_contact_mandate") == Status.OK
    assert _status(places["Sandnes"], "police_contact_mandate") == Status.NOT_APPLICABLE


def test_expired_approval_flags_every_municipality_of_the_contact(
        officer: Any, places: Any, sorvest: Any, national_admin: Any) -> None:
    for name in ["Stavanger", "Sandnes", "Sola"]:
        assign(officer, places[name])
    approval = services.approval_request(contact=officer, police_district=sorvest, reason="r",
                                         max_municipalities=4)
    services.approval_decide(approval=approval, approve=True, actor=national_admin)
    assign(officer, places["Randaberg"])
    assert _status(places["Sola"], "police_contact_rule_of_three") == Status.OK
    DirectorateApproval.objects.filter(pk=approval.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1))
    for name in ["Stavanger", "Sandnes", "Sola", "Randaberg"]:
        assert _status(places[name], "police_contact_rule_of_three") == Status.FAIL
    assert _status(places["Strand"], "police_contact_rule_of_three") == Status.NOT_APPLICABLE


def test_checks_run_in_a_fixed_number_of_queries(db: Any) -> None:
    municipalities = list(Municipality.objects.order_by("number")[:50])
    for m in municipalities:
        services.assignment_create(contact=UserFactory(), municipality=m, share_of_position=50)

    def count(n: int) -> int:
        qs = Municipality.objects.filter(pk__in=[m.pk for m in municipalities[:n]])
        with CaptureQueriesContext(connection) as ctx:
            compliance.evaluate(qs, CODES)
        return len(ctx.captured_queries)

    assert count(2) == count(50)
