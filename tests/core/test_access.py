from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from samarbeid import access, services
from samarbeid.models import Membership, Municipality, Role
from tests.factories import OperationalUnitFactory, UserFactory, municipality, user_with_role

pytestmark = pytest.mark.django_db


def names(user: Any) -> set[str]:
    return set(access.municipalities(user).values_list("name", flat=True))


def test_each_role_sees_its_municipalities(world: Any) -> None:
    assert names(world.leader) == {"Stavanger"}
    assert names(world.member) == set()  # no role: nothing of any municipality
    assert names(world.police) == {"Stavanger"}
    assert names(world.outsider) == {"Bergen"}
    sor_vest = set(Municipality.objects.filter(police_district__name="Sør-Vest")
                   .values_list("name", flat=True))
    assert names(world.chief) == sor_vest and "Sirdal" in sor_vest
    assert access.municipalities(world.admin).count() == 357


def test_police_leadership_sees_the_municipalities_of_its_unit(world: Any) -> None:
    unit = OperationalUnitFactory(name="Haugaland")
    Municipality.objects.filter(name__in=["Haugesund", "Karmøy"]).update(operational_unit=unit)
    leader = user_with_role(Role.POLICE_LEADERSHIP, operational_unit=unit)
    assert names(leader) == {"Haugesund", "Karmøy"}
    assert access.can(leader, access.Level.WORK, municipality("Karmøy"))
    assert not access.can(leader, access.Level.ADMIN, municipality("Karmøy"))


def test_user_without_role_sees_nothing(db: Any) -> None:
    assert names(UserFactory()) == set()


def test_levels(world: Any) -> None:
    s = world.stavanger
    assert not access.can(world.member, access.Level.VIEW, s)
    assert access.can(world.leader, access.Level.VIEW, s)
    assert access.can(world.leader, access.Level.WORK, s)
    assert not access.can(world.leader, access.Level.ADMIN, s)
    assert access.can(world.chief, access.Level.ADMIN, s)
    assert not access.can(world.outsider, access.Level.VIEW, s)


def test_signing_authority_follows_the_membership(world: Any) -> None:
    assert access.can_sign_for_municipality(world.leader, world.stavanger)
    assert not access.can_sign_for_municipality(world.police, world.stavanger)
    assert access.can_sign_for_police(world.chief, world.stavanger)
    assert not access.can_sign_for_police(world.leader, world.stavanger)
    assert not access.can_sign_for_police(world.chief, world.bergen)


def test_ending_a_membership_revokes_access(world: Any, client: Any) -> None:
    url = reverse("municipality_detail", args=[world.stavanger.number])
    client.force_login(world.police)
    assert client.get(url).status_code == 200
    membership = Membership.objects.get(user=world.police)
    services.membership_end(membership=membership)
    assert client.get(url).status_code == 404
    assert names(world.police) == set()


def test_a_council_seat_gives_the_council_and_nothing_of_the_municipality(
        world: Any, client: Any) -> None:
    from tests.politirad.helpers import make_council

    council = make_council(world)  # seats bob, who holds no role
    client.force_login(world.member)
    assert client.get(reverse("politirad:council_detail", args=[council.pk])).status_code == 200
    for name in ("municipality_detail", "municipality_participation"):
        assert client.get(reverse(name, args=[world.stavanger.number])).status_code == 404
    assert names(world.member) == set()
    assert not access.can(world.member, access.Level.VIEW, world.stavanger)


def test_a_role_that_ends_tomorrow_gives_nothing_tomorrow_with_no_job_run(
        world: Any, client: Any, monkeypatch: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from samarbeid import notify

    today = timezone.localdate()
    membership = Membership.objects.get(user=world.police)
    services.membership_end(membership=membership, ends_on=today + dt.timedelta(days=1))
    url = reverse("municipality_detail", args=[world.stavanger.number])
    client.force_login(world.police)
    assert client.get(url).status_code == 200  # the cached principal of today
    # The next day comes; nothing is saved and no periodic job runs in between.
    assert not [name for name in notify._scans if "membership" in name]
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + dt.timedelta(days=1))
    assert client.get(url).status_code == 404
    assert names(world.police) == set()


def test_a_role_ending_today_gives_nothing_today(world: Any, client: Any) -> None:
    membership = Membership.objects.get(user=world.police)
    services.membership_end(membership=membership)  # ends_on = today
    client.force_login(world.police)
    assert client.get(reverse("municipality_detail",
                              args=[world.stavanger.number])).status_code == 404


def test_deleting_memberships_in_bulk_removes_access_at_once(world: Any, client: Any) -> None:
    url = reverse("municipality_detail", args=[world.stavanger.number])
    client.force_login(world.police)
    assert client.get(url).status_code == 200  # the principal is now cached
    # Like the admin's "delete selected" action or the shell: no service, a queryset delete.
    Membership.objects.filter(user=world.police).delete()
    assert client.get(url).status_code == 404
    assert names(world.police) == set()


def test_a_second_role_keeps_access_when_one_ends(world: Any) -> None:
    slt = services.membership_create(user=world.leader, role=Role.SLT_COORDINATOR,
                                     municipality=world.stavanger)
    leader_role = Membership.objects.get(user=world.leader, role=Role.MUNICIPAL_LEADER)
    services.membership_end(membership=leader_role)
    assert names(world.leader) == {"Stavanger"}
    services.membership_end(membership=slt)
    assert names(world.leader) == set()


def test_membership_needs_its_scope(db: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.membership_create(user=UserFactory(), role=Role.MUNICIPAL_LEADER)
    assert "municipality" in exc.value.message_dict


def test_outsider_gets_404_and_reader_403(world: Any, client: Any) -> None:
    client.force_login(world.outsider)
    detail = reverse("municipality_detail", args=[world.stavanger.number])
    response = client.get(detail)
    assert response.status_code == 404
    assert "Fant ikke siden" in response.content.decode()
    assert "Stavanger" not in response.content.decode()
    # A council seat gives nothing of the municipality: its pages are 404, not 403.
    client.force_login(world.member)
    response = client.get(reverse("municipality_participation", args=[world.stavanger.number]))
    assert response.status_code == 404
    # Someone who sees the municipality but may not administer it gets 403.
    client.force_login(world.leader)
    response = client.get(reverse("politikontakt:assignment_create",
                                  args=[world.stavanger.number]))
    assert response.status_code == 403
    assert "Du har ikke tilgang" in response.content.decode()


def test_inactive_user_sees_nothing(world: Any) -> None:
    world.leader.is_active = False
    world.leader.save()
    access.forget(world.leader)
    assert names(world.leader) == set()


def test_dated_roles_take_effect_on_their_day(world: Any, client: Any, monkeypatch: Any
                                             ) -> None:
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    future = UserFactory()
    services.membership_create(user=future, role=Role.MUNICIPAL_LEADER,
                               municipality=world.sandnes,
                               starts_on=today + dt.timedelta(days=3))
    url = reverse("municipality_detail", args=[world.sandnes.number])
    client.force_login(future)
    assert names(future) == set()
    assert client.get(url).status_code == 404
    # On the start day the role gives access, with no job run and nothing saved in between.
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + dt.timedelta(days=3))
    assert client.get(url).status_code == 200
    assert names(future) == {"Sandnes"}


def test_core_admin_refuses_police_contact_roles(world: Any, client: Any) -> None:
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    response = client.post("/admin/samarbeid/membership/add/", {
        "user": world.outsider.pk, "role": "police_contact", "municipality": world.sandnes.pk,
        "starts_on": "2026-01-01"})
    assert response.status_code == 200
    assert "tre kommuner" in response.content.decode()
    assert not Membership.objects.filter(user=world.outsider, role="police_contact").exists()
