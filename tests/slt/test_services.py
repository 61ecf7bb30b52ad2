"""Rules of SLT (Veileder §6) held in the services and model guards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from samarbeid.models import AuditEvent, MeasureStatus, Role
from slt import services
from slt.models import LevelKind, SltMeasure, SltModel, SltStatus
from tests.factories import municipality, user_with_role

from .helpers import measure, slt_model


def test_saving_a_model_creates_the_three_levels_once(world):
    model = slt_model(world.stavanger)
    assert sorted(model.levels.values_list("kind", flat=True)) == sorted(LevelKind.values)
    services.slt_model_save(municipality=world.stavanger, status=SltStatus.ESTABLISHED,
                            actor=world.leader, coordinator_title="Kriminalitetsforebyggende koordinator")
    model.refresh_from_db()
    assert model.levels.count() == 3
    assert model.coordinator_title == "Kriminalitetsforebyggende koordinator"
    assert AuditEvent.objects.filter(object_type="slt.sltmodel", action="change").exists()


def test_not_established_is_a_legitimate_state_but_refuses_measures(world):
    model = services.slt_model_save(municipality=world.stavanger,
                                    status=SltStatus.NOT_ESTABLISHED, actor=world.leader)
    assert model.status == SltStatus.NOT_ESTABLISHED
    with pytest.raises(ValidationError, match="ikke etablert"):
        measure(model)
    assert not SltMeasure.objects.exists()


def test_other_model_may_track_measures(world):
    model = services.slt_model_save(municipality=world.stavanger,
                                    status=SltStatus.OTHER_MODEL, actor=world.leader)
    assert measure(model).pk


def test_a_municipality_takes_part_in_one_model_only(world):
    stavanger = slt_model(world.stavanger)
    services.slt_model_save(municipality=world.stavanger, status=SltStatus.ESTABLISHED,
                            actor=None, other_municipalities=[world.sandnes])
    assert list(stavanger.other_municipalities.all()) == [world.sandnes]
    sola = municipality("Sola")
    with pytest.raises(ValidationError) as exc:
        services.slt_model_save(municipality=sola, status=SltStatus.ESTABLISHED, actor=None,
                                other_municipalities=[world.sandnes])
    assert "Sandnes" in str(exc.value.message_dict["other_municipalities"])
    with pytest.raises(ValidationError) as exc:
        services.slt_model_save(municipality=world.sandnes, status=SltStatus.ESTABLISHED,
                                actor=None)
    assert "Stavanger" in str(exc.value.message_dict["status"])
    with pytest.raises(ValidationError):
        services.slt_model_save(municipality=world.stavanger, status=SltStatus.ESTABLISHED,
                                actor=None, other_municipalities=[world.stavanger])


def test_measure_rules_are_explained(world):
    model = slt_model(world.stavanger)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        measure(model, age_from=18, age_to=12, starts_on=today, ends_on=today - dt.timedelta(1),
                focus_area=None, focus_area_other="")
    errors = exc.value.message_dict
    assert "Øvre alder" in errors["age_to"][0]
    assert "etter starten" in errors["ends_on"][0]
    assert "Beskriv satsingsområdet" in errors["focus_area_other"][0]


def test_measure_level_must_belong_to_the_same_model_even_from_the_shell(world):
    stavanger = slt_model(world.stavanger)
    sandnes = slt_model(world.sandnes)
    m = measure(stavanger)
    m.level = sandnes.levels.get(kind=LevelKind.EXECUTING)
    with pytest.raises(ValidationError, match="Velg et nivå i SLT-modellen"):
        m.save()
    with pytest.raises(ValidationError, match="Velg et nivå i SLT-modellen"):
        services.measure_update(measure=SltMeasure.objects.get(pk=m.pk), actor=None,
                                level=sandnes.levels.get(kind=LevelKind.STEERING))


def test_progress_update_can_close_the_measure(world):
    m = measure(slt_model(world.stavanger))
    before = m.updated_at
    services.measure_add_update(measure=m, text="Avsluttet etter plan", actor=world.leader,
                                status=MeasureStatus.COMPLETED)
    m.refresh_from_db()
    assert m.status == MeasureStatus.COMPLETED
    assert m.updated_at > before
    assert m.updates.get().author == world.leader
    with pytest.raises(ValidationError):
        services.measure_add_update(measure=m, text="  ", actor=world.leader)


def test_level_members_portal_user_or_external(world):
    level = slt_model(world.stavanger).levels.get(kind=LevelKind.STEERING)
    services.level_member_add(level=level, actor=None, user=world.leader)
    with pytest.raises(ValidationError, match="allerede medlem"):
        services.level_member_add(level=level, actor=None, user=world.leader)
    with pytest.raises(ValidationError, match="Velg en bruker i portalen"):
        services.level_member_add(level=level, actor=None, organisation="Skolen")
    ext = services.level_member_add(level=level, actor=None, name="Siri Eide",
                                    email="siri@example.no", organisation="Barnevernet")
    assert ext.display_name == "Siri Eide"
    assert level.members.count() == 2


def test_one_action_plan_a_year(world):
    model = slt_model(world.stavanger)
    services.action_plan_create(slt_model=model, year=2026, actor=None)
    with pytest.raises(ValidationError, match="allerede en handlingsplan for 2026"):
        services.action_plan_create(slt_model=model, year=2026, actor=None)


def test_coordinator_role_may_work(world):
    coordinator = user_with_role(Role.SLT_COORDINATOR, username="slt",
                                 municipality=world.stavanger)
    model = slt_model(world.stavanger, coordinator=coordinator)
    assert SltModel.objects.get().coordinator == coordinator
    from samarbeid import access

    assert access.can(coordinator, access.Level.WORK, world.stavanger)
    assert model.is_established


def test_every_measure_needs_someone_responsible(world):
    with pytest.raises(ValidationError) as exc:
        measure(slt_model(world.stavanger), responsible_name="  ")
    assert "Alle tiltak trenger en ansvarlig" in exc.value.message_dict["responsible"][0]
