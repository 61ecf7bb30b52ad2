"""Facts about a period of the cooperation, registered by the apps that hold them.

An evaluation (Veileder §7) starts its discussion from evidence: meetings held against the
target, agendas sent in time, SLT measures started. Those facts live in the apps for police
councils and SLT; the evaluation reads them through this registry, the way reports read
compliance checks, so neither side imports the other (ARCHITECTURE: "Dependencies point one
way"). An app that is not installed simply adds no facts.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Period:
    """What the facts are about. `council_id` is set when one police council or thematic
    forum is evaluated; `scope` says what is evaluated: "council", "slt" or "whole" (the
    agreement as a whole)."""

    municipality_id: int
    start: dt.date
    end: dt.date
    scope: str = "whole"
    council_id: int | None = None


@dataclass
class Fact:
    key: str
    label: str
    value: str
    available: bool
    source: str = ""


@dataclass(frozen=True)
class Provider:
    """`read(period)` returns the app's facts. If it fails, the evaluation page still
    opens: each of `labels` (key, label) is shown as not available from `source`."""

    key: str
    source: Any
    read: Callable[[Period], list[Fact]]
    labels: tuple[tuple[str, Any], ...] = field(default_factory=tuple)
    order: int = 100


_providers: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    _providers[provider.key] = provider
    return provider


def providers() -> list[Provider]:
    return sorted(_providers.values(), key=lambda p: (p.order, p.key))


def not_available(provider: Provider) -> list[Fact]:
    source = str(provider.source)
    return [Fact(key, str(label),
                 _("Not available: %(source)s is not in use in the portal yet.")
                 % {"source": source}, False, source) for key, label in provider.labels]


def collect(period: Period) -> list[Fact]:
    """Every registered app's facts about the period, in the registry's order."""
    out: list[Fact] = []
    for provider in providers():
        try:
            out.extend(provider.read(period))
        except Exception:  # a read in another app must not break the evaluation page
            logger.exception("facts provider %s failed", provider.key)
            out.extend(not_available(provider))
    return out
