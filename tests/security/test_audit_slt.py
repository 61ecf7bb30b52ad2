"""Audit trail of SLT (issue 7 §3, Veileder §6): every create, change and delete of SLT models,
levels, members, meetings, measures, progress updates and action plans, and every PDF export,
records who, what, when (UTC) and the object; free text (progress, notes, status notes,
e-mail addresses) stays out of it. The history shows to those who may see the object."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from avtaler.models import FocusArea
from samarbeid.models import AuditAction, AuditEvent
from slt import services
from slt.models import (
    LevelKind,
    LevelMeeting,
    LevelMember,
    SltActionPlan,
    SltMeasure,
    SltModel,
    SltStatus,
)
from tests.slt.helpers import measure, slt_model

pytestmark = pytest.mark.django_db

SECRET_NOTE = "Per Hansen (14) ble tatt med hasj"


def _events(obj: Any) -> list[tuple[str, Any]]:
    return list(AuditEvent.objects.filter(object_type=obj._meta.label_lower,
                                          object_id=str(obj.pk))
                .order_by("at", "pk").values_list("action", "actor"))


def test_every_service_write_is_recorded_with_actor_time_and_object(world: Any) -> None:
    before = dt.datetime.now(dt.UTC)
    actor = world.leader
    model = services.slt_model_save(municipality=world.stavanger, actor=actor,
                                    status=SltStatus.ESTABLISHED)
    services.slt_model_save(municipality=world.stavanger, actor=actor, coordinator=world.police,
                            status=SltStatus.ESTABLISHED, status_note=SECRET_NOTE)
    steering = model.levels.get(kind=LevelKind.STEERING)
    services.level_update(level=steering, actor=actor, description=SECRET_NOTE)
    member = services.level_member_add(level=steering, actor=actor, name="Kari Lund",
                                       email="kari.lund@example.no", organisation="Skolen")
    member_pk = member.pk
    services.level_member_remove(member=member, actor=actor)
    meeting = services.level_meeting_add(level=steering, actor=actor, notes=SECRET_NOTE,
                                         date=timezone.localdate())
    plan = services.action_plan_create(slt_model=model, year=2026, actor=actor, goals="Mål")
    m = services.measure_create(
        slt_model=model, actor=actor, title="Natteravner", level=steering,
        focus_area=FocusArea.objects.by_code("youth_crime"), starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=30), responsible_name="Ola")
    services.measure_update(measure=m, actor=actor, status="active")
    services.measure_add_update(measure=m, actor=actor, text=SECRET_NOTE, status="completed")

    assert _events(model) == [(AuditAction.CREATE, actor.pk), (AuditAction.CHANGE, actor.pk)]
    assert _events(steering) == [(AuditAction.CREATE, actor.pk), (AuditAction.CHANGE, actor.pk)]
    assert all(_events(level)[0] == (AuditAction.CREATE, actor.pk) for level in model.levels.all())
    removed = LevelMember(pk=member_pk)
    assert _events(removed) == [(AuditAction.CREATE, actor.pk), (AuditAction.DELETE, actor.pk)]
    assert _events(meeting) == [(AuditAction.CREATE, actor.pk)]
    assert _events(plan) == [(AuditAction.CREATE, actor.pk)]
    assert _events(m) == [(AuditAction.CREATE, actor.pk), (AuditAction.CHANGE, actor.pk),
                          (AuditAction.PROGRESS, actor.pk)]

    events = AuditEvent.objects.filter(object_type__startswith="slt.")
    for event in events:
        assert event.action in AuditAction.values
        assert event.at.utcoffset() == dt.timedelta(0) and event.at >= before
        # Free text and e-mail addresses stay on the objects, where access is checked.
        assert "Per Hansen" not in event.summary and "hasj" not in event.summary
        assert "kari.lund@example.no" not in event.summary
    # What changed is named, so the trail is useful without the text.
    assert events.filter(object_type="slt.sltmodel", action=AuditAction.CHANGE).get().summary \
        == "status=established, status_note, coordinator"
    assert "description" in events.get(object_type="slt.sltlevel",
                                       action=AuditAction.CHANGE).summary
    progress = events.get(action=AuditAction.PROGRESS)
    assert "active->completed" in progress.summary


def test_view_posts_are_recorded_for_the_user_who_posted(client: Any, world: Any) -> None:
    model = slt_model(world.stavanger)
    m = measure(model)
    client.force_login(world.leader)
    number = world.stavanger.number

    response = client.post(reverse("slt:measure_progress", args=[m.pk]), {
        "text": SECRET_NOTE, "date": timezone.localdate().isoformat(), "status": "active"})
    assert response.status_code == 302
    response = client.post(reverse("slt:level_detail", args=[number, "executing"]), {
        "action": "member", "member-name": "Kari Lund", "member-organisation": "Skolen"})
    assert response.status_code == 302
    member = LevelMember.objects.get(name="Kari Lund")
    response = client.post(reverse("slt:member_remove", args=[number, member.pk]))
    assert response.status_code == 302
    response = client.post(reverse("slt:action_plan_list", args=[number]),
                           {"year": 2027, "title": "Plan", "goals": ""})
    assert response.status_code == 302

    mine = AuditEvent.objects.filter(actor=world.leader, object_type__startswith="slt.")
    assert set(mine.values_list("object_type", "action")) == {
        ("slt.sltmeasure", AuditAction.PROGRESS),
        ("slt.levelmember", AuditAction.CREATE), ("slt.levelmember", AuditAction.DELETE),
        ("slt.sltactionplan", AuditAction.CREATE),
    }
    assert not mine.filter(summary__contains="Per Hansen").exists()


def test_action_plan_pdf_export_is_recorded(client: Any, world: Any) -> None:
    model = slt_model(world.stavanger)
    plan = services.action_plan_create(slt_model=model, year=2026, actor=None)
    client.force_login(world.police)
    response = client.get(reverse("slt:action_plan_pdf", args=[plan.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.object_type, event.object_id) == ("slt.sltactionplan", str(plan.pk))
    assert event.actor == world.police and event.ip_address == "127.0.0.1"
    assert event.summary == f"slt-handlingsplan-{world.stavanger.number}-2026.pdf"
    # An outsider's attempt exports nothing, nor does a council member's with no role.
    for user in (world.outsider, world.member):
        client.force_login(user)
        assert client.get(reverse("slt:action_plan_pdf", args=[plan.pk])).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1


def test_admin_changes_and_deletions_are_recorded(admin_client: Any, admin_user: Any,
                                                  world: Any) -> None:
    model = slt_model(world.stavanger)
    m = measure(model)
    plan = services.action_plan_create(slt_model=model, year=2026, actor=None)
    meeting = services.level_meeting_add(level=model.levels.get(kind="steering"), actor=None,
                                         date=timezone.localdate(), notes="")
    url = reverse("admin:slt_sltactionplan_change", args=[plan.pk])
    response = admin_client.post(url, {"slt_model": model.pk, "year": 2026, "title": "Ny",
                                       "goals": SECRET_NOTE})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = admin_client.post(reverse("admin:slt_sltmeasure_delete", args=[m.pk]),
                                 {"post": "yes"})
    assert response.status_code == 302
    response = admin_client.post(reverse("admin:slt_levelmeeting_changelist"), {
        "action": "delete_selected", "_selected_action": [meeting.pk], "post": "yes"})
    assert response.status_code == 302
    assert not SltMeasure.objects.filter(pk=m.pk).exists()
    assert not LevelMeeting.objects.filter(pk=meeting.pk).exists()

    # The admin's own login is an account event (tests/core/test_audit_accounts.py).
    by_admin = AuditEvent.objects.filter(actor=admin_user).exclude(object_type="auth.user")
    assert set(by_admin.values_list("object_type", "object_id", "action")) == {
        ("slt.sltactionplan", str(plan.pk), AuditAction.CHANGE),
        ("slt.sltmeasure", str(m.pk), AuditAction.DELETE),
        ("slt.levelmeeting", str(meeting.pk), AuditAction.DELETE),
    }
    change = by_admin.get(action=AuditAction.CHANGE)
    assert "goals" in change.summary and "Per Hansen" not in change.summary
    assert SltActionPlan.objects.get(pk=plan.pk).title == "Ny"


def test_history_shows_to_a_reader_and_outsiders_get_404(client: Any, world: Any,
                                                         reader: Any) -> None:
    model = services.slt_model_save(municipality=world.stavanger, actor=world.leader,
                                    status=SltStatus.ESTABLISHED)
    m = measure(model)
    services.measure_add_update(measure=m, actor=world.leader, text=SECRET_NOTE,
                                status="completed")
    plan = services.action_plan_create(slt_model=model, year=2026, actor=world.leader)
    steering = model.levels.get(kind=LevelKind.STEERING)
    services.level_update(level=steering, actor=world.leader, description="Politirådet")
    leader_name = world.leader.get_full_name()
    pages = {
        reverse("slt:measure_detail", args=[m.pk]): "active-&gt;completed",
        reverse("slt:overview", args=[world.stavanger.number]): "status: Etablert",
        reverse("slt:action_plan_detail", args=[plan.pk]): "2026",
        reverse("slt:level_detail", args=[world.stavanger.number, "steering"]): "beskrivelse",
    }
    client.force_login(reader)
    for url, summary in pages.items():
        html = client.get(url).content.decode()
        history = html[html.index('class="mt-4 history"'):]
        assert leader_name in history and summary in history, url
    for user in (world.outsider, world.member):
        client.force_login(user)
        for url in pages:
            assert client.get(url).status_code == 404, url


def test_a_municipality_cannot_be_taken_into_another_ones_shared_model(
        client: Any, world: Any) -> None:
    """Sharing takes the municipality out of recording its own SLT (§6): the mayor of
    Stavanger may not add Sandnes, where she has no role; the district administrator may."""
    url = reverse("slt:model_edit", args=[world.stavanger.number])
    data = {"status": "established", "coordinator_title": "SLT-koordinator",
            "other_municipalities": [world.sandnes.pk]}
    client.force_login(world.leader)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Sandnes" not in response.content.decode().split('name="other_municipalities"')[1] \
        .split("</select>")[0]
    with pytest.raises(ValidationError) as exc:
        services.slt_model_save(municipality=world.stavanger, actor=world.leader,
                                status=SltStatus.ESTABLISHED, other_municipalities=[world.sandnes])
    assert "Sandnes" in str(exc.value) and "SLT-koordinatoren" in str(exc.value)
    assert not AuditEvent.objects.filter(object_type="slt.sltmodel").exists()

    client.force_login(world.chief)
    assert client.post(url, data).status_code == 302
    model = SltModel.objects.get(municipality=world.stavanger)
    assert list(model.other_municipalities.all()) == [world.sandnes]
    # The mayor may still save her model: Sandnes, already shared, stays.
    client.force_login(world.leader)
    assert client.post(url, data).status_code == 302
    assert list(model.other_municipalities.all()) == [world.sandnes]
    event = AuditEvent.objects.filter(object_type="slt.sltmodel", actor=world.chief).get()
    assert event.action == AuditAction.CREATE
