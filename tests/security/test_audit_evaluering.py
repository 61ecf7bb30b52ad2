"""Audit trail of evaluations (issue 7 §3, Veileder §7): every create, change, completion,
member response, follow-up, delete and export records who, what, when (UTC) and the object;
the history shows on the evaluation page to those who may read it, and never the typed text."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from evaluering import services
from evaluering.models import Evaluation, Mode
from samarbeid.models import AuditAction, AuditEvent, EvaluationMethod
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
SECRET = "Ola Nordmann sa noe fortrolig"
GLL = {"done": SECRET, "learned": SECRET, "smart": SECRET}


def _events(obj: Any) -> list[tuple[str, Any]]:
    return list(AuditEvent.objects.filter(object_type=obj._meta.label_lower,
                                          object_id=str(obj.pk))
                .order_by("at", "pk").values_list("action", "actor"))


def _evaluation(world: Any, **kwargs: Any) -> Evaluation:
    args: dict[str, Any] = {"municipality": world.stavanger, "actor": world.leader,
                            "period_start": START, "period_end": END, "method": EvaluationMethod.GLL,
                            "mode": Mode.JOINT, "subject_kind": "police_council",
                            "subject_name": SECRET, **kwargs}
    return services.evaluation_create(**args)


def test_joint_evaluation_lifecycle_is_recorded_with_actor_time_and_object(world: Any) -> None:
    before = dt.datetime.now(dt.UTC)
    evaluation = _evaluation(world)
    services.evaluation_save_answers(evaluation=evaluation, actor=world.leader, answers=GLL,
                                     summary=SECRET)
    services.evaluation_complete(evaluation=evaluation, actor=world.leader)
    services.follow_up_create(evaluation=evaluation, actor=world.leader, title=SECRET,
                              responsible=SECRET)

    assert _events(evaluation) == [
        (AuditAction.CREATE, world.leader.pk), (AuditAction.CHANGE, world.leader.pk),
        (AuditAction.APPROVE, world.leader.pk), (AuditAction.CREATE, world.leader.pk)]
    events = AuditEvent.objects.filter(object_id=str(evaluation.pk),
                                       object_type="evaluering.evaluation")
    for event in events:
        assert event.at.utcoffset() == dt.timedelta(0)
        assert before <= event.at <= dt.datetime.now(dt.UTC)
        assert event.action in AuditAction.values
        # Forum names, answers and follow-up titles may name people: never in the trail.
        assert "Ola" not in event.summary and "fortrolig" not in event.summary
    assert "2025" in events.get(action=AuditAction.CREATE, summary__contains="01.01").summary


def test_member_responses_are_recorded_as_given_then_changed(world: Any) -> None:
    evaluation = _evaluation(world, mode=Mode.INDIVIDUAL)
    services.response_submit(evaluation=evaluation, respondent=world.police, answers=GLL)
    services.response_submit(evaluation=evaluation, respondent=world.police,
                             answers={**GLL, "done": "Annet"})
    events = AuditEvent.objects.filter(object_type="evaluering.evaluation",
                                       object_id=str(evaluation.pk), actor=world.police)
    assert list(events.order_by("pk").values_list("action", flat=True)) == [
        AuditAction.CREATE, AuditAction.CHANGE]
    response = evaluation.responses.get()
    assert all(str(response.pk) in e.summary and SECRET not in e.summary for e in events)


def test_view_posts_create_answer_complete_and_follow_up_are_recorded(world: Any,
                                                                      client: Any) -> None:
    client.force_login(world.leader)
    response = client.post(reverse("evaluering:evaluation_create"), {
        "municipality": world.stavanger.number, "subject_kind": "agreement",
        "period_start": "2025-01-01", "period_end": "2025-12-31", "method": "gll",
        "mode": "joint"})
    evaluation = Evaluation.objects.get()
    assert response.status_code == 302
    client.post(reverse("evaluering:evaluation_answer", args=[evaluation.pk]),
                {**GLL, "summary": SECRET, "complete": "1"})
    client.post(reverse("evaluering:follow_up_create", args=[evaluation.pk]),
                {"title": SECRET, "responsible": "", "deadline": ""})
    assert [a for a, _ in _events(evaluation)] == [
        AuditAction.CREATE, AuditAction.CHANGE, AuditAction.APPROVE, AuditAction.CREATE]
    assert {actor for _, actor in _events(evaluation)} == {world.leader.pk}
    assert evaluation.follow_ups.count() == 1
    # The request's address is kept with each event, for the portal's own forms too.
    assert set(AuditEvent.objects.filter(object_type="evaluering.evaluation",
                                         object_id=str(evaluation.pk))
               .values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_pdf_download_is_an_audited_export_sent_as_attachment(world: Any, client: Any,
                                                              reader: Any) -> None:
    evaluation = _evaluation(world)
    client.force_login(reader)
    response = client.get(reverse("evaluering:evaluation_pdf", args=[evaluation.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor, event.object_type, event.object_id) == (
        reader, "evaluering.evaluation", str(evaluation.pk))
    assert event.summary.endswith(".pdf")


def test_report_exports_are_recorded_per_format(world: Any, client: Any) -> None:
    client.force_login(world.chief)
    code = world.stavanger.police_district.code
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("rapporter:report_export", args=["municipalities", fmt])
                              + f"?district={code}")
        assert response.status_code == 200
    events = AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=world.chief)
    # The district export is named after the district (Sør-Vest), not its code.
    assert sorted(e.summary.split(" ")[0] for e in events) == [
        "status-municipalities-sor-vest.csv", "status-municipalities-sor-vest.xlsx"]
    assert {e.object_type for e in events} == {"samarbeid.policedistrict"}


def test_deleting_in_the_admin_is_recorded(world: Any, client: Any) -> None:
    evaluation = _evaluation(world)
    pk = evaluation.pk
    staff = UserFactory.create(is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.post(reverse("admin:evaluering_evaluation_delete", args=[pk]),
                           {"post": "yes"})
    assert response.status_code == 302
    assert not Evaluation.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.DELETE)
    assert (event.actor, event.object_type, event.object_id) == (
        staff, "evaluering.evaluation", str(pk))
    assert SECRET not in event.summary


def test_bulk_delete_in_the_admin_records_each_and_keeps_completed(world: Any,
                                                                   client: Any) -> None:
    drafts = [_evaluation(world), _evaluation(world, period_start=dt.date(2024, 1, 1),
                                              period_end=dt.date(2024, 12, 31))]
    staff = UserFactory.create(is_staff=True, is_superuser=True)
    client.force_login(staff)
    client.post(reverse("admin:evaluering_evaluation_changelist"), {
        "action": "delete_selected", "_selected_action": [d.pk for d in drafts], "post": "yes"})
    assert not Evaluation.objects.exists()
    assert sorted(AuditEvent.objects.filter(action=AuditAction.DELETE)
                  .values_list("object_id", flat=True)) == sorted(str(d.pk) for d in drafts)


def test_history_is_shown_to_a_member_and_hidden_from_an_outsider(world: Any, client: Any,
                                                                  reader: Any) -> None:
    evaluation = _evaluation(world)
    services.evaluation_save_answers(evaluation=evaluation, actor=world.leader, answers=GLL,
                                     summary="")
    services.evaluation_complete(evaluation=evaluation, actor=world.leader)
    url = reverse("evaluering:evaluation_detail", args=[evaluation.pk])
    client.force_login(reader)
    page = client.get(url).content.decode()
    assert "Historikk" in page
    history = page[page.index("Historikk"):]
    assert "Evaluering fullført" in history and "Opprettet" in history
    assert (world.leader.get_full_name() or world.leader.username) in history

    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_adding_a_follow_up_in_the_admin_is_recorded_on_the_evaluation(world: Any,
                                                                      client: Any) -> None:
    evaluation = _evaluation(world)
    staff = UserFactory.create(is_staff=True, is_superuser=True)
    client.force_login(staff)
    url = reverse("admin:evaluering_evaluation_change", args=[evaluation.pk])
    data = {
        "municipality": world.stavanger.pk, "subject_kind": "police_council",
        "subject_id": "", "subject_name": "Rådet", "period_start": "2025-01-01",
        "period_end": "2025-12-31", "method": "gll", "mode": "joint", "answers": "{}",
        "summary": "", "created_by": world.leader.pk, "created_at_0": "2025-01-01",
        "created_at_1": "10:00:00",
        "responses-TOTAL_FORMS": "0", "responses-INITIAL_FORMS": "0",
        "follow_ups-TOTAL_FORMS": "1", "follow_ups-INITIAL_FORMS": "0",
        "follow_ups-0-title": SECRET, "follow_ups-0-responsible": "", "follow_ups-0-deadline": "",
        "follow_ups-0-status": "open", "follow_ups-0-task_id": "",
        "follow_ups-0-evaluation": evaluation.pk,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    item = evaluation.follow_ups.get()
    events = AuditEvent.objects.filter(object_type="evaluering.evaluation",
                                       object_id=str(evaluation.pk), actor=staff)
    assert sorted(events.values_list("action", flat=True)) == [AuditAction.CHANGE,
                                                               AuditAction.CREATE]
    created = events.get(action=AuditAction.CREATE)
    assert str(item.pk) in created.summary and SECRET not in created.summary
