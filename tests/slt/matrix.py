"""Permission matrix rows for every SLT URL (Veileder §6). Stavanger has an established SLT
model; leaders, police, SLT coordinators and administrators work on it; outsiders get 404,
and so does a council member with no role (a council seat gives that council only)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from tests.matrix import LOGIN, Case, everyone, scoped

from .helpers import measure, slt_model


def _n(name: str) -> Any:
    def url(w: Any) -> str:
        slt_model(w.stavanger)
        return reverse(name, args=[w.stavanger.number])

    return url


def _measure_url(name: str) -> Any:
    return lambda w: reverse(name, args=[measure(slt_model(w.stavanger)).pk])


def _plan_url(name: str) -> Any:
    def url(w: Any) -> str:
        from slt import services

        model = slt_model(w.stavanger)
        plan = services.action_plan_create(slt_model=model, year=2026, actor=None)
        measure(model, action_plan=plan)
        return reverse(name, args=[plan.pk])

    return url


def _member_remove(w: Any) -> str:
    from slt import services

    level = slt_model(w.stavanger).levels.get(kind="executing")
    member = services.level_member_add(level=level, actor=None, name="Ekstern Person")
    return reverse("slt:member_remove", args=[w.stavanger.number, member.pk])


def _level(w: Any) -> str:
    slt_model(w.stavanger)
    return reverse("slt:level_detail", args=[w.stavanger.number, "steering"])


MATRIX = {
    "slt:dashboard": Case(lambda w: reverse("slt:dashboard"), everyone()),
    "slt:overview": Case(_n("slt:overview"), scoped()),
    "slt:model_edit": Case(_n("slt:model_edit"), scoped(change=200)),
    "slt:level_detail": Case(_level, scoped()),
    # The leader removes the member; the administrator, who comes next, finds it gone (404).
    "slt:member_remove": Case(_member_remove, {**scoped(change=302), "admin": 404},
                              method="post"),
    "slt:measure_list": Case(_n("slt:measure_list"), scoped()),
    "slt:measure_create": Case(_n("slt:measure_create"), scoped(change=200)),
    "slt:measure_detail": Case(_measure_url("slt:measure_detail"), scoped()),
    "slt:measure_edit": Case(_measure_url("slt:measure_edit"), scoped(change=200)),
    "slt:measure_progress": Case(
        _measure_url("slt:measure_progress"), scoped(change=302), method="post",
        data=lambda w: {"text": "Godt oppmøte", "date": timezone.localdate().isoformat(),
                        "status": "active"}),
    "slt:action_plan_list": Case(_n("slt:action_plan_list"), scoped()),
    "slt:action_plan_detail": Case(_plan_url("slt:action_plan_detail"), scoped()),
    "slt:action_plan_pdf": Case(_plan_url("slt:action_plan_pdf"), scoped()),
}
assert LOGIN == 302
