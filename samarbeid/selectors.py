"""Reads of the core shared by views and reports."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from . import access
from .models import County, Municipality, PoliceDistrict


def municipality_list(*, user: Any, q: str = "", county: str = "", police_district: str = "",
                      participation: str = "") -> QuerySet[Municipality]:
    qs = access.municipalities(user).select_related("county", "police_district")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(number__startswith=q))
    if county:
        qs = qs.filter(county__number=county)
    if police_district:
        qs = qs.filter(police_district__code=police_district)
    if participation:
        qs = qs.filter(participation=participation)
    return qs.order_by("name", "number")


def filter_choices(*, user: Any) -> dict[str, Any]:
    """Counties and districts that occur among the municipalities the user may see."""
    visible = access.municipalities(user)
    return {
        "counties": County.objects.filter(municipalities__in=visible).distinct(),
        "police_districts": PoliceDistrict.objects.filter(municipalities__in=visible).distinct(),
    }
