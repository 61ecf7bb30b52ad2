"""Permission matrix rows for `rapporter`.

Reports are open to every logged-in user but scoped to what the user may see (a scoped 200,
not a 403): a mayor sees their own municipality's status, a district administrator the
district, a national administrator the country. A district or county the user has no
municipality in is a 404, like any object outside the user's scope.
"""

from django.urls import reverse

from tests.matrix import LOGIN, Case, everyone

# The member holds a council seat and no role: no municipality of the district is his.
REPORT_IN_DISTRICT = {"anonymous": LOGIN, "outsider": 404, "member": 404, "leader": 200,
                      "admin": 200}

MATRIX = {
    "rapporter:report_national": Case(lambda w: reverse("rapporter:report_national"),
                                       everyone()),
    "rapporter:report_district": Case(
        lambda w: reverse("rapporter:report_district",
                          args=[w.stavanger.police_district.code]), REPORT_IN_DISTRICT),
    "rapporter:report_county": Case(
        lambda w: reverse("rapporter:report_county", args=[w.stavanger.county.number]),
        REPORT_IN_DISTRICT),
    "rapporter:report_list": Case(lambda w: reverse("rapporter:report_list"), everyone()),
    "rapporter:report_map": Case(lambda w: reverse("rapporter:report_map"), everyone()),
    "rapporter:report_export": Case(
        lambda w: reverse("rapporter:report_export", args=["municipalities", "xlsx"]),
        everyone()),
}
