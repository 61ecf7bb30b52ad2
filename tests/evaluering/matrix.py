"""Permission matrix rows for `evaluering` (the reports are in tests/rapporter/matrix.py)."""

import datetime as dt

from django.urls import reverse

from evaluering import services
from evaluering.models import Mode
from samarbeid.models import EvaluationMethod
from tests.matrix import LOGIN, Case, everyone, scoped


def _evaluation(w, mode=Mode.JOINT):
    return services.evaluation_create(
        municipality=w.stavanger, actor=w.leader, period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31), method=EvaluationMethod.GLL, mode=mode)


def _url(name, mode=Mode.JOINT):
    return lambda w: reverse(f"evaluering:{name}", args=[_evaluation(w, mode).pk])


MATRIX = {
    "evaluering:index": Case(lambda w: reverse("evaluering:index"), everyone()),
    # Starting needs WORK somewhere: the mayor of Bergen may start one for Bergen.
    "evaluering:evaluation_create": Case(
        lambda w: reverse("evaluering:evaluation_create"),
        {"anonymous": LOGIN, "outsider": 200, "member": 403, "leader": 200, "admin": 200}),
    "evaluering:evaluation_detail": Case(_url("evaluation_detail"), scoped()),
    "evaluering:evaluation_answer": Case(_url("evaluation_answer"), scoped(change=200)),
    # Everyone who works in the municipality answers for themselves; a council seat gives
    # nothing of the municipality's evaluations (404).
    "evaluering:response_submit": Case(_url("response_submit", Mode.INDIVIDUAL), scoped()),
    "evaluering:follow_up_create": Case(
        _url("follow_up_create"), scoped(change=302), method="post",
        data=lambda w: {"title": "Færre orienteringssaker", "responsible": "Ordfører"}),
    "evaluering:evaluation_pdf": Case(_url("evaluation_pdf"), scoped()),
    "evaluering:municipality_history": Case(
        lambda w: reverse("evaluering:municipality_history", args=[w.stavanger.number]),
        scoped()),
}
