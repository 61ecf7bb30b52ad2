"""Issue #14: the SLT page and the compliance check agree on the steering level's last meeting.
Where the police council is the steering level (Veileder §6), its meetings count for both."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from politirad import services as council_services
from politirad.models import Meeting
from samarbeid.models import Municipality
from slt import checks, selectors, services
from slt.models import LevelKind, SltModel

from .helpers import slt_model

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(world: Any) -> SltModel:
    """Stavanger's SLT with its police council as the steering level; the level's own last
    meeting is 40 days ago, the council met 2 days ago, then cancelled one and plans one."""
    council = council_services.council_create(actor=world.police, name="Politirådet i Stavanger",
                                              kind="local", municipality=world.stavanger)
    model = slt_model(world.stavanger)
    steering = model.levels.get(kind=LevelKind.STEERING)
    services.level_update(level=steering, description="", police_council=council, actor=None)
    services.level_meeting_add(level=steering, notes="", actor=None,
                               date=timezone.localdate() - dt.timedelta(days=40))
    now = timezone.now()
    Meeting.objects.create(council=council, starts_at=now - dt.timedelta(days=2))
    Meeting.objects.create(council=council, starts_at=now - dt.timedelta(hours=1), cancelled=True)
    Meeting.objects.create(council=council, starts_at=now + dt.timedelta(days=20))
    return model


def _council_date() -> dt.date:
    return timezone.localtime(timezone.now() - dt.timedelta(days=2)).date()


def test_one_selector_gives_the_latest_of_level_and_council_meetings(linked: SltModel) -> None:
    assert selectors.steering_last_meetings(SltModel.objects.filter(pk=linked.pk)) == {
        linked.pk: _council_date()}


def test_page_and_check_show_the_same_last_meeting(world: Any, client: Any,
                                                   linked: SltModel) -> None:
    expected = _council_date()
    finding = checks.evaluate_steering_meeting(
        Municipality.objects.filter(pk=world.stavanger.pk))[world.stavanger.pk]
    assert expected.strftime("%d.%m.%Y") in finding.detail
    client.force_login(world.leader)
    html = client.get(reverse("slt:overview", args=[world.stavanger.number])).content.decode()
    steering_card = html.split('id="level-steering"', 1)[1].split("</section>", 1)[0]
    assert formats.date_format(expected, "DATE_FORMAT") in steering_card
    level_own = timezone.localdate() - dt.timedelta(days=40)
    assert formats.date_format(level_own, "DATE_FORMAT") not in steering_card


def test_without_a_council_the_level_meetings_decide(world: Any) -> None:
    model = slt_model(world.stavanger)
    steering = model.levels.get(kind=LevelKind.STEERING)
    models = SltModel.objects.filter(pk=model.pk)
    assert selectors.steering_last_meetings(models) == {model.pk: None}
    services.level_meeting_add(level=steering, notes="", actor=None, date=timezone.localdate())
    services.level_meeting_add(level=model.levels.get(kind=LevelKind.EXECUTING), notes="",
                               actor=None, date=timezone.localdate() + dt.timedelta(days=1))
    assert selectors.steering_last_meetings(models) == {model.pk: timezone.localdate()}
