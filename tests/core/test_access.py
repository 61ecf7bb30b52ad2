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
    assert names(world.member) == {"Stavanger"}
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
    assert access.can(world.member, access.Level.VIEW, s)
    assert not access.can(world.member, access.Level.WORK, s)
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
    client.force_login(world.member)
    assert client.get(url).status_code == 200
    membership = Membership.objects.get(user=world.member)
    services.membership_end(membership=membership)
    assert not world.member.has_perm("samarbeid.view_municipality", world.stavanger)
    assert client.get(url).status_code == 404
    assert names(world.member) == set()


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
    client.force_login(world.member)
    response = client.get(reverse("municipality_participation", args=[world.stavanger.number]))
    assert response.status_code == 403
    assert "Du har ikke tilgang" in response.content.decode()


def test_inactive_user_sees_nothing(world: Any) -> None:
    world.leader.is_active = False
    world.leader.save()
    access.forget(world.leader)
    assert names(world.leader) == set()


def test_dated_roles_take_effect_on_their_day(world: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    future = user_with_role(Role.MUNICIPAL_LEADER, municipality=world.sandnes)
    membership = Membership.objects.get(user=future)
    Membership.objects.filter(pk=membership.pk).update(starts_on=today + dt.timedelta(days=3))
    services.membership_sync_all()
    access.forget(future)
    assert names(future) == set()
    assert services.membership_sync_due(on=today + dt.timedelta(days=3)) == 1
    access.forget(future)
    # guardian perms follow on the start day (roles() reads the date as well)
    from django.contrib.auth import get_user_model

    fresh = get_user_model().objects.get(pk=future.pk)
    assert fresh.has_perm("samarbeid.view_municipality", world.sandnes) is True


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
