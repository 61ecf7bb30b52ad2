from __future__ import annotations

from typing import Any

from avtaler import canonical, services
from avtaler.models import FocusArea

from .helpers import draft


def test_fingerprint_is_sha256_of_the_canonical_text(world: Any) -> None:
    import hashlib

    version = draft(world)
    text = canonical.canonical_text(version)
    assert canonical.fingerprint(version) == hashlib.sha256(text.encode()).hexdigest()
    assert "Trygge lokalsamfunn" in text and "Felles ruspatrulje" in text


def test_same_content_in_another_order_or_spacing_gives_the_same_fingerprint(world: Any) -> None:
    version = draft(world, strategies="Linje én\nLinje to")
    areas = list(FocusArea.objects.filter(name__in=["Hatkriminalitet", "Trafikksikkerhet"]))
    measures = [services.MeasureData("B-tiltak", 2), services.MeasureData("A-tiltak", 3)]
    version = services.version_update(version=version, actor=world.police, data={}, focus_areas=areas,
                            measures=measures)
    before = canonical.fingerprint(version)
    version = services.version_update(
        version=version, actor=world.police,
        data={"strategies": "Linje én  \r\nLinje to\r\n",
              "forms_of_cooperation": ["slt", "local_council"]},
        focus_areas=list(reversed(areas)), measures=list(reversed(measures)),
    )
    version = services.version_update(version=version, actor=world.police,
                            data={"forms_of_cooperation": ["local_council", "slt"]})
    after_order = canonical.fingerprint(version)
    version = services.version_update(version=version, actor=world.police,
                            data={"forms_of_cooperation": []})
    assert canonical.fingerprint(version) == before
    assert after_order != before  # forms of cooperation are part of the text


def test_any_content_change_changes_the_fingerprint(world: Any) -> None:
    version = draft(world)
    before = canonical.fingerprint(version)
    version = services.version_update(version=version, actor=world.police, data={"agenda_lead_days": 8})
    assert canonical.fingerprint(version) != before


def test_unicode_is_normalised(world: Any) -> None:
    version = draft(world, strategies="Trygg p\u00e5 Sk\u00e5ra")  # precomposed å
    composed = canonical.fingerprint(version)
    version = services.version_update(version=version, actor=world.police,
                            data={"strategies": "Trygg pa\u030a Ska\u030ara"})  # a + ring
    assert canonical.fingerprint(version) == composed
    version = services.version_update(version=version, actor=world.police,
                            data={"strategies": "Trygg pa Skara"})
    assert canonical.fingerprint(version) != composed
