"""Evaluations (§7): methods, joint or individual answers, completion rules, facts,
follow-up, history, PDF."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from evaluering import selectors, services
from evaluering.models import Evaluation, EvaluationStatus, Mode, SubjectKind
from samarbeid.models import EvaluationMethod

pytestmark = pytest.mark.django_db

START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
GLL = {"done": "Fire møter", "learned": "Konkrete oppgaver virker", "smart": "Tidlig dagsorden"}


def _evaluation(world: Any, **kwargs: Any) -> Evaluation:
    args: dict[str, Any] = {"municipality": world.stavanger, "actor": world.leader,
                            "period_start": START, "period_end": END, "method": EvaluationMethod.GLL,
                            "mode": Mode.JOINT, **kwargs}
    return services.evaluation_create(**args)


def test_joint_gll_evaluation_completes_and_then_never_changes(world: Any) -> None:
    evaluation = _evaluation(world)
    services.evaluation_save_answers(evaluation=evaluation, actor=world.leader, answers=GLL,
                                     summary="Godt samarbeid")
    done = services.evaluation_complete(evaluation=evaluation, actor=world.leader)
    assert done.status == EvaluationStatus.COMPLETED
    assert {f["key"] for f in done.facts} >= {"meetings", "agendas", "tasks", "leadership"}
    done.summary = "endret i ettertid"
    with pytest.raises(ValidationError):
        done.save()
    with pytest.raises(ValidationError):
        done.delete()


def test_joint_answers_must_all_be_given_before_completing(world: Any) -> None:
    evaluation = _evaluation(world)
    services.evaluation_save_answers(evaluation=evaluation, actor=world.leader,
                                     answers={"done": "Noe"})
    with pytest.raises(ValidationError, match="Missing|Mangler"):
        services.evaluation_complete(evaluation=evaluation, actor=world.leader)
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DRAFT


def test_six_questions_method_has_six_questions(world: Any) -> None:
    evaluation = _evaluation(world, method=EvaluationMethod.SIX_QUESTIONS)
    assert [q["code"] for q in evaluation.questions()] == [
        "status", "measures", "internal", "external", "lessons", "ahead"]


def test_each_member_answers_then_forum_summarises(world: Any) -> None:
    evaluation = _evaluation(world, mode=Mode.INDIVIDUAL)
    with pytest.raises(ValidationError, match="answered|svart"):
        services.evaluation_complete(evaluation=evaluation, actor=world.leader)
    services.response_submit(evaluation=evaluation, respondent=world.member, answers=GLL)
    services.response_submit(evaluation=evaluation, respondent=world.member,
                             answers={**GLL, "done": "Endret svar"})
    assert evaluation.responses.get().answers["done"] == "Endret svar"
    with pytest.raises(ValidationError, match="summary|oppsummering"):
        services.evaluation_complete(evaluation=evaluation, actor=world.leader)
    services.evaluation_save_answers(evaluation=evaluation, actor=world.leader, answers={},
                                     summary="Felles oppsummering")
    services.evaluation_complete(evaluation=evaluation, actor=world.leader)
    with pytest.raises(ValidationError):
        services.response_submit(evaluation=evaluation, respondent=world.police, answers=GLL)


def test_a_forum_needs_a_name_and_the_period_must_be_in_order(world: Any) -> None:
    with pytest.raises(ValidationError):
        _evaluation(world, subject_kind=SubjectKind.THEMATIC_FORUM)
    with pytest.raises(ValidationError):
        _evaluation(world, period_start=END, period_end=START)


def test_facts_come_from_the_council_app_for_the_evaluated_council(world: Any) -> None:
    pytest.importorskip("politirad.selectors")
    from politirad import services as council_services

    council = council_services.council_create(actor=world.leader, name="Politirådet i Stavanger",
                                              kind="local", municipality=world.stavanger)
    evaluation = _evaluation(world, subject_kind=SubjectKind.POLICE_COUNCIL,
                             subject_id=council.pk, subject_name=council.name)
    facts = {f["key"]: f for f in selectors.period_facts(evaluation)}
    assert facts["meetings"]["available"] is True
    assert facts["meetings"]["value"].startswith("0 ")  # no meetings held, target from terms
    assert facts["measures"]["key"] == "measures"


def test_lesson_becomes_a_council_task_or_a_follow_up_item(world: Any) -> None:
    plain = _evaluation(world)
    item = services.follow_up_create(evaluation=plain, actor=world.leader,
                                     title="Færre orienteringssaker", responsible="Ordfører")
    assert item.task_id is None
    pytest.importorskip("politirad.models")
    from politirad import services as council_services
    from politirad.models import Task

    council = council_services.council_create(actor=world.leader, name="Politirådet",
                                              kind="local", municipality=world.stavanger)
    evaluation = _evaluation(world, subject_kind=SubjectKind.POLICE_COUNCIL,
                             subject_id=council.pk, subject_name=council.name)
    item = services.follow_up_create(evaluation=evaluation, actor=world.leader,
                                     title="Send dagsorden tidligere", responsible="Politikontakt",
                                     deadline=dt.date(2026, 12, 1))
    assert item.task_id is not None
    task = Task.objects.get(pk=item.task_id)
    assert task.council_id == council.pk and task.deadline == dt.date(2026, 12, 1)


def test_only_those_who_may_change_the_council_turn_a_lesson_into_its_task(world: Any) -> None:
    """The SLT coordinator works on the municipality's evaluations but is no party of the
    council: the lesson stays a follow-up item, the council gets no task from her."""
    pytest.importorskip("politirad.models")
    from politirad import services as council_services
    from politirad.models import Task
    from samarbeid.models import Role
    from tests.factories import user_with_role

    coordinator = user_with_role(Role.SLT_COORDINATOR, municipality=world.stavanger)
    council = council_services.council_create(actor=world.leader, name="Politirådet",
                                              kind="local", municipality=world.stavanger)
    evaluation = _evaluation(world, subject_kind=SubjectKind.POLICE_COUNCIL,
                             subject_id=council.pk, subject_name=council.name)
    item = services.follow_up_create(evaluation=evaluation, actor=coordinator,
                                     title="Flere ungdommer i rådet",
                                     deadline=dt.date(2026, 12, 1))
    assert item.task_id is None and item.pk
    assert not Task.objects.filter(council=council).exists()
    item = services.follow_up_create(evaluation=evaluation, actor=world.police,
                                     title="Send dagsorden tidligere",
                                     deadline=dt.date(2026, 12, 1))
    assert item.task_id is not None
    assert Task.objects.get(pk=item.task_id).council_id == council.pk


def test_detail_page_answer_and_complete_through_the_browser_forms(world: Any, client: Any) -> None:
    client.force_login(world.leader)
    response = client.post(reverse("evaluering:evaluation_create"), {
        "municipality": world.stavanger.number, "subject_kind": "police_council",
        "subject_name": "Politirådet i Stavanger", "period_start": "2025-01-01",
        "period_end": "2025-12-31", "method": "gll", "mode": "joint"})
    evaluation = Evaluation.objects.get()
    assert response.status_code == 302
    url = reverse("evaluering:evaluation_answer", args=[evaluation.pk])
    response = client.post(url, {"done": "Fire møter", "learned": "", "smart": "",
                                 "summary": "", "complete": "1"})
    assert response.status_code == 200  # refused: answers missing, input kept
    assert "Fire møter" in response.content.decode()
    response = client.post(url, {**GLL, "summary": "Bra år", "complete": "1"}, follow=True)
    assert Evaluation.objects.get().status == EvaluationStatus.COMPLETED
    assert "Bra år" in response.content.decode()


def test_outsider_cannot_start_an_evaluation_for_stavanger(world: Any, client: Any) -> None:
    client.force_login(world.outsider)
    response = client.post(reverse("evaluering:evaluation_create"), {
        "municipality": world.stavanger.number, "subject_kind": "agreement",
        "period_start": "2025-01-01", "period_end": "2025-12-31", "method": "gll",
        "mode": "joint"})
    assert response.status_code == 200  # the form refuses a municipality outside the choices
    assert not Evaluation.objects.exists()


def test_pdf_has_the_answers_and_the_summary(world: Any, client: Any) -> None:
    evaluation = _evaluation(world, subject_kind=SubjectKind.POLICE_COUNCIL,
                             subject_name="Politirådet i Stavanger")
    services.evaluation_save_answers(evaluation=evaluation, actor=world.leader, answers=GLL,
                                     summary="Godt samarbeid i år")
    services.evaluation_complete(evaluation=evaluation, actor=world.leader)
    client.force_login(world.police)  # reads what the mayor wrote
    response = client.get(reverse("evaluering:evaluation_pdf", args=[evaluation.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Politirådet i Stavanger" in text
    assert "Godt samarbeid i år" in text and "Tidlig dagsorden" in text


def test_history_shows_past_evaluations_side_by_side(world: Any, client: Any) -> None:
    for year in (2023, 2024):
        e = _evaluation(world, period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31))
        services.evaluation_save_answers(evaluation=e, actor=world.leader,
                                         answers={**GLL, "learned": f"Lærdom {year}"},
                                         summary=f"Oppsummering {year}")
        services.evaluation_complete(evaluation=e, actor=world.leader)
    client.force_login(world.police)  # reads what the mayor wrote
    page = client.get(reverse("evaluering:municipality_history",
                              args=[world.stavanger.number])).content.decode()
    assert page.index("Oppsummering 2024") < page.index("Oppsummering 2023")
    assert "Lærdom 2023" in page and "Lærdom 2024" in page


def test_municipality_page_panel_shows_latest_and_next_due(world: Any, client: Any) -> None:
    e = _evaluation(world)
    services.evaluation_save_answers(evaluation=e, actor=world.leader, answers=GLL)
    services.evaluation_complete(evaluation=e, actor=world.leader)
    client.force_login(world.police)  # reads what the mayor wrote
    page = client.get(reverse("municipality_detail", args=[world.stavanger.number])).content.decode()
    assert reverse("evaluering:evaluation_detail", args=[e.pk]) in page
    assert "31. desember 2026" in page  # 12 months after the period ended


def _list_queries(client: Any, django_assert_num_queries: Any, n: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("evaluering:index")).status_code == 200
    return len(ctx.captured_queries)


def test_evaluation_list_same_queries_for_2_and_50_rows(world: Any, client: Any,
                                                       django_assert_num_queries: Any) -> None:
    client.force_login(world.admin)
    client.get(reverse("evaluering:index"))  # the principal is built once, then cached
    for _ in range(2):
        _evaluation(world)
    two = _list_queries(client, django_assert_num_queries, 2)
    for _ in range(48):
        _evaluation(world)
    fifty = _list_queries(client, django_assert_num_queries, 50)
    assert two == fifty
    with django_assert_num_queries(two):
        client.get(reverse("evaluering:index"))


def test_admin_shows_a_completed_evaluation_read_only(world: Any, client: Any) -> None:
    from django.contrib.auth import get_user_model

    e = _evaluation(world)
    services.evaluation_save_answers(evaluation=e, actor=world.leader, answers=GLL)
    services.evaluation_complete(evaluation=e, actor=world.leader)
    superuser = get_user_model().objects.create_superuser("root", "root@example.no", "x")
    client.force_login(superuser)
    assert client.get(reverse("admin:evaluering_evaluation_changelist")).status_code == 200
    page = client.get(reverse("admin:evaluering_evaluation_change", args=[e.pk]))
    assert page.status_code == 200
    assert 'name="summary"' not in page.content.decode()
