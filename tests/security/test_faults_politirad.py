"""No half-saved minutes (issue 7 §4): an item's notes, decisions and new task are written in
one POST and one transaction. When the database fails half-way, nothing of that POST is stored
and the user gets the 503 page in the site's layout, without a stack trace."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from politirad import services
from politirad.models import Decision, Minutes, MinutesEntry, Task
from samarbeid.models import AuditEvent
from tests.politirad.helpers import make_council, member

pytestmark = pytest.mark.django_db


def _meeting_with_item(world: Any) -> tuple[Any, Any]:
    council = make_council(world)
    meeting = services.meeting_create(council=council, actor=world.police, place="Rådhuset",
                                      starts_at=timezone.now() - dt.timedelta(days=1))
    item = services.agenda_item_add(meeting=meeting, actor=world.police, title="Sak 1")
    return meeting, item


def _post(client: Client, meeting: Any, item: Any, world: Any) -> Any:
    p = f"item{item.pk}"
    return client.post(reverse("politirad:minutes", args=[meeting.pk]), {
        "item": item.pk, f"{p}-notes": "Notater fra saken",
        f"{p}-decisions": "Første vedtak\nAndre vedtak\nTredje vedtak",
        f"{p}-access_level": "open", f"{p}-legal_basis": "",
        f"{p}-task_title": "Lage trygghetsplan",
        f"{p}-task_responsible": member(meeting.council, world.leader).pk,
        f"{p}-task_deadline": (timezone.localdate() + dt.timedelta(days=30)).isoformat()})


def _fail_after(monkeypatch: Any, model: Any, allowed: int) -> list[int]:
    """Let `allowed` saves of `model` through, then fail like a database that went away."""
    calls: list[int] = []
    original = model.save

    def save(self: Any, *args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) > allowed:
            raise OperationalError("server closed the connection unexpectedly")
        original(self, *args, **kwargs)

    monkeypatch.setattr(model, "save", save)
    return calls


def test_one_post_stores_entry_decisions_and_task_together(world: Any) -> None:
    meeting, item = _meeting_with_item(world)
    client = Client()
    client.force_login(world.police)
    response = _post(client, meeting, item, world)
    assert response.status_code == 302
    entry = MinutesEntry.objects.get(agenda_item=item)
    assert entry.notes == "Notater fra saken"
    assert list(entry.decisions.order_by("number").values_list("text", flat=True)) == [
        "Første vedtak", "Andre vedtak", "Tredje vedtak"]
    task = Task.objects.get(meeting=meeting)
    assert (task.title, task.entry_id, task.responsible_user) == (
        "Lage trygghetsplan", entry.pk, world.leader)


# After the first decision row (entry and one decision written), or at the task (entry and all
# decisions written): either way the POST is half-way when the database fails.
@pytest.mark.parametrize("failing, allowed", [(Decision, 1), (Task, 0)],
                         ids=["second-decision", "task"])
def test_database_failure_half_way_stores_nothing_and_shows_503(
        world: Any, monkeypatch: Any, failing: Any, allowed: int) -> None:
    meeting, item = _meeting_with_item(world)
    calls = _fail_after(monkeypatch, failing, allowed)
    client = Client(raise_request_exception=False)
    client.force_login(world.police)
    events_before = AuditEvent.objects.count()  # the login is in the trail; the POST is not

    response = _post(client, meeting, item, world)

    assert len(calls) == allowed + 1  # it did fail half-way
    assert response.status_code == 503
    body = response.content.decode()
    assert '<main' in body and "Traceback" not in body and "OperationalError" not in body
    assert response["Retry-After"] == "30"
    # Nothing of the POST is stored: no minutes, entry, decision, task or audit event.
    assert not MinutesEntry.objects.filter(agenda_item=item).exists()
    assert not Decision.objects.exists()
    assert not Task.objects.filter(title="Lage trygghetsplan").exists()
    assert not Minutes.objects.filter(meeting=meeting).exists()
    assert AuditEvent.objects.count() == events_before

    # Once the database is back, the same POST stores everything.
    monkeypatch.undo()
    assert _post(client, meeting, item, world).status_code == 302
    assert Decision.objects.filter(entry__agenda_item=item).count() == 3
    assert Task.objects.filter(title="Lage trygghetsplan").count() == 1


def test_a_refused_task_keeps_the_typed_minutes_and_stores_nothing(world: Any) -> None:
    meeting, item = _meeting_with_item(world)
    client = Client()
    client.force_login(world.police)
    p = f"item{item.pk}"
    response = client.post(reverse("politirad:minutes", args=[meeting.pk]), {
        "item": item.pk, f"{p}-notes": "Notater fra saken", f"{p}-decisions": "Vedtak",
        f"{p}-access_level": "open", f"{p}-legal_basis": "",
        f"{p}-task_title": "Lage trygghetsplan", f"{p}-task_deadline": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Notater fra saken" in body  # the user's input is kept
    assert "invalid-feedback" in body
    assert not MinutesEntry.objects.exists() and not Task.objects.exists()
