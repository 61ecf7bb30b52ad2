"""The report pages. Included under /evaluering/rapporter/ in the root urls, so the paths
people have bookmarked and shared since the reports lived in `evaluering` keep working.

The pages are cached per reader (samarbeid/pagecache.py) under the findings' own version
and pending marks, not under every municipality's: a write that leaves the findings as they
were (a comment on a task) does not rebuild the national report (issue #12)."""

from typing import Any

from django.urls import path

from samarbeid import pagecache

from . import views


def _cached(view: Any) -> Any:
    return pagecache.cached_page(pagecache.report_scope, pagecache.report_depends)(view)


app_name = "rapporter"
urlpatterns = [
    path("", _cached(views.report_national), name="report_national"),
    path("distrikt/<str:code>/", _cached(views.report_district), name="report_district"),
    path("fylke/<str:number>/", _cached(views.report_county), name="report_county"),
    path("kommuner/", _cached(views.report_list), name="report_list"),
    path("kart/", _cached(views.report_map), name="report_map"),
    path("eksport/<str:table>.<str:fmt>", views.report_export, name="report_export"),
]
