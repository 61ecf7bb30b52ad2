"""Escaping in SLT (issue 7 §2): hostile text in every free-text field of SLT — the status note,
the coordinator's title and name, level descriptions, members (name, organisation, role),
meeting notes, action plans (title, goals), measures (title, description, target group, other
focus area, responsible person) and progress text — shows as text in every HTML page and
prints literally in the action-plan PDF."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from avtaler.models import FocusArea
from slt import services
from slt.models import LevelKind, SltStatus

from .conftest import HOSTILE, PAYLOADS, assert_escaped

pytestmark = pytest.mark.django_db


def _hostile_slt(world: Any) -> dict[str, Any]:
    coordinator = world.leader
    coordinator.first_name = HOSTILE
    coordinator.save(update_fields=["first_name"])
    model = services.slt_model_save(
        municipality=world.stavanger, status=SltStatus.ESTABLISHED, actor=world.leader,
        status_note=HOSTILE, coordinator=coordinator, coordinator_title=HOSTILE[:120])
    levels = {lv.kind: lv for lv in model.levels.all()}
    steering = levels[LevelKind.STEERING]
    services.level_update(level=steering, actor=world.leader, description=HOSTILE)
    services.level_member_add(level=steering, actor=world.leader, name=HOSTILE,
                              organisation=HOSTILE, role=HOSTILE[:120])
    services.level_meeting_add(level=steering, actor=world.leader, notes=HOSTILE,
                               date=timezone.localdate())
    plan = services.action_plan_create(slt_model=model, year=2026, actor=world.leader,
                                       title=HOSTILE, goals=HOSTILE)
    today = timezone.localdate()
    measure = services.measure_create(
        slt_model=model, actor=world.leader, title=HOSTILE, description=HOSTILE,
        target_group=HOSTILE, focus_area=None, focus_area_other=HOSTILE,
        level=steering, responsible=coordinator, responsible_name=HOSTILE, action_plan=plan,
        starts_on=today - dt.timedelta(days=30), ends_on=today - dt.timedelta(days=1),
        status="active")
    # Written by someone else, so it shows on the leader's dashboard as news.
    services.measure_add_update(measure=measure, actor=world.police, text=HOSTILE)
    return {"model": model, "plan": plan, "measure": measure}


def test_every_slt_page_escapes_the_free_text(client: Any, world: Any) -> None:
    client.force_login(world.leader)
    client.get(reverse("slt:dashboard"))  # the first visit: later changes show as news
    objs = _hostile_slt(world)
    number = world.stavanger.number
    m, plan = objs["measure"], objs["plan"]
    pages = [
        reverse("slt:dashboard"),
        reverse("slt:overview", args=[number]),
        reverse("slt:model_edit", args=[number]),
        reverse("slt:level_detail", args=[number, "steering"]),
        reverse("slt:measure_list", args=[number]),
        reverse("slt:measure_detail", args=[m.pk]),
        reverse("slt:measure_edit", args=[m.pk]),
        reverse("slt:action_plan_list", args=[number]),
        reverse("slt:action_plan_detail", args=[plan.pk]),
        reverse("municipality_detail", args=[number]),  # the SLT panel
        reverse("home"),  # "my measures" and the coordinator's overdue measures
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        try:
            assert_escaped(body)
        except AssertionError as exc:
            raise AssertionError(f"{url}: {exc}") from exc


def test_forms_and_messages_keep_hostile_input_as_text(client: Any, world: Any) -> None:
    """A refused form shows the input back escaped; the success message after a create is
    escaped too."""
    model = services.slt_model_save(municipality=world.stavanger, actor=world.leader,
                                    status=SltStatus.ESTABLISHED)
    level = model.levels.get(kind=LevelKind.EXECUTING)
    client.force_login(world.leader)
    url = reverse("slt:measure_create", args=[world.stavanger.number])
    data = {"title": HOSTILE, "description": HOSTILE, "level": level.pk,
            "focus_area": "other", "focus_area_other": HOSTILE,
            "target_group": HOSTILE, "responsible_name": HOSTILE, "coordination_step": 1,
            "starts_on": "2026-01-10", "ends_on": "2026-01-01", "status": "planned"}
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert_escaped(refused.content.decode())
    data["ends_on"] = "2026-12-31"
    created = client.post(url, data, follow=True)
    assert created.redirect_chain, created.content.decode()[:500]
    body = created.content.decode()
    assert_escaped(body)
    message = re.search(r'<div class="alert alert-success"[^>]*>(.*?)</div>', body, re.S)
    assert message is not None
    assert_escaped(message.group(1))

    m = model.measures.get()
    refused = client.post(reverse("slt:measure_progress", args=[m.pk]),
                          {"text": HOSTILE, "date": "not a date", "status": "active"})
    assert refused.status_code == 400
    assert_escaped(refused.content.decode())
    number = world.stavanger.number
    refused = client.post(reverse("slt:level_detail", args=[number, "executing"]), {
        "action": "member", "member-name": HOSTILE, "member-organisation": HOSTILE,
        "member-email": "not an e-mail"})
    assert refused.status_code == 400
    assert_escaped(refused.content.decode())


def _pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text)


def test_action_plan_pdf_prints_the_text_literally(client: Any, world: Any) -> None:
    plan = _hostile_slt(world)["plan"]
    client.force_login(world.police)
    response = client.get(reverse("slt:action_plan_pdf", args=[plan.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    for payload in PAYLOADS:
        # The plan's title (twice: heading and nothing hides it) and goals at full width;
        # table cells may wrap inside a word, so they are not counted.
        assert text.count(payload) >= 2, (payload, text[:1000])


def test_urls_in_the_action_plan_are_printed_not_fetched(client: Any, world: Any,
                                                         monkeypatch: Any) -> None:
    """WeasyPrint loads nothing a user wrote: remote and file URLs in plan and measure text
    are printed as characters (issue 7 §2)."""
    from samarbeid import pdf as core_pdf

    requested: list[str] = []
    original = core_pdf.ProjectOnlyFetcher.fetch

    def spy(self: Any, url: str, headers: Any = None) -> Any:
        requested.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(core_pdf.ProjectOnlyFetcher, "fetch", spy)
    remote = ('<img src="http://example.com/x.png"> <img src="file:///etc/passwd"> '
              '<link rel="stylesheet" href="file:///etc/passwd">')
    model = services.slt_model_save(municipality=world.stavanger, actor=world.leader,
                                    status=SltStatus.ESTABLISHED)
    plan = services.action_plan_create(slt_model=model, year=2026, actor=world.leader,
                                       title="Plan", goals=remote)
    today = timezone.localdate()
    services.measure_create(
        slt_model=model, actor=world.leader, title='<img src="http://example.com/m.png">',
        level=model.levels.get(kind=LevelKind.EXECUTING), focus_area=FocusArea.objects.by_code("youth_crime"),
        responsible_name="Ola", action_plan=plan, starts_on=today, ends_on=today)
    client.force_login(world.leader)
    response = client.get(reverse("slt:action_plan_pdf", args=[plan.pk]))
    assert response.status_code == 200
    assert not [u for u in requested if "example.com" in u or u.startswith("file:")], requested
    assert 'src="http://example.com/x.png"' in _pdf_text(response.content)
