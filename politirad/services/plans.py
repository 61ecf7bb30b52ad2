"""Writes for plans, measures and knowledge bases (§4, §4.1.5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from avtaler.models import FocusArea
from samarbeid import audit
from samarbeid.models import AuditAction, MeasureStatus

from ..models import (
    ActionPlan,
    CouncilMeasure,
    KnowledgeBaseRequest,
    PoliceCouncil,
)


@transaction.atomic
def plan_create(*, council: PoliceCouncil, actor: Any, kind: str, title: str,
                starts_on: dt.date, ends_on: dt.date, description: str = "") -> ActionPlan:
    plan = ActionPlan(council=council, kind=kind, title=title, starts_on=starts_on,
                      ends_on=ends_on, description=description)
    plan.full_clean()
    plan.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=plan,
                 summary=f"kind={kind}, {starts_on:%Y-%m-%d}–{ends_on:%Y-%m-%d}")
    return plan


@transaction.atomic
def measure_add(*, plan: ActionPlan, actor: Any, title: str, focus_area: FocusArea | None,
                coordination_step: int, responsible: str, starts_on: dt.date, ends_on: dt.date,
                focus_area_other: str = "", status: str = MeasureStatus.PLANNED,
                ) -> CouncilMeasure:
    """A line of the plan; `focus_area` None is «Other», described in `focus_area_other`."""
    measure = CouncilMeasure(plan=plan, title=title, focus_area=focus_area,
                             focus_area_other=focus_area_other if focus_area is None else "",
                             coordination_step=coordination_step, responsible=responsible,
                             starts_on=starts_on, ends_on=ends_on, status=status)
    measure.full_clean()
    measure.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=measure,
                 summary=f"coordination_step={coordination_step}, status={status}")
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=plan,
                 summary=f"measure #{measure.pk} added")
    return measure


@transaction.atomic
def knowledge_request_add(*, council: PoliceCouncil, actor: Any, agency: str, topic: str,
                          due_on: dt.date | None = None,
                          delivered_on: dt.date | None = None) -> KnowledgeBaseRequest:
    request = KnowledgeBaseRequest(council=council, agency=agency, topic=topic, due_on=due_on,
                                   delivered_on=delivered_on)
    request.full_clean()
    request.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=request,
                 summary=f"agency={agency}")
    return request
