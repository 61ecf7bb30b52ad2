"""Factories shared by every test (factory_boy)."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from samarbeid import services
from samarbeid.models import Municipality, OperationalUnit, Organisation, PoliceDistrict

PASSWORD = "Et-godt-testpassord-42"  # noqa: S105


class UserFactory(factory.django.DjangoModelFactory[User]):
    """Typed by its model: `UserFactory.create(...)` is a `User` to mypy, while a bare
    `UserFactory()` is typed as the factory (factory_boy's metaclass call is untyped)."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.no")
    password = factory.django.Password(PASSWORD)


class OperationalUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OperationalUnit

    police_district = factory.LazyFunction(lambda: PoliceDistrict.objects.get(name="Sør-Vest"))
    name = factory.Sequence(lambda n: f"Driftsenhet {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisasjon {n}")
    kind = "business"


def municipality(name: str) -> Municipality:
    return Municipality.objects.select_related("police_district").get(name=name)


def user_with_role(role: str, *, username: str | None = None, can_sign: bool = False,
                   title: str = "", **scope: Any) -> Any:
    """A user with one active membership, created through the service (perms follow)."""
    user = UserFactory(**({"username": username} if username else {}))
    services.membership_create(user=user, role=role, can_sign=can_sign, title=title, **scope)
    return user


def feed_token(user: Any) -> str:
    """A calendar feed token for the user, as the settings page makes it (only its hash is
    stored, so each call makes a new one and the earlier one stops working)."""
    from samarbeid.models import UserProfile

    return UserProfile.objects.get(user=user).rotate_calendar_token()
