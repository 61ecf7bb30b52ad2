"""The principal: built from the rows in at most two queries, cached across requests, bumped
by every write to the rows that give access, and independent of any scheduler."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from politirad.models import Minutes
from samarbeid import policy, services
from samarbeid.models import Membership, Role
from tests.factories import UserFactory, municipality

pytestmark = pytest.mark.django_db


def fresh(user: Any) -> Any:
    """The same account as a new request sees it (a new user object, no memo)."""
    return get_user_model().objects.get(pk=user.pk)


def test_built_in_at_most_two_queries_and_then_read_from_the_cache() -> None:
    user = UserFactory.create()
    services.membership_create(user=user, role=Role.MUNICIPAL_LEADER,
                               municipality=municipality("Stavanger"))
    policy.bump(user.pk)  # start cold (not cache.clear(): Redis also carries the broker)
    first, second = fresh(user), fresh(user)
    with CaptureQueriesContext(connection) as built:
        principal = policy.for_user(first)
    assert len(built) <= 2, [q["sql"] for q in built]
    assert principal.municipal_roles == {municipality("Stavanger").pk: {Role.MUNICIPAL_LEADER}}
    with CaptureQueriesContext(connection) as warm:
        again = policy.for_user(second)
    assert len(warm) == 0
    assert again.municipal_roles == principal.municipal_roles


def test_a_new_role_is_seen_on_the_next_request_without_waiting() -> None:
    user = UserFactory.create()
    assert not policy.for_user(fresh(user)).municipal_roles  # cached: no roles
    services.membership_create(user=user, role=Role.SLT_COORDINATOR,
                               municipality=municipality("Sandnes"))
    assert municipality("Sandnes").pk in policy.for_user(fresh(user)).municipal_roles


def test_a_role_that_ends_today_gives_nothing_today_and_a_future_role_nothing_yet() -> None:
    user = UserFactory.create()
    today = timezone.localdate()
    ended = services.membership_create(user=user, role=Role.MUNICIPAL_LEADER,
                                       municipality=municipality("Stavanger"),
                                       starts_on=today - dt.timedelta(days=400))
    services.membership_create(user=user, role=Role.POLICE_CONTACT,
                               municipality=municipality("Sola"),
                               starts_on=today + dt.timedelta(days=1))
    services.membership_end(membership=ended, ends_on=today)
    assert policy.for_user(fresh(user)).municipal_roles == {}


def test_a_cached_principal_is_not_used_the_next_day(monkeypatch: Any) -> None:
    """A role ending tomorrow stops tomorrow with no scheduler and no write: the day is
    part of the cache key."""
    user = UserFactory.create()
    today = timezone.localdate()
    services.membership_create(user=user, role=Role.MUNICIPAL_LEADER,
                               municipality=municipality("Stavanger"))
    Membership.objects.filter(user=user).update(ends_on=today + dt.timedelta(days=1))
    policy.bump(user.pk)  # start cold (not cache.clear(): Redis also carries the broker)
    assert policy.for_user(fresh(user)).municipal_roles  # today: still mayor
    monkeypatch.setattr(policy.timezone, "localdate", lambda: today + dt.timedelta(days=1))
    assert policy.for_user(fresh(user)).municipal_roles == {}


def test_deleting_memberships_in_bulk_ends_access_at_once(client: Any) -> None:
    """The admin's "delete selected" is a queryset delete: no service runs, and there is no
    mirror of permissions left behind to keep the user in."""
    stavanger = municipality("Stavanger")
    user = UserFactory.create()
    services.membership_create(user=user, role=Role.MUNICIPAL_LEADER, municipality=stavanger)
    client.force_login(user)
    url = reverse("municipality_detail", args=[stavanger.number])
    assert client.get(url).status_code == 200
    Membership.objects.filter(user=user).delete()
    assert client.get(url).status_code == 404


class _BrokenCache:
    def __getattr__(self, name: str) -> Any:
        def fail(*args: Any, **kwargs: Any) -> Any:
            raise ConnectionError("cache down")
        return fail


def test_the_principal_is_built_from_the_database_when_the_cache_is_down(monkeypatch: Any
                                                                          ) -> None:
    user = UserFactory.create()
    services.membership_create(user=user, role=Role.POLICE_CONTACT,
                               municipality=municipality("Stavanger"))
    monkeypatch.setattr(policy, "cache", _BrokenCache())
    principal = policy.for_user(fresh(user))
    assert principal.municipal_roles == {municipality("Stavanger").pk: {Role.POLICE_CONTACT}}
    policy.bump(user.pk)  # a write during the outage does not fail either


def test_an_account_with_a_reused_id_does_not_get_the_old_principal() -> None:
    """SQLite can hand out an id again after a rollback; the account's creation time is part
    of the key, so the new account never reads the old one's cached roles."""
    user = UserFactory.create()
    services.membership_create(user=user, role=Role.MUNICIPAL_LEADER,
                               municipality=municipality("Stavanger"))
    assert policy.for_user(fresh(user)).municipal_roles
    other = fresh(user)
    other.date_joined = user.date_joined + dt.timedelta(seconds=5)
    Membership.objects.filter(user=user).update(ends_on=timezone.localdate())  # no signal
    assert policy.for_user(other).municipal_roles == {}


def test_a_bulk_update_of_memberships_is_seen_on_the_next_request(client: Any) -> None:
    """queryset.update() sends no signal; the queryset bumps the users' principals itself."""
    stavanger = municipality("Stavanger")
    user = UserFactory.create()
    services.membership_create(user=user, role=Role.MUNICIPAL_LEADER, municipality=stavanger)
    client.force_login(user)
    url = reverse("municipality_detail", args=[stavanger.number])
    assert client.get(url).status_code == 200
    Membership.objects.filter(user=user).update(ends_on=timezone.localdate())
    assert client.get(url).status_code == 404


def test_a_council_made_outside_the_services_is_seen_by_its_municipality(client: Any) -> None:
    from politirad.models import PoliceCouncil

    stavanger = municipality("Stavanger")
    mayor = UserFactory.create()
    services.membership_create(user=mayor, role=Role.MUNICIPAL_LEADER, municipality=stavanger)
    council = PoliceCouncil.objects.create(name="Rådet fra admin", municipality=stavanger)
    client.force_login(mayor)
    assert client.get(reverse("politirad:council_detail", args=[council.pk])).status_code == 200


def test_every_municipality_bound_model_restricts_by_the_same_rule(world: Any) -> None:
    """Agreements, their versions, SLT measures, evaluations and assignments answer
    `restrict()` with the access module's rule: the mayor sees Stavanger's, the business
    member (a seat, no role) and the Bergen mayor see none, the national admin all."""
    from avtaler.models import Agreement, AgreementVersion
    from evaluering.models import Evaluation
    from politikontakt.models import Assignment
    from slt.models import SltMeasure
    from tests.avtaler.helpers import in_force_version

    in_force_version(world)
    for model in (Agreement, AgreementVersion, SltMeasure, Evaluation, Assignment):
        everything = set(model.objects.values_list("pk", flat=True))
        assert set(model.objects.restrict(world.admin).values_list("pk", flat=True)) == everything
        for outsider in (world.outsider, world.member):
            assert not model.objects.restrict(outsider).exists(), (model, outsider)
    assert Agreement.objects.restrict(world.leader).filter(
        municipality=world.stavanger).exists()
    assert Agreement.objects.restrict(world.leader, "change").exists()
    assert not Agreement.objects.restrict(world.leader, "admin").exists()
    assert Agreement.objects.restrict(world.chief, "admin").exists()


def test_rows_keep_the_sql_per_principal_and_read_the_rows_anew(world: Any) -> None:
    """policy.rows keeps a restricted query's SQL per principal: another reader gets their
    own rows (none of another's), and a new row shows on the next call."""
    from politirad import selectors
    from politirad import services as council_services
    from tests.politirad.helpers import make_council

    council = make_council(world)

    def mine(user: Any) -> list[tuple[Any, ...]]:
        return policy.rows("test.my_tasks", user, lambda: (
            selectors.my_tasks(user, related=False).values_list("title", flat=False)))

    assert mine(world.leader) == []
    council_services.council_task_create(council=council, actor=world.police,
                                         title="Kartlegge", responsible_user=world.leader,
                                         deadline=timezone.localdate() + dt.timedelta(days=7))
    assert mine(world.leader) == [("Kartlegge",)]
    assert mine(world.outsider) == []


def test_instances_keep_the_sql_per_principal_and_read_the_objects_anew(world: Any) -> None:
    """policy.instances (a page's own object) gives what the queryset gives, with the rows
    it joins: per reader, read anew on every call, and none for a reader who may not."""
    from politirad.models import Meeting
    from politirad.selectors import get_in_council_or_404
    from tests.politirad.helpers import make_meeting

    meeting = make_meeting(world)
    qs = Meeting.objects.select_related("council__municipality", "minutes__approved_by")

    def read(user: Any) -> Meeting:
        return get_in_council_or_404(qs, user, name=f"test.meeting:{meeting.pk}", pk=meeting.pk)

    first = read(world.leader)
    assert (first.pk, first.council.name, first.council.municipality.name) == (
        meeting.pk, meeting.council.name, "Stavanger")
    assert first.starts_at == meeting.starts_at and first.place == "Rådhuset"
    with pytest.raises(Minutes.DoesNotExist):
        first.minutes  # noqa: B018 -- joined: no minutes, as the queryset says
    Meeting.objects.filter(pk=meeting.pk).update(place="Politihuset")
    again = read(world.leader)
    assert again.place == "Politihuset" and again is not first
    with pytest.raises(Http404):
        read(world.outsider)
    with pytest.raises(Http404):
        get_in_council_or_404(qs, world.leader, name="test.meeting:none", pk=0)


def test_rows_by_ids_read_the_rows_of_the_ids_given_and_refuse_other_filters(world: Any) -> None:
    """policy.rows_by_ids reads the columns of rows a restricted query chose, with one SQL
    for any ids; a query that varies in more than its ids is refused (PostgreSQL)."""
    from samarbeid.models import Municipality

    ids = list(Municipality.objects.filter(number__in=["1103", "4601"]).values_list(
        "pk", flat=True))
    found = policy.rows_by_ids("test.municipalities", ids, lambda pks: (
        Municipality.objects.filter(pk__in=pks).values_list("name").order_by("name")))
    assert found == [("Bergen",), ("Stavanger",)]
    assert policy.rows_by_ids("test.municipalities", ids[:1], lambda pks: (
        Municipality.objects.filter(pk__in=pks).values_list("name"))) in (
        [("Bergen",)], [("Stavanger",)])
    if connection.vendor == "postgresql":
        with pytest.raises(ValueError):
            policy.rows_by_ids("test.municipalities.named", ids, lambda pks: (
                Municipality.objects.filter(pk__in=pks, name="Bergen").values_list("name")))


def test_rows_by_ids_keep_the_constants_of_their_columns(world: Any) -> None:
    """A column built with constants (a blank between two names) is read with them, for
    any ids."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Concat

    from samarbeid.models import Municipality

    def build(pks: Any) -> Any:
        return Municipality.objects.filter(pk__in=pks).annotate(label=Concat(
            "name", Value(" kommune"), output_field=CharField())).values_list("label")

    bergen = Municipality.objects.filter(number="4601").values_list("pk", flat=True)[0]
    stavanger = Municipality.objects.filter(number="1103").values_list("pk", flat=True)[0]
    assert policy.rows_by_ids("test.municipalities.label", [bergen], build) == [("Bergen kommune",)]
    assert policy.rows_by_ids("test.municipalities.label", [stavanger], build) == [
        ("Stavanger kommune",)]
