"""SLT pages: what a coordinator, a leader, a council member and an outsider see and do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samarbeid.models import Role
from samarbeid.services import membership_create
from slt.models import LevelKind, LevelMeeting, SltMeasure, SltModel, SltStatus
from tests.factories import user_with_role

from .helpers import measure, slt_model, warm


@pytest.fixture
def coordinator(world):
    return user_with_role(Role.SLT_COORDINATOR, username="siri", title="SLT-koordinator",
                          municipality=world.stavanger)


def test_record_model_not_established_shows_voluntary(world, client):
    client.force_login(world.leader)
    url = reverse("slt:model_edit", args=[world.stavanger.number])
    response = client.post(url, {"status": SltStatus.NOT_ESTABLISHED, "coordinator_title": "SLT-koordinator",
                                 "status_note": "Vi bruker Ungdomsteamet"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("slt:overview", args=[world.stavanger.number])
    assert SltModel.objects.get().status == SltStatus.NOT_ESTABLISHED
    html = response.content.decode()
    assert "Ungdomsteamet" in html
    assert "Ingen koordinator registrert" not in html


def test_coordinator_records_model_and_levels(world, client, coordinator):
    # Coordinator for both municipalities: only then may Sandnes be added to the shared model.
    membership_create(user=coordinator, role=Role.SLT_COORDINATOR, municipality=world.sandnes,
                      actor=None)
    client.force_login(coordinator)
    response = client.post(reverse("slt:model_edit", args=[world.stavanger.number]), {
        "status": "established", "coordinator": coordinator.pk,
        "coordinator_title": "Kriminalitetsforebyggende koordinator",
        "other_municipalities": [world.sandnes.pk]})
    assert response.status_code == 302
    model = SltModel.objects.get()
    assert model.coordinator == coordinator
    page = client.get(reverse("slt:overview", args=[world.stavanger.number])).content.decode()
    assert "Kriminalitetsforebyggende koordinator" in page
    assert "Sandnes" in page
    level_url = reverse("slt:level_detail", args=[world.stavanger.number, "steering"])
    response = client.post(level_url, {"action": "member", "member-name": "Siri Eide",
                                       "member-organisation": "Barnevernet"}, follow=True)
    assert "Siri Eide er lagt til på nivået." in response.content.decode()
    client.post(level_url, {"action": "meeting", "meeting-date": timezone.localdate().isoformat(),
                            "meeting-notes": "Handlingsplan"})
    assert LevelMeeting.objects.filter(level__kind="steering").count() == 1
    response = client.post(level_url, {"action": "member", "member-email": "x@example.no"})
    assert response.status_code == 400
    assert "Velg en bruker i portalen" in response.content.decode()
    assert 'value="x@example.no"' in response.content.decode()


def test_council_member_without_a_role_gets_404_on_the_levels(world, client):
    """A council seat gives that council only: nothing of the municipality's SLT."""
    from tests.politirad.helpers import make_council

    model = slt_model(world.stavanger)
    make_council(world)  # seats bob
    client.force_login(world.member)
    url = reverse("slt:level_detail", args=[world.stavanger.number, "steering"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "member", "member-name": "X"}).status_code == 404
    assert not model.levels.get(kind="steering").members.exists()
    client.force_login(world.leader)
    assert client.get(url).status_code == 200
    assert client.get(reverse("slt:level_detail", args=[world.stavanger.number, "nope"])).status_code == 404


def test_create_measure_keeps_input_and_explains_errors(world, client, coordinator):
    model = slt_model(world.stavanger, coordinator=coordinator)
    client.force_login(coordinator)
    url = reverse("slt:measure_create", args=[world.stavanger.number])
    executing = model.levels.get(kind=LevelKind.EXECUTING)
    today = timezone.localdate()
    data = {"title": "Sommerjobb for ungdom", "level": executing.pk, "focus_area": "youth_crime",
            "age_from": 16, "age_to": 14, "coordination_step": 4, "status": "planned",
            "starts_on": today.isoformat(), "ends_on": (today + dt.timedelta(60)).isoformat(),
            "responsible": coordinator.pk}
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Øvre alder må være lik eller høyere" in html
    assert 'value="Sommerjobb for ungdom"' in html
    data["age_to"] = 18
    response = client.post(url, data)
    m = SltMeasure.objects.get()
    assert response.url == reverse("slt:measure_detail", args=[m.pk])
    assert m.level == executing and m.created_by == coordinator


def test_measure_list_search_filter_and_overdue_first(world, client):
    model = slt_model(world.stavanger)
    measure(model, title="Nattevandring", days_left=20)
    measure(model, title="Gammel aksjon", days_left=-3)
    measure(model, title="Skolevei", days_left=5, kind=LevelKind.STEERING, status="completed")
    client.force_login(world.police)
    url = reverse("slt:measure_list", args=[world.stavanger.number])
    html = client.get(url).content.decode()
    assert html.index("Gammel aksjon") < html.index("Nattevandring")
    html = client.get(url, {"q": "natte"}).content.decode()
    assert "Nattevandring" in html and "Gammel aksjon" not in html
    html = client.get(url, {"level": "steering"}).content.decode()
    assert "Skolevei" in html and "Nattevandring" not in html
    html = client.get(url, {"overdue": "on"}).content.decode()
    assert "Gammel aksjon" in html and "Nattevandring" not in html
    html = client.get(url, {"q": "finnes-ikke"}).content.decode()
    assert "Ingen tiltak passer med søket" in html
    client.force_login(world.member)  # no role: the municipality's measures are not his
    assert client.get(url).status_code == 404


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["slt:measure_list", "slt:dashboard"])
def test_list_query_count_does_not_grow_with_rows(world, client, name):
    model = slt_model(world.stavanger)
    for i in range(2):
        measure(model, title=f"Tiltak {i}", responsible=world.leader)
    client.force_login(world.leader)
    url = reverse(name, args=[world.stavanger.number]) if name != "slt:dashboard" else reverse(name)
    _count(client, url)  # first dashboard visit differs (no "since")
    few = _count(client, url)
    for i in range(48):
        measure(model, title=f"Mer {i}", responsible=world.leader,
                days_left=-1 if i % 3 == 0 else 10)
    _count(client, url)  # the first request after the writes reads the user row again
    many = _count(client, url)
    assert few == many


def test_measure_list_query_budget(world, client, django_assert_num_queries):
    model = slt_model(world.stavanger)
    measure(model)
    client.force_login(world.leader)
    warm(client)  # the principal is built once a day, then read from the cache (the session too)
    # municipality, SLT model, count, the filter's focus areas (one table, #15), the rows
    with django_assert_num_queries(5):
        client.get(reverse("slt:measure_list", args=[world.stavanger.number]))


def test_action_plan_page_and_pdf(world, client):
    model = slt_model(world.stavanger)
    client.force_login(world.leader)
    url = reverse("slt:action_plan_list", args=[world.stavanger.number])
    response = client.post(url, {"year": 2026, "title": "SLT-plan 2026", "goals": "Tryggere uteliv"})
    plan = model.action_plans.get()
    assert response.url == reverse("slt:action_plan_detail", args=[plan.pk])
    measure(model, title="Natteravner", action_plan=plan)
    response = client.post(url, {"year": 2026})
    assert response.status_code == 400
    assert "allerede en handlingsplan for 2026" in response.content.decode()
    html = client.get(reverse("slt:action_plan_detail", args=[plan.pk])).content.decode()
    assert "Natteravner" in html and "Tryggere uteliv" in html
    pdf = client.get(reverse("slt:action_plan_pdf", args=[plan.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    from io import BytesIO

    from pypdf import PdfReader

    text = PdfReader(BytesIO(pdf.content)).pages[0].extract_text()
    assert "Natteravner" in text and "SLT-plan 2026" in text


def test_outsider_gets_404_on_measure_and_plan(world, client):
    m = measure(slt_model(world.stavanger))
    client.force_login(world.outsider)
    assert client.get(reverse("slt:measure_detail", args=[m.pk])).status_code == 404
    assert client.post(reverse("slt:measure_progress", args=[m.pk]), {"text": "x"}).status_code == 404


def test_pages_without_a_model_lead_to_recording_it(world, client):
    client.force_login(world.leader)
    response = client.get(reverse("slt:measure_list", args=[world.stavanger.number]), follow=True)
    assert "Registrer kommunens SLT-modell først." in response.content.decode()
    assert "Registrer SLT-modellen" in response.content.decode()


def test_municipality_page_panel_and_nav(world, client, coordinator):
    from django.template.loader import render_to_string

    from samarbeid import sections

    model = slt_model(world.stavanger, coordinator=coordinator)
    measure(model, days_left=-2)
    panels = {p.key: (p, ctx) for p, ctx in sections.panels_for(coordinator, world.stavanger)}
    panel, ctx = panels["slt"]
    html = render_to_string(panel.template, {"municipality": world.stavanger, "ctx": ctx})
    assert "SLT – samordning av lokale rus- og kriminalitetsforebyggende tiltak" in html
    assert "1 over fristen" in html
    assert coordinator.get_full_name() in html
    # Someone who may not work on Sandnes is not offered to register its SLT model.
    panel, ctx = {p.key: (p, c) for p, c in sections.panels_for(world.outsider, world.sandnes)}["slt"]
    html = render_to_string(panel.template, {"municipality": world.sandnes, "ctx": ctx})
    assert "SLT-status er ikke registrert" in html and "Registrer SLT-modellen" not in html
    client.force_login(coordinator)
    html = client.get(reverse("slt:dashboard")).content.decode()
    assert f'href="{reverse("slt:dashboard")}" aria-current="page"' in html
    client.force_login(world.member)
    html = client.get(reverse("slt:dashboard")).content.decode()
    assert f'href="{reverse("slt:dashboard")}" aria-current' not in html


def test_progress_update_errors_and_readers(world, client):
    m = measure(slt_model(world.stavanger))
    url = reverse("slt:measure_progress", args=[m.pk])
    client.force_login(world.police)
    response = client.post(url, {"text": "", "date": timezone.localdate().isoformat(),
                                 "status": "active"})
    assert response.status_code == 400
    assert "Feltet er påkrevet." in response.content.decode()
    client.force_login(world.member)  # no role in the municipality: 404, nothing written
    assert client.post(url, {"text": "x", "date": timezone.localdate().isoformat(),
                             "status": "active"}).status_code == 404
    assert not m.updates.exists()


def test_nynorsk_dashboard(world, client):
    measure(slt_model(world.stavanger), days_left=-1)
    client.force_login(world.leader)
    client.post(reverse("set_language"), {"language": "nn", "next": "/"})
    html = client.get(reverse("slt:dashboard")).content.decode()
    assert 'lang="nn"' in html
    assert "Opne tiltak, forseinka først" in html
    assert "Tal på tiltak etter nivå og status" in html


def test_edit_measure_status_and_deadline(world, client):
    model = slt_model(world.stavanger)
    m = measure(model, days_left=-3)
    client.force_login(world.police)
    url = reverse("slt:measure_edit", args=[m.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"status": "completed", "starts_on": m.starts_on.isoformat(),
                 "ends_on": m.ends_on.isoformat(), "level": m.level_id})
    response = client.post(url, data)
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.status == "completed" and not m.is_overdue


def test_municipality_page_shows_slt_panel_and_status_rows(world, client):
    model = slt_model(world.stavanger)
    measure(model, days_left=-1)
    client.force_login(world.police)
    html = client.get(reverse("municipality_detail", args=[world.stavanger.number])).content.decode()
    assert "SLT – samordning av lokale rus- og kriminalitetsforebyggende tiltak" in html
    assert "SLT er etablert, men har ingen koordinator" in html  # compliance row (FAIL)
    assert reverse("slt:overview", args=[world.stavanger.number]) in html
