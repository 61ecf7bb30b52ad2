"""Writes for councils and their municipalities (§4.4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samarbeid import access, audit
from samarbeid.models import AuditAction, Municipality

from ..models import (
    CouncilKind,
    CouncilMunicipality,
    CouncilMunicipalityRequest,
    PoliceCouncil,
)
from ._trail import _COUNCIL_FIELDS, _changed, _fields_summary, _values


def _set_municipalities(council: PoliceCouncil, municipalities: Iterable[Municipality],
                        actor: Any) -> list[Municipality]:
    """Link the municipalities the actor works in; ask the others (§4.4: a municipality joins
    a regional council only when someone who works there accepts). Returns those asked."""
    chosen = {m.pk: m for m in municipalities}
    wanted = set(chosen) | {council.municipality_id}
    if council.kind != CouncilKind.REGIONAL:
        wanted = {council.municipality_id}  # §4.4: only regional councils span several
    CouncilMunicipality.objects.filter(council=council).exclude(municipality_id__in=wanted).delete()
    CouncilMunicipalityRequest.objects.filter(
        council=council, status=CouncilMunicipalityRequest.Status.PENDING
    ).exclude(municipality_id__in=wanted).delete()
    existing = set(CouncilMunicipality.objects.filter(council=council)
                   .values_list("municipality_id", flat=True))
    pending = set(CouncilMunicipalityRequest.objects.filter(
        council=council, status=CouncilMunicipalityRequest.Status.PENDING
    ).values_list("municipality_id", flat=True))
    asked = []
    for pk in sorted(wanted - existing):
        municipality = chosen.get(pk) or Municipality.objects.get(pk=pk)
        if pk == council.municipality_id or access.can(actor, access.Level.WORK, municipality):
            CouncilMunicipality.objects.create(council=council, municipality_id=pk)
        elif pk not in pending:
            CouncilMunicipalityRequest.objects.create(council=council, municipality_id=pk,
                                                      requested_by=actor)
            asked.append(municipality)
            audit.record(actor=actor, action=AuditAction.REQUEST, obj=council,
                         summary=f"municipality {municipality.number} asked to join")
    if hasattr(council, "_linked_municipalities"):
        del council._linked_municipalities
    return asked


@transaction.atomic
def council_municipality_decide(*, request: CouncilMunicipalityRequest, actor: Any,
                                accept: bool) -> CouncilMunicipalityRequest:
    """Someone who works in the municipality accepts or declines joining the council."""
    request = CouncilMunicipalityRequest.objects.select_for_update().select_related(
        "municipality", "council").get(pk=request.pk)
    if request.status != CouncilMunicipalityRequest.Status.PENDING:
        raise ValidationError(_("This request is already answered."))
    if not access.can(actor, access.Level.WORK, request.municipality):
        raise PermissionDenied(_("Only someone who works in %(municipality)s can answer for "
                                 "it.") % {"municipality": request.municipality.name})
    request.status = (CouncilMunicipalityRequest.Status.ACCEPTED if accept
                      else CouncilMunicipalityRequest.Status.DECLINED)
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    if accept:
        CouncilMunicipality.objects.get_or_create(council=request.council,
                                                  municipality=request.municipality)
    audit.record(actor=actor, action=AuditAction.APPROVE if accept else AuditAction.DECLINE,
                 obj=request.council,
                 summary=f"municipality {request.municipality.number} "
                         f"{'joined' if accept else 'declined'}")
    return request


@transaction.atomic
def council_create(*, actor: Any, name: str, kind: str, municipality: Municipality,
                   municipalities: Iterable[Municipality] = (), theme: str = "",
                   description: str = "", bylaws_review_on: dt.date | None = None,
                   public_minutes: bool = True) -> PoliceCouncil:
    council = PoliceCouncil(name=name, kind=kind, municipality=municipality, theme=theme,
                            description=description, bylaws_review_on=bylaws_review_on,
                            public_minutes=public_minutes)
    council.full_clean()
    council.save()
    _set_municipalities(council, municipalities, actor)
    # Issue 7 §3: codes and field names only; names and descriptions stay on the object.
    audit.record(actor=actor, action=AuditAction.CREATE, obj=council, summary=f"kind={kind}")
    return council


@transaction.atomic
def council_update(*, council: PoliceCouncil, actor: Any, name: str, kind: str, theme: str = "",
                   description: str = "", bylaws_review_on: dt.date | None = None,
                   municipalities: Iterable[Municipality] = (),
                   public_minutes: bool | None = None) -> PoliceCouncil:
    before = _values(council, _COUNCIL_FIELDS)
    before_municipalities = set(council.council_municipalities.values_list("municipality_id",
                                                                           flat=True))
    council.name, council.kind, council.theme = name, kind, theme
    council.description, council.bylaws_review_on = description, bylaws_review_on
    if public_minutes is not None:  # offentleglova page on or off (None: leave as it is)
        council.public_minutes = public_minutes
    council.full_clean()
    council.save()
    _set_municipalities(council, municipalities, actor)
    changed = _changed(before, _values(council, _COUNCIL_FIELDS))
    if set(council.council_municipalities.values_list("municipality_id", flat=True)) \
            != before_municipalities:
        changed.append("municipalities")
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=council,
                 summary=_fields_summary(changed))
    return council
