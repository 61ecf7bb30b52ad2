"""Compliance checks of SLT: voluntary status, coordinator, steering meetings — in a fixed
number of queries."""

from __future__ import annotations

import pytest
from django.utils import timezone

from samarbeid import compliance
from samarbeid.compliance import Status
from samarbeid.models import Municipality
from slt import checks, services
from slt.models import LevelKind, SltStatus

from .helpers import slt_model


def test_status_per_municipality(world):
    slt_model(world.stavanger, other_municipalities=[])
    services.slt_model_save(municipality=world.stavanger, status=SltStatus.ESTABLISHED,
                            actor=None, other_municipalities=[world.sandnes])
    services.slt_model_save(municipality=world.bergen, status=SltStatus.NOT_ESTABLISHED,
                            actor=None)
    oslo = Municipality.objects.get(name="Oslo")
    services.slt_model_save(municipality=oslo, status=SltStatus.OTHER_MODEL, actor=None)
    sola = Municipality.objects.get(name="Sola")
    found = checks.evaluate_status(Municipality.objects.filter(
        pk__in=[world.stavanger.pk, world.sandnes.pk, world.bergen.pk, oslo.pk, sola.pk]))
    assert found[world.stavanger.pk].status == Status.OK
    assert found[world.sandnes.pk].status == Status.OK
    assert "Stavanger" in found[world.sandnes.pk].detail
    assert found[world.bergen.pk].status == Status.DECLINED
    assert found[oslo.pk].status == Status.NOT_APPLICABLE
    assert sola.pk not in found  # not recorded: the core shows NOT_APPLICABLE


def test_coordinator_and_steering_meeting(world):
    model = slt_model(world.stavanger)
    ids = Municipality.objects.filter(pk__in=[world.stavanger.pk, world.sandnes.pk])
    assert checks.evaluate_coordinator(ids)[world.stavanger.pk].status == Status.FAIL
    assert checks.evaluate_steering_meeting(ids)[world.stavanger.pk].status == Status.WARN
    services.slt_model_save(municipality=world.stavanger, status=SltStatus.ESTABLISHED,
                            actor=None, coordinator=world.leader)
    services.level_meeting_add(level=model.levels.get(kind=LevelKind.STEERING),
                               date=timezone.localdate(), notes="", actor=None)
    assert checks.evaluate_coordinator(ids)[world.stavanger.pk].status == Status.OK
    assert checks.evaluate_steering_meeting(ids)[world.stavanger.pk].status == Status.OK
    services.slt_model_save(municipality=world.sandnes, status=SltStatus.NOT_ESTABLISHED,
                            actor=None)
    assert world.sandnes.pk not in checks.evaluate_coordinator(ids)  # voluntary: not a fault


def test_last_years_meeting_does_not_count(world):
    model = slt_model(world.stavanger)
    last_year = timezone.localdate().replace(year=timezone.localdate().year - 1)
    services.level_meeting_add(level=model.levels.get(kind=LevelKind.STEERING), date=last_year,
                               notes="", actor=None)
    services.level_meeting_add(level=model.levels.get(kind=LevelKind.EXECUTING),
                               date=timezone.localdate(), notes="", actor=None)
    qs = Municipality.objects.filter(pk=world.stavanger.pk)
    assert checks.evaluate_steering_meeting(qs)[world.stavanger.pk].status == Status.WARN


@pytest.mark.parametrize("code", ["slt_status", "slt_coordinator", "slt_steering_meeting"])
def test_checks_use_a_fixed_number_of_queries(world, code, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    check = compliance.get(code)
    slt_model(world.stavanger)
    with CaptureQueriesContext(connection) as few:
        check.evaluate(Municipality.objects.filter(name__in=["Stavanger", "Sandnes"]))
    for m in Municipality.objects.filter(police_district=world.stavanger.police_district)[:40]:
        slt_model(m)
    with CaptureQueriesContext(connection) as many:
        result = check.evaluate(Municipality.objects.all())
    assert len(few.captured_queries) == len(many.captured_queries) <= 2
    assert len(result) >= 20
