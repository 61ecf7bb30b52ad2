"""The page cache (samarbeid/pagecache.py) never shows a reader what their principal may not
read, and never a page older than the last write."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from politirad import services
from samarbeid.models import Membership
from tests.politirad.helpers import make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def _drop_cached(prefix: str) -> int:
    """Delete the cache entries whose key starts with `prefix`, on the test's local memory
    cache or on Redis (CI), as an expiry would; returns how many went."""
    backend: Any = cache
    if isinstance(getattr(backend, "_cache", None), dict):  # LocMemCache
        raw = [k for k in backend._cache if k.split(":", 2)[-1].startswith(prefix)]
    else:
        client = backend._cache.get_client()
        raw = [k.decode() for k in client.scan_iter(match=f"*:{prefix}*")]
    keys = [k.split(":", 2)[-1] for k in raw]  # KEY_PREFIX:VERSION:key
    cache.delete_many(keys)
    return len(keys)


def _counted(monkeypatch: Any, module: Any, name: str) -> list[Any]:
    """Replace `module.name` by a wrapper that records each call's first argument: a
    part that is read from the cache is not built, so its selector is not called."""
    calls: list[Any] = []
    original = getattr(module, name)

    def counted(first: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(first)
        return original(first, *args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def _held_with_task(world: Any) -> tuple[Any, Any]:
    """A meeting held five days ago and an open task from it, the leader's as a member."""
    from tests.politirad.helpers import member

    meeting = make_meeting(world, days=-5)
    task = services.task_create(meeting=meeting, actor=world.police, title="Kartlegge skoleveier",
                                responsible_member=member(meeting.council, world.leader),
                                deadline=timezone.localdate() + dt.timedelta(days=14))
    return meeting, task


def _get(client: Any, user: Any, path: str) -> Any:
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response


def test_a_second_request_is_served_from_the_cache(client: Any, world: Any) -> None:
    meeting = make_meeting(world)
    path = f"/politirad/moter/{meeting.pk}/"
    first = _get(client, world.leader, path)
    second = client.get(path)
    assert "X-Page-Cache" not in first.headers
    assert second.headers["X-Page-Cache"] == "hit"
    assert second.content.decode().count("Sak 1") == first.content.decode().count("Sak 1")


def test_an_exempt_reader_and_a_non_exempt_reader_see_different_bodies(client: Any,
                                                                        world: Any) -> None:
    meeting = make_meeting(world, exempt=True)
    path = f"/politirad/moter/{meeting.pk}/"
    assert "Taushetsbelagt innhold" in _get(client, world.leader, path).content.decode()
    client.logout()
    other = _get(client, world.admin, path)  # reads the meeting, not exempt content
    assert "Taushetsbelagt innhold" not in other.content.decode()


def test_a_write_by_one_user_is_seen_by_the_next_request_of_another(client: Any,
                                                                    world: Any) -> None:
    meeting = make_meeting(world)
    path = f"/politirad/moter/{meeting.pk}/"
    _get(client, world.leader, path)
    _get(client, world.leader, path)  # cached now
    services.agenda_item_add(meeting=meeting, actor=world.police, title="Ny sak om trafikk",
                             description="", presenter="Paul")
    client.logout()
    assert "Ny sak om trafikk" in _get(client, world.leader, path).content.decode()


def test_a_role_ended_today_removes_access_at_once(client: Any, world: Any) -> None:
    path = f"/kommuner/{world.stavanger.number}/"
    client.force_login(world.leader)
    before = client.get(path)
    assert before.status_code == 200
    assert client.get(path).headers.get("X-Page-Cache") == "hit"
    Membership.objects.filter(user=world.leader).update(
        ends_on=timezone.localdate() - dt.timedelta(days=1))
    # A bulk update sends no signal; the principal is read from the rows per day and
    # version, so bump the version as the services do and check the page follows.
    from samarbeid import policy

    policy.bump(world.leader.pk)
    after = client.get(path)
    assert after.headers.get("X-Page-Cache") != "hit"
    assert after.content != before.content


def test_csrf_tokens_in_a_cached_form_still_work(world: Any) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    meeting = make_meeting(world)
    path = f"/politirad/moter/{meeting.pk}/"
    client.force_login(world.leader)
    client.get(path)
    cached = client.get(path)
    assert cached.headers["X-Page-Cache"] == "hit"
    body = cached.content.decode()
    marker = 'name="csrfmiddlewaretoken" value="'
    assert marker in body
    token = body.split(marker, 1)[1].split('"', 1)[0]
    response = client.post("/i18n/setlang/", {"language": "nn", "next": "/",
                                              "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_messages_are_never_cached_into_a_body(client: Any, world: Any) -> None:
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest

    path = f"/kommuner/{world.stavanger.number}/"
    client.force_login(world.leader)
    client.get(path)
    request = HttpRequest()
    storage = CookieStorage(request)
    storage.add(constants.INFO, "En melding til Alice")
    from django.http import HttpResponse

    response = HttpResponse()
    storage.update(response)
    client.cookies[storage.cookie_name] = response.cookies[storage.cookie_name].value
    shown = client.get(path)
    assert "En melding til Alice" in shown.content.decode()
    assert "En melding til Alice" not in client.get(path).content.decode()


def test_a_write_refreshes_its_municipalitys_findings_after_commit(
        world: Any, settings: Any, django_capture_on_commit_callbacks: Any,
        django_assert_max_num_queries: Any) -> None:
    from samarbeid import compliance
    from samarbeid.models import Municipality

    settings.COMPLIANCE_CACHE_SECONDS = 600

    with django_capture_on_commit_callbacks(execute=True):
        meeting = make_meeting(world)
        services.agenda_item_add(meeting=meeting, actor=world.police, title="Sak",
                                 description="", presenter="Paul")
    # The worker (in process here) computed Stavanger's findings: the report reads them.
    with django_assert_max_num_queries(3):
        compliance.evaluate(Municipality.objects.filter(pk=world.stavanger.pk))


def test_a_deactivated_account_is_logged_out_on_its_next_request(client: Any,
                                                                 world: Any) -> None:
    path = f"/kommuner/{world.stavanger.number}/"
    client.force_login(world.leader)
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200  # the user row is cached now
    world.leader.is_active = False
    world.leader.save(update_fields=["is_active"])
    response = client.get(path)
    assert response.status_code == 302
    assert "/konto/logg-inn/" in response["Location"]


def test_a_new_password_ends_the_other_sessions_at_once(client: Any, world: Any) -> None:
    path = f"/kommuner/{world.stavanger.number}/"
    client.force_login(world.leader)
    assert client.get(path).status_code == 200
    user = type(world.leader).objects.get(pk=world.leader.pk)
    user.set_password("Et-helt-nytt-passord-2026")
    user.save()
    assert client.get(path).status_code == 302


def test_a_new_name_shows_in_the_header_of_a_cached_page(client: Any, world: Any) -> None:
    path = f"/kommuner/{world.stavanger.number}/"
    client.force_login(world.leader)
    client.get(path)
    assert client.get(path).headers.get("X-Page-Cache") == "hit"
    world.leader.first_name, world.leader.last_name = "Alfhild", "Nyberg"
    world.leader.save()
    assert "Alfhild Nyberg" in client.get(path).content.decode()


def test_the_report_reads_the_stored_snapshot_when_the_cache_lost_the_findings(
        world: Any, settings: Any, django_capture_on_commit_callbacks: Any,
        django_assert_max_num_queries: Any) -> None:
    from samarbeid import compliance
    from samarbeid.models import ComplianceSnapshot, Municipality

    settings.COMPLIANCE_CACHE_SECONDS = 600
    munis = Municipality.objects.filter(pk__in=[world.stavanger.pk, world.bergen.pk])
    first = compliance.evaluate(munis)
    assert ComplianceSnapshot.objects.filter(municipality=world.stavanger).exists()
    # The findings expire from the cache; the versions stay: the snapshot answers.
    gone = _drop_cached("compliance:c:nb:") + _drop_cached("compliance:set:")
    assert gone >= 2
    with django_assert_max_num_queries(2):
        again = compliance.evaluate(munis)
    assert again == first
    # A write in Stavanger makes its snapshot stale: it is computed anew, not read back.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    before = ComplianceSnapshot.objects.get(municipality=world.stavanger, language="nb").token
    with django_capture_on_commit_callbacks(execute=False):
        make_meeting(world)
    gone = _drop_cached("compliance:c:nb:") + _drop_cached("compliance:set:")
    assert gone >= 2
    with CaptureQueriesContext(connection) as captured:
        compliance.evaluate(munis)
    assert len(captured) > 2
    after = ComplianceSnapshot.objects.get(municipality=world.stavanger, language="nb").token
    assert after != before


def test_a_write_in_another_municipality_leaves_the_page_cached(client: Any,
                                                                world: Any) -> None:
    from politirad.models import PoliceCouncil

    meeting = make_meeting(world)
    path = f"/politirad/moter/{meeting.pk}/"
    _get(client, world.leader, path)
    PoliceCouncil.objects.create(name="Politirådet i Bergen", kind="local",
                                 municipality=world.bergen)
    assert client.get(path).headers.get("X-Page-Cache") == "hit"
    services.agenda_item_add(meeting=meeting, actor=world.police, title="Sak om skolevei",
                             description="", presenter="Paul")
    fresh = client.get(path)
    assert fresh.headers.get("X-Page-Cache") != "hit"
    assert "Sak om skolevei" in fresh.content.decode()


# --- The reports: cached under the findings, not under every write (issue #12) -----------


@pytest.fixture
def council_check(settings: Any) -> Any:
    """One check only: "the municipality has a police council" (a write elsewhere in the
    municipality leaves it as it is; a new council changes it)."""
    from django.utils.text import format_lazy

    from samarbeid import compliance
    from samarbeid.compliance import Check, Finding, Status

    def lazystr(text: str) -> Any:
        return format_lazy("{}", text)

    settings.COMPLIANCE_CACHE_SECONDS = 600

    def evaluate(qs: Any) -> dict[int, Any]:
        from politirad.models import PoliceCouncil

        have = set(PoliceCouncil.objects.filter(municipality__in=qs)
                   .values_list("municipality_id", flat=True))
        return {pk: Finding(Status.OK if pk in have else Status.FAIL)
                for pk in qs.values_list("pk", flat=True)}

    saved = dict(compliance._registry)
    compliance._read_tables.clear()  # what the real checks read, learned by earlier tests
    compliance._registry.clear()
    compliance.register(Check("test_council", lazystr("Har politiråd (test)"),
                              lazystr("§4 test"), "§4", "tests", evaluate))
    yield
    compliance._registry.clear()
    compliance._registry.update(saved)


OK_LIST = "/evaluering/rapporter/kommuner/?check=test_council&status=ok"


def _listed(client: Any, path: str = OK_LIST) -> Any:
    response = client.get(path)
    assert response.status_code == 200
    return response


def test_a_write_that_leaves_the_findings_as_they_were_keeps_the_report_cached(
        client: Any, world: Any, council_check: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # as a worker would, refreshed
        meeting = make_meeting(world)  # Stavanger has a council: OK
    client.force_login(world.admin)
    assert "Stavanger" in _listed(client).content.decode()
    assert _listed(client).headers.get("X-Page-Cache") == "hit"
    report = "/evaluering/rapporter/"
    _listed(client, report)
    assert _listed(client, report).headers.get("X-Page-Cache") == "hit"
    with django_capture_on_commit_callbacks(execute=True):  # the refresh runs after commit
        services.agenda_item_add(meeting=meeting, actor=world.police, title="Ny sak",
                                 description="", presenter="Paul")
    assert _listed(client).headers.get("X-Page-Cache") == "hit"
    assert _listed(client, report).headers.get("X-Page-Cache") == "hit"


def test_a_write_that_changes_the_findings_shows_on_the_next_report(
        client: Any, world: Any, council_check: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    from politirad.models import PoliceCouncil

    make_meeting(world)
    client.force_login(world.admin)
    _listed(client)
    assert "Bergen" not in _listed(client).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        PoliceCouncil.objects.create(name="Politirådet i Bergen", kind="local",
                                     municipality=world.bergen)
    fresh = _listed(client)
    assert fresh.headers.get("X-Page-Cache") != "hit"
    assert "Bergen" in fresh.content.decode()


def test_before_the_refresh_has_run_the_report_is_built_again(
        client: Any, world: Any, council_check: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    from politirad.models import PoliceCouncil

    make_meeting(world)
    client.force_login(world.admin)
    _listed(client)
    assert _listed(client).headers.get("X-Page-Cache") == "hit"
    # No worker has refreshed Bergen yet (the callbacks after commit do not run).
    with django_capture_on_commit_callbacks(execute=False):
        PoliceCouncil.objects.create(name="Politirådet i Bergen", kind="local",
                                     municipality=world.bergen)
    assert "Bergen" in _listed(client).content.decode()


def test_a_write_to_a_table_no_check_reads_leaves_the_findings_and_the_report(
        client: Any, world: Any, council_check: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    """The findings depend on the tables the checks read: an agenda item (which the one
    check here does not read) marks nothing pending, even before any refresh has run."""
    from politirad.models import PoliceCouncil
    from samarbeid import compliance

    meeting = make_meeting(world)
    client.force_login(world.admin)
    _listed(client)
    assert _listed(client).headers.get("X-Page-Cache") == "hit"
    marks = compliance.pending_marks([world.stavanger.pk, world.bergen.pk])
    with django_capture_on_commit_callbacks(execute=False):
        services.agenda_item_add(meeting=meeting, actor=world.police, title="Sak om skolevei",
                                 description="", presenter="Paul")
    assert compliance.pending_marks([world.stavanger.pk, world.bergen.pk]) == marks
    assert _listed(client).headers.get("X-Page-Cache") == "hit"
    with django_capture_on_commit_callbacks(execute=False):
        PoliceCouncil.objects.create(name="Politirådet i Bergen", kind="local",
                                     municipality=world.bergen)
    assert compliance.pending_marks([world.stavanger.pk, world.bergen.pk]) != marks
    assert "Bergen" in _listed(client).content.decode()


def test_a_renamed_municipality_shows_on_the_cached_report(
        client: Any, world: Any, council_check: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    make_meeting(world)
    client.force_login(world.admin)
    _listed(client)
    assert _listed(client).headers.get("X-Page-Cache") == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        world.stavanger.name = "Stavanger og omegn"
        world.stavanger.save()
    assert "Stavanger og omegn" in _listed(client).content.decode()


def test_the_daily_refresh_computes_every_municipality_for_the_reports(
        world: Any, council_check: Any, django_assert_max_num_queries: Any) -> None:
    from samarbeid import compliance
    from samarbeid.models import ComplianceSnapshot, Municipality

    count = compliance.refresh_all()
    assert count == Municipality.objects.count()
    assert ComplianceSnapshot.objects.filter(language="nb").count() == count
    with django_assert_max_num_queries(2):  # read back, not computed
        compliance.evaluate(Municipality.objects.all())


def test_the_daily_refresh_is_on_the_beat_schedule(settings: Any) -> None:
    from samarbeid import compliance

    entry = settings.CELERY_BEAT_SCHEDULE["compliance-daily"]
    assert entry["task"] == compliance.refresh_all_task.name
    assert entry["schedule"].hour == {0}


# --- Home and my tasks: the user's own municipalities and councils ------------------------


def test_a_write_elsewhere_leaves_home_cached_and_one_in_the_users_council_shows(
        client: Any, world: Any) -> None:
    from politirad.models import PoliceCouncil
    from tests.politirad.helpers import make_council, member

    council = make_council(world)
    member(council, world.leader)
    client.force_login(world.leader)
    _get(client, world.leader, "/")
    assert client.get("/").headers.get("X-Page-Cache") == "hit"
    PoliceCouncil.objects.create(name="Politirådet i Bergen", kind="local",
                                 municipality=world.bergen)
    assert client.get("/").headers.get("X-Page-Cache") == "hit"
    make_meeting(world, council)
    fresh = client.get("/")
    assert fresh.headers.get("X-Page-Cache") != "hit"
    assert "Rådhuset" in fresh.content.decode()


def test_a_council_task_assigned_to_the_user_shows_on_my_tasks_at_once(
        client: Any, world: Any) -> None:
    import datetime as dt

    from tests.politirad.helpers import make_council, member

    council = make_council(world)  # seats Bob, who holds no role: only his seat gives it
    meeting = make_meeting(world, council, days=-3)
    path = "/politirad/mine-oppgaver/"
    _get(client, world.member, path)
    assert client.get(path).headers.get("X-Page-Cache") == "hit"
    services.task_create(meeting=meeting, actor=world.police, title="Kartlegge skoleveier",
                         responsible_member=member(council, world.member),
                         deadline=timezone.localdate() + dt.timedelta(days=14))
    assert "Kartlegge skoleveier" in client.get(path).content.decode()


def test_a_task_given_to_someone_else_leaves_the_former_responsibles_page(
        client: Any, world: Any) -> None:
    """The row names only its new responsible after the change; the former one's cached
    "my tasks" must not go on listing it. Anyone who may read the task reads its council's
    municipalities, whose version the write bumps, so no hook on the old row is needed."""
    from politirad.models import Task
    from tests.politirad.helpers import make_council

    council = make_council(world)
    task = services.council_task_create(
        council=council, actor=world.police, title="Kartlegge skoleveier",
        responsible_user=world.leader, deadline=timezone.localdate() + dt.timedelta(days=14))
    path = "/politirad/mine-oppgaver/"
    assert "Kartlegge skoleveier" in _get(client, world.leader, path).content.decode()
    assert client.get(path).headers.get("X-Page-Cache") == "hit"
    fresh = Task.objects.get(pk=task.pk)
    fresh.responsible_user = world.police
    fresh.save()
    response = client.get(path)
    assert response.headers.get("X-Page-Cache") != "hit"
    assert "Kartlegge skoleveier" not in response.content.decode()


# --- Versions per table: a page goes cold on a write to what it read (issue #12) ---------


def test_a_comment_on_a_task_leaves_the_meeting_page_cached_and_a_new_status_shows(
        client: Any, world: Any) -> None:
    """The next meeting's page lists the open tasks of earlier ones, not their comments: a
    comment leaves its body as it was, a task done leaves the list on the next request."""
    from politirad.models import TaskStatus
    from tests.politirad.helpers import member

    earlier = make_meeting(world, days=-30)
    task = services.task_create(meeting=earlier, actor=world.police, title="Kartlegge skoleveier",
                                responsible_member=member(earlier.council, world.leader),
                                deadline=timezone.localdate() + dt.timedelta(days=14))
    meeting = make_meeting(world, earlier.council, days=10)
    path = f"/politirad/moter/{meeting.pk}/"
    assert "Kartlegge skoleveier" in _get(client, world.leader, path).content.decode()
    assert client.get(path).headers.get("X-Page-Cache") == "hit"
    services.task_update_status(task=task, actor=world.leader, status=task.status,
                                comment="Vi har startet")
    assert client.get(path).headers.get("X-Page-Cache") == "hit"
    services.task_update_status(task=task, actor=world.leader, status=TaskStatus.DONE,
                                comment="Ferdig")
    fresh = client.get(path)
    assert fresh.headers.get("X-Page-Cache") != "hit"
    assert "Kartlegge skoleveier" not in fresh.content.decode()


def test_the_comment_shows_at_once_on_the_task_page(client: Any, world: Any) -> None:
    from tests.politirad.helpers import member

    meeting = make_meeting(world, days=-3)
    task = services.task_create(meeting=meeting, actor=world.police, title="Kartlegge skoleveier",
                                responsible_member=member(meeting.council, world.leader),
                                deadline=timezone.localdate() + dt.timedelta(days=14))
    path = f"/politirad/oppgaver/{task.pk}/"
    _get(client, world.leader, path)
    client.get(path)
    services.task_update_status(task=task, actor=world.leader, status=task.status,
                                comment="Vi har startet på kartleggingen")
    assert "Vi har startet på kartleggingen" in client.get(path).content.decode()


def test_a_bulk_update_and_a_bulk_create_show_on_the_next_request(client: Any,
                                                                  world: Any) -> None:
    """QuerySet.update and bulk_create send no signal; they bump their table all the same."""
    from politirad.models import AgendaItem, Meeting

    meeting = make_meeting(world)
    path = f"/politirad/moter/{meeting.pk}/"
    _get(client, world.leader, path)
    assert client.get(path).headers.get("X-Page-Cache") == "hit"
    Meeting.objects.filter(pk=meeting.pk).update(place="Kulturhuset")
    assert "Kulturhuset" in client.get(path).content.decode()
    AgendaItem.objects.bulk_create([AgendaItem(meeting=meeting, number=9, title="Sak om bading")])
    assert "Sak om bading" in client.get(path).content.decode()


def test_moving_a_reminder_leaves_the_pages_cached(client: Any, world: Any) -> None:
    """A reminder scan claims rows by moving their next reminder, which no page shows."""
    from politirad.models import Task
    from tests.politirad.helpers import member

    meeting = make_meeting(world, days=-3)
    services.task_create(meeting=meeting, actor=world.police, title="Kartlegge skoleveier",
                         responsible_member=member(meeting.council, world.leader),
                         deadline=timezone.localdate() + dt.timedelta(days=14))
    path = f"/politirad/moter/{meeting.pk}/"
    _get(client, world.leader, path)
    assert client.get(path).headers.get("X-Page-Cache") == "hit"
    Task.objects.filter(meeting=meeting).update(next_reminder_at=timezone.now())
    assert client.get(path).headers.get("X-Page-Cache") == "hit"


def test_a_new_task_rebuilds_the_tasks_of_home_not_the_whole_page(
        client: Any, world: Any, monkeypatch: Any) -> None:
    """Home's sections are cached parts: after a task is given to the user the page is
    built again with the tasks read again and the upcoming meetings from the cache."""
    from politirad import selectors
    from tests.politirad.helpers import make_council, member

    council = make_council(world)
    member(council, world.leader)
    make_meeting(world, council, days=5)
    assert "Rådhuset" in _get(client, world.leader, "/").content.decode()
    calls = _counted(monkeypatch, selectors, "upcoming_meetings_for")
    services.council_task_create(council=council, actor=world.police,
                                 title="Kartlegge skoleveier", responsible_user=world.leader,
                                 deadline=timezone.localdate() + dt.timedelta(days=14))
    fresh = client.get("/")
    assert fresh.headers.get("X-Page-Cache") != "hit"
    assert "Kartlegge skoleveier" in fresh.content.decode()
    assert "Rådhuset" in fresh.content.decode()  # the upcoming meeting, from its part
    assert calls == []
    services.meeting_create(council=council, actor=world.police, place="Kulturhuset",
                            starts_at=timezone.now() + dt.timedelta(days=3))
    assert "Kulturhuset" in client.get("/").content.decode()
    assert len(calls) == 1


def test_a_new_status_rebuilds_the_council_pages_tasks_not_its_meetings(
        client: Any, world: Any, monkeypatch: Any) -> None:
    """The council page's sections are cached fragments: a task's new status is on the
    next request, read again, while the meetings come from the cache; a new meeting is
    read again too."""
    from politirad import selectors
    from politirad.models import TaskStatus

    meeting, task = _held_with_task(world)
    council = meeting.council
    path = f"/politirad/rad/{council.pk}/"
    first = _get(client, world.leader, path).content.decode()
    assert "Kartlegge skoleveier" in first and "Pågår" not in first
    calls = _counted(monkeypatch, selectors, "council_meetings")
    services.task_update_status(task=task, actor=world.leader, status=TaskStatus.IN_PROGRESS)
    fresh = client.get(path)
    assert fresh.headers.get("X-Page-Cache") != "hit"
    body = fresh.content.decode()
    assert "Pågår" in body  # the task's new status
    assert body.count(f"/politirad/moter/{meeting.pk}/") == first.count(
        f"/politirad/moter/{meeting.pk}/")  # the meeting, from its fragment
    assert calls == []
    services.meeting_create(council=council, actor=world.police, place="Kulturhuset",
                            starts_at=timezone.now() + dt.timedelta(days=3))
    client.get(path)
    assert len(calls) == 1


def test_a_fragment_follows_what_the_page_read_before_it(client: Any, world: Any) -> None:
    """The agenda items' fragment offers «Change item» from what the page read (the
    minutes): approved minutes freeze the meeting, and the cached fragment goes with it."""
    from politirad.models import Minutes
    from tests.politirad.helpers import make_minutes

    meeting = make_minutes(world, exempt=False)
    path = f"/politirad/moter/{meeting.pk}/"
    assert "Endre sak 1" in _get(client, world.police, path).content.decode()
    assert client.get(path).headers.get("X-Page-Cache") == "hit"
    services.minutes_approve(minutes=Minutes.objects.get(meeting=meeting), actor=world.leader)
    body = client.get(path).content.decode()
    assert 'id="frozen-notice"' in body
    assert "Endre sak 1" not in body


def test_a_counter_that_stays_the_same_leaves_the_meeting_row_as_it_was(world: Any) -> None:
    """A task moving between two open statuses leaves its meeting's stored counts as they
    were: no write to the meeting, so no page listing the meeting is built again."""
    from politirad.models import Meeting, TaskStatus
    from politirad.services.counters import meeting_counters_refresh

    meeting, task = _held_with_task(world)
    assert Meeting.objects.get(pk=meeting.pk).open_task_count == 1
    services.task_update_status(task=task, actor=world.leader, status=TaskStatus.IN_PROGRESS)
    assert meeting_counters_refresh(meeting_ids=[meeting.pk]) == 0
    services.task_update_status(task=task, actor=world.leader, status=TaskStatus.DONE)
    assert Meeting.objects.get(pk=meeting.pk).open_task_count == 0


def test_a_form_in_a_cached_fragment_carries_the_readers_own_csrf_token(world: Any) -> None:
    """The council's members (with their «Remove» forms) come from a cached fragment when
    the page is built again; the token in those forms is this reader's and is accepted."""
    from django.test import Client

    from politirad.models import TaskStatus

    meeting, task = _held_with_task(world)
    path = f"/politirad/rad/{meeting.council.pk}/"
    builder = Client()
    builder.force_login(world.police)  # builds the members' fragment with its own token
    assert "/fjern/" in builder.get(path).content.decode()
    services.task_update_status(task=task, actor=world.leader, status=TaskStatus.IN_PROGRESS)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.police)
    body = client.get(path).content.decode()
    marker = 'name="csrfmiddlewaretoken" value="'
    assert marker in body and "\x00" not in body
    token = body.split(marker, 1)[1].split('"', 1)[0]
    response = client.post("/i18n/setlang/", {"language": "nn", "next": "/",
                                              "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_a_cached_row_follows_the_values_it_shows(client: Any, world: Any) -> None:
    """Task rows are rendered once per the values they show (`{% cached_row %}`): the
    responsible's new name and the reader's language show at once, never an older row."""
    from tests.politirad.helpers import member

    meeting = make_meeting(world, days=-5)
    services.task_create(meeting=meeting, actor=world.police, title="Kartlegge skoleveier",
                         responsible_member=member(meeting.council, world.leader),
                         deadline=timezone.localdate() + dt.timedelta(days=14))
    path = f"/politirad/rad/{meeting.council.pk}/"
    first = _get(client, world.police, path).content.decode()
    assert "Kartlegge skoleveier" in first and ">Open<" not in first
    world.leader.first_name, world.leader.last_name = "Kari", "Nordmann-Berg"
    world.leader.save()
    assert "Kari Nordmann-Berg" in client.get(path).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": path})
    body = client.get(path).content.decode()
    assert "Kari Nordmann-Berg" in body and ">Open<" in body


def test_the_agenda_is_empty_only_when_it_has_no_item_and_nothing_to_follow_up(
        client: Any, world: Any) -> None:
    """The meeting page's agenda reads its items inside their own fragment and says «empty»
    only when neither items nor open tasks to follow up are on it, as the page is rebuilt
    after each change."""
    from politirad.models import TaskStatus
    from tests.politirad.helpers import member

    empty = "Dagsordenen er tom"
    earlier = make_meeting(world, days=-30)
    task = services.task_create(meeting=earlier, actor=world.police, title="Kartlegge skoleveier",
                                responsible_member=member(earlier.council, world.leader),
                                deadline=timezone.localdate() + dt.timedelta(days=14))
    meeting = make_meeting(world, earlier.council, days=10, items=0)
    path = f"/politirad/moter/{meeting.pk}/"
    body = _get(client, world.leader, path).content.decode()
    assert "Kartlegge skoleveier" in body and empty not in body
    services.task_update_status(task=task, actor=world.leader, status=TaskStatus.DONE)
    body = client.get(path).content.decode()
    assert "Kartlegge skoleveier" not in body and empty in body
    services.agenda_item_add(meeting=meeting, actor=world.police, title="Trygg skolevei")
    body = client.get(path).content.decode()
    assert "Trygg skolevei" in body and empty not in body
    assert body.index('class="list-group list-group-numbered"') < body.index("Trygg skolevei")


def test_the_process_copy_of_a_page_expires_with_the_shared_one(client: Any, world: Any,
                                                                monkeypatch: Any) -> None:
    """A body is kept in the process as well as in Redis, never longer: once its time is
    up the page is built again (a page that shows the time of day, e.g. an agenda now
    overdue, is at most PAGE_CACHE_SECONDS old)."""
    import time as clock

    from samarbeid import pagecache

    path = f"/politirad/moter/{make_meeting(world).pk}/"
    _get(client, world.leader, path)
    assert client.get(path).headers.get("X-Page-Cache") == "hit"
    later = clock.time() + pagecache._seconds() + 1
    monkeypatch.setattr(pagecache.time, "time", lambda: later)
    assert client.get(path).headers.get("X-Page-Cache") != "hit"


def test_a_part_that_is_not_text_is_a_copy_of_its_own_for_each_request(world: Any) -> None:
    """Parts are kept in the process too; a list one request changes is not what the next
    request gets."""
    from samarbeid import pagecache
    from samarbeid.models import Municipality

    def build() -> list[str]:
        return list(Municipality.objects.filter(number="1103").values_list("name", flat=True))

    first = pagecache.cached_part("test:list", world.leader, set(), build)
    first.append("Endret")
    again = pagecache.cached_part("test:list", world.leader, set(), lambda: ["Bygget på nytt"])
    assert again == ["Stavanger"]


def test_a_part_a_page_builds_is_stored_as_built_not_as_the_page_left_it(world: Any) -> None:
    """Inside a cached page the parts it built are stored when the request ends; what the
    page did to a part's value meanwhile (an attribute set, a related row read) is not what
    the next request gets."""
    from samarbeid import pagecache
    from samarbeid.models import Municipality

    def build() -> list[str]:
        return list(Municipality.objects.filter(number="1103").values_list("name", flat=True))

    memo: dict[Any, Any] = {}
    token = pagecache._memo.set(memo)
    try:
        first = pagecache.cached_part("test:built", world.leader, set(), build)
        first.append("Endret etterpå")
    finally:
        pagecache._memo.reset(token)
    pagecache._store(memo[pagecache._PENDING], "test")
    again = pagecache.cached_part("test:built", world.leader, set(), lambda: ["Bygget på nytt"])
    assert again == ["Stavanger"]


def test_a_task_write_leaves_the_council_read_and_a_new_name_shows(
        client: Any, world: Any, monkeypatch: Any) -> None:
    """The council and meeting pages keep their own object as a part: a task's new status
    rebuilds the page without reading the council again; the council's new name shows on
    the next request."""
    from politirad import services as council_services
    from politirad.models import TaskStatus
    from samarbeid import policy

    meeting, task = _held_with_task(world)
    council = meeting.council
    paths = [f"/politirad/rad/{council.pk}/", f"/politirad/moter/{meeting.pk}/"]
    client.force_login(world.leader)  # once: a login bumps the user's own versions
    for path in paths:
        assert client.get(path).status_code == 200
    calls = _counted(monkeypatch, policy, "instances")
    services.task_update_status(task=task, actor=world.leader, status=TaskStatus.IN_PROGRESS)
    for path in paths:
        assert client.get(path).headers.get("X-Page-Cache") != "hit"  # built again
    assert "Pågår" in client.get(paths[0]).content.decode()  # the council's open tasks
    assert calls == []
    council_services.council_update(council=council, actor=world.police, name="Trygge Stavanger",
                                    kind=council.kind, theme=council.theme,
                                    description=council.description,
                                    bylaws_review_on=council.bylaws_review_on, municipalities=[],
                                    public_minutes=council.public_minutes)
    for path in paths:
        assert "Trygge Stavanger" in client.get(path).content.decode()
    assert len(calls) == 2


def test_a_page_asked_for_again_reads_its_versions_with_the_users(
        client: Any, world: Any, monkeypatch: Any) -> None:
    """The versions a page read last time for this user are read with the user's own, in
    the authentication middleware's round trip: none is asked for again, and a write in
    between still shows."""
    from django.core.cache import caches

    meeting = make_meeting(world, days=-5)
    path = f"/politirad/rad/{meeting.council.pk}/"
    _get(client, world.leader, path)
    backend = caches["default"]
    asked: list[list[str]] = []
    plain = backend.get_many

    def get_many(keys: Any, *args: Any, **kwargs: Any) -> Any:
        asked.append(list(keys))
        return plain(keys, *args, **kwargs)

    monkeypatch.setattr(backend, "get_many", get_many)
    assert client.get(path).headers.get("X-Page-Cache") == "hit"
    with_versions = [keys for keys in asked if any(k.startswith("pc:v:") for k in keys)]
    assert len(with_versions) == 1 and any(k.startswith("auth:") or "pc:v:auth_user" in k
                                           for k in with_versions[0])
    new = services.meeting_create(council=meeting.council, actor=world.police,
                                  place="Kulturhuset",
                                  starts_at=timezone.now() + dt.timedelta(days=3))
    assert f"/politirad/moter/{new.pk}/" in client.get(path).content.decode()


def test_the_marks_of_the_whole_country_are_read_as_exactly_as_a_few(world: Any) -> None:
    """A page of every municipality reads all pending marks at once (one hash on Redis): a
    municipality marked pending shows among them, a refresh clears only the mark it read,
    and a mark set after that read stays until its own refresh."""
    from samarbeid import compliance
    from samarbeid.models import Municipality

    every = list(Municipality.objects.order_by("pk").values_list("pk", flat=True))
    assert len(every) > 13  # more than the few read a key each
    key = f"compliance:pending:{world.bergen.pk}"
    assert not [m for m in compliance.pending_marks(every) if m.startswith(key + "=")]
    compliance.mark_pending({world.bergen.pk})
    marked = [m for m in compliance.pending_marks(every) if m.startswith(key + "=")]
    assert len(marked) == 1 and marked[0] in compliance.pending_marks([world.bergen.pk])
    before = cache.get_many([key])
    compliance.mark_pending({world.bergen.pk})  # a write while the refresh computed
    compliance._clear_pending(before)
    again = [m for m in compliance.pending_marks(every) if m.startswith(key + "=")]
    assert len(again) == 1 and again != marked
    compliance._clear_pending(cache.get_many([key]))
    assert not [m for m in compliance.pending_marks(every) if m.startswith(key + "=")]


def _cache_reads(monkeypatch: Any) -> list[list[str]]:
    """The keys of each read of the shared cache from now on (get and get_many). A
    backend whose get_many calls its own get per key (the local-memory cache of `make
    test` without Redis) still makes one read of it."""
    from django.core.cache import caches

    backend = caches["default"]
    asked: list[list[str]] = []
    plain_get, plain_many = backend.get, backend.get_many
    inside_many = [False]

    def get(key: Any, *args: Any, **kwargs: Any) -> Any:
        if not inside_many[0]:
            asked.append([key])
        return plain_get(key, *args, **kwargs)

    def get_many(keys: Any, *args: Any, **kwargs: Any) -> Any:
        asked.append(list(keys))
        inside_many[0] = True
        try:
            return plain_many(keys, *args, **kwargs)
        finally:
            inside_many[0] = False

    monkeypatch.setattr(backend, "get", get)
    monkeypatch.setattr(backend, "get_many", get_many)
    return asked


def test_a_repeat_request_reads_its_session_and_versions_in_one_round_trip(
        client: Any, world: Any, monkeypatch: Any) -> None:
    """A page asked for again reads the session with the user's, the principal's and the
    page's versions: one read of the shared cache in all (the body is the process's)."""
    meeting = make_meeting(world, days=-5)
    path = f"/politirad/moter/{meeting.pk}/"
    first = _get(client, world.leader, path)
    asked = _cache_reads(monkeypatch)
    again = client.get(path)
    assert again.headers.get("X-Page-Cache") == "hit"
    assert again.content.decode().count("Sak 1") == first.content.decode().count("Sak 1") > 0
    assert len(asked) == 1
    assert any(k.startswith("django.contrib.sessions") for k in asked[0])
    assert any(k.startswith("pc:v:") for k in asked[0])


def test_a_session_this_process_knew_as_another_users_shows_its_own_user(
        client: Any, world: Any) -> None:
    """The session's user the process remembers is only a hint of what to read with the
    session: a wrong one reads keys for nothing, and the page is still its own user's."""
    from samarbeid import middleware

    _get(client, world.leader, "/")
    middleware._session_users[client.session.session_key] = world.police.pk
    body = client.get("/").content.decode()
    assert f">{world.leader.get_full_name()}</a>" in body
    assert f">{world.police.get_full_name()}</a>" not in body


def test_a_page_built_again_reads_its_body_and_fragments_in_one_round_trip(
        client: Any, world: Any, monkeypatch: Any) -> None:
    """After a write the page shows, the body and the fragment that changed are read in
    one round trip with the fragments that did not (those the process lacks), and the new
    status shows."""
    from politirad.models import TaskStatus

    meeting, task = _held_with_task(world)
    path = f"/politirad/rad/{meeting.council.pk}/"
    _get(client, world.leader, path)
    client.get(path)
    services.task_update_status(task=task, actor=world.leader, status=TaskStatus.IN_PROGRESS)
    from samarbeid import pagecache

    pagecache.forget_local()  # as a worker that built none of the page's fragments
    asked = _cache_reads(monkeypatch)
    fresh = client.get(path)
    assert fresh.headers.get("X-Page-Cache") != "hit"
    assert "Pågår" in fresh.content.decode()
    stored = [keys for keys in asked if any(k.startswith(("pc:body:", "pc:part:")) for k in keys)]
    assert len(stored) == 1
    assert sum(k.startswith("pc:part:") for k in stored[0]) >= 4  # the council's fragments


def test_home_shows_a_new_role_at_once(client: Any, world: Any) -> None:
    """"Your roles" on the home page is a cached part (samarbeid/views.py home): a role
    given since the last request is listed on the next one, in the reader's language."""
    import re

    from samarbeid import services as core_services
    from samarbeid.models import Role

    def roles_line() -> str:
        body = client.get("/").content.decode()
        found = re.search(r'<p class="lead" id="my-roles">(.*?)</p>', body, re.S)
        assert found is not None
        return found.group(1)

    client.force_login(world.leader)
    before = roles_line()
    assert roles_line() == before  # cached now
    assert "SLT-koordinator" not in before
    core_services.membership_create(user=world.leader, role=Role.SLT_COORDINATOR,
                                    municipality=world.stavanger, actor=world.admin)
    after = roles_line()
    assert "SLT-koordinator – Stavanger" in after
