"""The report pages. Included under /evaluering/rapporter/ in the root urls, so the paths
people have bookmarked and shared since the reports lived in `evaluering` keep working."""

from django.urls import path

from . import views

app_name = "rapporter"
urlpatterns = [
    path("", views.report_national, name="report_national"),
    path("distrikt/<str:code>/", views.report_district, name="report_district"),
    path("fylke/<str:number>/", views.report_county, name="report_county"),
    path("kommuner/", views.report_list, name="report_list"),
    path("kart/", views.report_map, name="report_map"),
    path("eksport/<str:table>.<str:fmt>", views.report_export, name="report_export"),
]
