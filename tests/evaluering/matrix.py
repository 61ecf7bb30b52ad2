"""Permission matrix rows for `evaluering`.

Reports are open to every logged-in user but scoped to what the user may see (a scoped 200,
not a 403): a mayor sees their own municipality's status, a district administrator the
district, a national administrator the country. A district or county the user has no
municipality in is a 404, like any object outside the user's scope.
"""

import datetime as dt

from django.urls import reverse

from evaluering import services
from evaluering.models import Method, Mode
from tests.matrix import LOGIN, Case, everyone, scoped


def _evaluation(w, mode=Mode.JOINT):
    return services.evaluation_create(
        municipality=w.stavanger, actor=w.leader, period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31), method=Method.GLL, mode=mode)


def _url(name, mode=Mode.JOINT):
    return lambda w: reverse(f"evaluering:{name}", args=[_evaluation(w, mode).pk])


# The member holds a council seat and no role: no municipality of the district is his.
REPORT_IN_DISTRICT = {"anonymous": LOGIN, "outsider": 404, "member": 404, "leader": 200,
                      "admin": 200}

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
    "evaluering:report_national": Case(lambda w: reverse("evaluering:report_national"),
                                       everyone()),
    "evaluering:report_district": Case(
        lambda w: reverse("evaluering:report_district",
                          args=[w.stavanger.police_district.code]), REPORT_IN_DISTRICT),
    "evaluering:report_county": Case(
        lambda w: reverse("evaluering:report_county", args=[w.stavanger.county.number]),
        REPORT_IN_DISTRICT),
    "evaluering:report_list": Case(lambda w: reverse("evaluering:report_list"), everyone()),
    "evaluering:report_map": Case(lambda w: reverse("evaluering:report_map"), everyone()),
    "evaluering:report_export": Case(
        lambda w: reverse("evaluering:report_export", args=["municipalities", "xlsx"]),
        everyone()),
}
