"""The steering level may be the police council itself (Veileder §6), and a measure may point
to the council task that started it. Links, not copies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from politirad.models import Meeting, PoliceCouncil, Task
from samarbeid.compliance import Status
from samarbeid.models import Municipality
from slt import checks, services
from slt.models import LevelKind

from .helpers import measure, slt_model


@pytest.fixture
def council(world):
    return PoliceCouncil.objects.create(name="Politirådet i Stavanger", kind="local",
                                        municipality=world.stavanger)


def test_only_the_steering_level_links_to_a_council_of_the_municipality(world, council):
    model = slt_model(world.stavanger)
    steering = model.levels.get(kind=LevelKind.STEERING)
    services.level_update(level=steering, description="", police_council=council, actor=None)
    assert steering.police_council == council
    with pytest.raises(ValidationError, match="Bare styringsnivået"):
        services.level_update(level=model.levels.get(kind=LevelKind.EXECUTING), description="",
                              police_council=council, actor=None)
    bergen_council = PoliceCouncil.objects.create(name="Politirådet i Bergen", kind="local",
                                                  municipality=world.bergen)
    with pytest.raises(ValidationError, match="politiråd i kommunen"):
        services.level_update(level=steering, description="", police_council=bergen_council,
                              actor=None)


def test_council_meetings_count_for_the_steering_level(world, council):
    model = slt_model(world.stavanger)
    qs = Municipality.objects.filter(pk=world.stavanger.pk)
    Meeting.objects.create(council=council, starts_at=timezone.now() - dt.timedelta(days=1))
    assert checks.evaluate_steering_meeting(qs)[world.stavanger.pk].status == Status.WARN
    services.level_update(level=model.levels.get(kind=LevelKind.STEERING), description="",
                          police_council=council, actor=None)
    assert checks.evaluate_steering_meeting(qs)[world.stavanger.pk].status == Status.OK


def test_level_page_shows_the_council_instead_of_copies(world, client, council):
    model = slt_model(world.stavanger)
    client.force_login(world.leader)
    url = reverse("slt:level_detail", args=[world.stavanger.number, "steering"])
    response = client.post(url, {"action": "description", "level-description": "Rådet styrer",
                                 "level-police_council": council.pk})
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "Politirådet er styringsnivået: Politirådet i Stavanger" in html
    assert reverse("politirad:council_detail", args=[council.pk]) in html
    assert model.levels.get(kind="steering").members.count() == 0  # nothing copied


def test_measure_points_to_the_council_task_that_started_it(world, client, council):
    model = slt_model(world.stavanger)
    task = Task.objects.create(council=council, title="Kartlegg ungdomsmiljøer",
                               deadline=timezone.localdate(), responsible_user=world.police)
    m = measure(model, council_task=task)
    client.force_login(world.member)
    html = client.get(reverse("slt:measure_detail", args=[m.pk])).content.decode()
    assert "Kartlegg ungdomsmiljøer" in html
    bergen_council = PoliceCouncil.objects.create(name="Politirådet i Bergen", kind="local",
                                                  municipality=world.bergen)
    other = Task.objects.create(council=bergen_council, title="Bergen-oppgave",
                                deadline=timezone.localdate(), responsible_user=world.outsider)
    with pytest.raises(ValidationError, match="oppgave fra et politiråd i denne kommunen"):
        measure(model, council_task=other, title="Feil")
