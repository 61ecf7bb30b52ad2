"""Helpers to build agreements through the services, as a user would."""

from __future__ import annotations

from typing import Any

from avtaler import services
from avtaler.models import AgreementVersion, FocusArea


def draft(world: Any, municipality: Any = None, actor: Any = None, **content: Any) -> AgreementVersion:
    municipality = municipality or world.stavanger
    agreement = services.agreement_create(municipality=municipality, actor=actor or world.police)
    version = agreement.versions.get()
    data = {"strategies": "Trygge lokalsamfunn for alle.", "meetings_per_year": 4,
            "revision_interval_months": 24, "evaluation_method": "six_questions", **content}
    return services.version_update(
        version=version, actor=actor or world.police, data=data,
        focus_areas=FocusArea.objects.filter(name="Trafikksikkerhet"),
        measures=[services.MeasureData(title="Felles ruspatrulje", coordination_step=4)],
    )


def sent_version(world: Any, **content: Any) -> AgreementVersion:
    version = draft(world, **content)
    return services.version_send_for_signing(version=version, actor=world.police)


def in_force_version(world: Any, **content: Any) -> AgreementVersion:
    version = sent_version(world, **content)
    services.version_sign(version=version, actor=world.leader)
    services.version_sign(version=version, actor=world.chief)
    version.refresh_from_db()
    return version
