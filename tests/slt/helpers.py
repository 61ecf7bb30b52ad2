"""Builders for SLT tests: an established SLT model in Stavanger and measures on it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from avtaler.models import FocusArea
from slt import services
from slt.models import LevelKind, SltMeasure, SltModel, SltStatus


def slt_model(municipality: Any, coordinator: Any = None, **kwargs: Any) -> SltModel:
    model = SltModel.objects.filter(municipality=municipality).first()
    if model is not None:
        return model
    return services.slt_model_save(municipality=municipality, status=SltStatus.ESTABLISHED,
                                   actor=None, coordinator=coordinator, **kwargs)


def measure(model: SltModel, *, kind: str = LevelKind.EXECUTING, days_left: int = 30,
            title: str = "Natteravner", **kwargs: Any) -> SltMeasure:
    today = timezone.localdate()
    fields: dict[str, Any] = {
        "title": title, "level": model.levels.get(kind=kind),
        "focus_area": FocusArea.objects.by_code("youth_crime"), "starts_on": today - dt.timedelta(days=10),
        "ends_on": today + dt.timedelta(days=days_left), "status": "active",
        "responsible_name": "Ola Nordmann",
    }
    fields.update(kwargs)
    return services.measure_create(slt_model=model, actor=None, **fields)


def warm(client: Any) -> None:
    """The first request of a session builds the user's principal (cached for the day) and
    stamps the session's last-seen time; query budgets count the requests after it."""
    from django.urls import reverse

    assert client.get(reverse("home")).status_code == 200
