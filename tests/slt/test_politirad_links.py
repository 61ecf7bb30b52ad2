"""The steering level may be the police council itself (Veileder §6), and a measure may point
to the council task that started it. Links, not copies."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from politirad import services as council_services
from politirad.models import Meeting, PoliceCouncil, Task
from samarbeid.compliance import Status
from samarbeid.models import Municipality, Role
from slt import checks, services
from slt.models import LevelKind, SltMeasure
from tests.factories import user_with_role
from tests.politirad.helpers import make_minutes

from .helpers import measure, slt_model


@pytest.fixture
def council(world):
    # Through the service: it links the council to its municipality, which the policy reads.
    return council_services.council_create(actor=world.police, name="Politirådet i Stavanger",
                                           kind="local", municipality=world.stavanger)


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
    client.force_login(world.police)
    html = client.get(reverse("slt:measure_detail", args=[m.pk])).content.decode()
    assert "Kartlegg ungdomsmiljøer" in html
    assert reverse("politirad:task_detail", args=[task.pk]) in html
    bergen_council = PoliceCouncil.objects.create(name="Politirådet i Bergen", kind="local",
                                                  municipality=world.bergen)
    other = Task.objects.create(council=bergen_council, title="Bergen-oppgave",
                                deadline=timezone.localdate(), responsible_user=world.outsider)
    with pytest.raises(ValidationError, match="oppgave fra et politiråd i denne kommunen"):
        measure(model, council_task=other, title="Feil")


# --- A task under an exempt item (offl. § 13, §4.1.5) stays with those who may read it -------


@pytest.fixture
def exempt_link(world):
    """A measure started by the exempt task «Hemmelig oppgave» of Stavanger's council, put
    on an action plan; the council also has the open task «Lage trygghetsplan»."""
    meeting = make_minutes(world, state="draft", exempt=True)
    task = meeting.tasks.get(title="Hemmelig oppgave")
    model = slt_model(world.stavanger)
    plan = services.action_plan_create(slt_model=model, year=2026, actor=None)
    m = measure(model, title="Tiltak fra rådet", council_task=task, action_plan=plan)
    return m, task, plan


@pytest.fixture
def slt_coordinator(world):
    # Works in the municipality (sees it and its council) but is no party: no exempt content.
    return user_with_role(Role.SLT_COORDINATOR, username="siri", municipality=world.stavanger)


def test_measure_page_hides_an_exempt_council_task_from_a_reader_who_may_not_read_it(
        world, client, exempt_link, slt_coordinator):
    m, task, _plan = exempt_link
    url = reverse("slt:measure_detail", args=[m.pk])
    client.force_login(slt_coordinator)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tiltak fra rådet" in html  # the measure itself is the coordinator's to read
    assert "Hemmelig oppgave" not in html
    assert reverse("politirad:task_detail", args=[task.pk]) not in html
    assert "Unntatt offentlighet" in html  # that a task started it, and nothing more
    # The police contact is a party of the council and reads exempt content.
    client.force_login(world.police)
    html = client.get(url).content.decode()
    assert "Hemmelig oppgave" in html
    assert reverse("politirad:task_detail", args=[task.pk]) in html


def test_measure_form_offers_only_the_tasks_the_user_may_read(
        world, client, exempt_link, slt_coordinator):
    m, task, _plan = exempt_link
    create = reverse("slt:measure_create", args=[world.stavanger.number])
    client.force_login(slt_coordinator)
    html = client.get(create).content.decode()
    assert "Lage trygghetsplan" in html and "Hemmelig oppgave" not in html
    html = client.get(reverse("slt:measure_edit", args=[m.pk])).content.decode()
    assert "Hemmelig oppgave" not in html
    assert "Koblingen beholdes" in html
    client.force_login(world.police)
    assert "Hemmelig oppgave" in client.get(create).content.decode()
    assert "Hemmelig oppgave" in client.get(reverse("slt:measure_edit",
                                                    args=[m.pk])).content.decode()


def test_a_reader_cannot_link_a_task_they_may_not_read_nor_unlink_one_by_saving(
        world, client, exempt_link, slt_coordinator):
    m, task, _plan = exempt_link
    client.force_login(slt_coordinator)
    today = timezone.localdate()
    data = {"title": "Nytt tiltak", "level": m.level_id, "focus_area": "youth_crime",
            "coordination_step": 1, "status": "planned", "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=30)).isoformat(),
            "responsible_name": "Ola Nordmann", "council_task": task.pk}
    response = client.post(reverse("slt:measure_create", args=[world.stavanger.number]), data)
    assert response.status_code == 200  # refused: not among the choices
    assert "council_task" in response.context["form"].errors
    assert not SltMeasure.objects.filter(title="Nytt tiltak").exists()
    # The service holds the same rule for every entry point.
    with pytest.raises(ValidationError) as exc:
        services.measure_create(slt_model=m.slt_model, actor=slt_coordinator,
                                title="Nytt tiltak", level=m.level, focus_area=m.focus_area,
                                starts_on=today, ends_on=today + dt.timedelta(days=30),
                                responsible_name="Ola Nordmann", council_task=task)
    assert "council_task" in exc.value.message_dict
    # Saving the measure that links the exempt task keeps the link.
    edit = reverse("slt:measure_edit", args=[m.pk])
    response = client.post(edit, {**data, "title": "Tiltak fra rådet (endret)",
                                  "council_task": ""})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.title == "Tiltak fra rådet (endret)" and m.council_task_id == task.pk


def test_dashboard_and_action_plan_never_show_an_exempt_task_title(
        world, client, exempt_link, slt_coordinator):
    _m, _task, plan = exempt_link
    client.force_login(slt_coordinator)
    for url in (reverse("slt:dashboard"), reverse("slt:action_plan_detail", args=[plan.pk])):
        html = client.get(url).content.decode()
        assert "Tiltak fra rådet" in html and "Hemmelig oppgave" not in html, url
    response = client.get(reverse("slt:action_plan_pdf", args=[plan.pk]))
    assert response.status_code == 200
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(
        b"".join(response.streaming_content) if response.streaming else response.content)).pages)
    text = text.replace("\u2010 ", "").replace("- ", "")  # words hyphenated at line ends
    assert "Tiltak fra rådet" in text and "Hemmelig oppgave" not in text
