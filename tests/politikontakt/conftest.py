from __future__ import annotations

from typing import Any

import pytest

from politikontakt import services
from samarbeid.models import Municipality, PoliceDistrict, Role
from tests.factories import OperationalUnitFactory, user_with_role

SORVEST_FIVE = ["Stavanger", "Sandnes", "Sola", "Randaberg", "Strand"]


@pytest.fixture
def sorvest(db: Any) -> PoliceDistrict:
    return PoliceDistrict.objects.get(name="Sør-Vest")


@pytest.fixture
def places(sorvest: PoliceDistrict) -> dict[str, Municipality]:
    return {m.name: m for m in Municipality.objects.filter(name__in=SORVEST_FIVE,
                                                           police_district=sorvest)}


@pytest.fixture
def officer(sorvest: PoliceDistrict) -> Any:
    """A police user eligible as contact: police leadership of a Sør-Vest unit (§5.3: the
    function may be held by a service-unit leader)."""
    unit = OperationalUnitFactory(police_district=sorvest)
    return user_with_role(Role.POLICE_LEADERSHIP, username="officer", operational_unit=unit)


@pytest.fixture
def district_admin(sorvest: PoliceDistrict) -> Any:
    return user_with_role(Role.DISTRICT_ADMIN, username="distadmin", police_district=sorvest)


@pytest.fixture
def national_admin(db: Any) -> Any:
    return user_with_role(Role.NATIONAL_ADMIN, username="pod")


def assign(contact: Any, municipality: Municipality, share: int = 20, **kw: Any) -> Any:
    return services.assignment_create(contact=contact, municipality=municipality,
                                      share_of_position=share, **kw)
