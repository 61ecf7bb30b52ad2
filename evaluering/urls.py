from django.urls import path

from . import views

app_name = "evaluering"
urlpatterns = [
    path("", views.index, name="index"),
    path("ny/", views.evaluation_create, name="evaluation_create"),
    path("<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("<int:pk>/svar/", views.evaluation_answer, name="evaluation_answer"),
    path("<int:pk>/mitt-svar/", views.response_submit, name="response_submit"),
    path("<int:pk>/oppfolging/", views.follow_up_create, name="follow_up_create"),
    path("<int:pk>/pdf/", views.evaluation_pdf, name="evaluation_pdf"),
    path("kommune/<str:number>/", views.municipality_history, name="municipality_history"),
    path("rapporter/", views.report_national, name="report_national"),
    path("rapporter/distrikt/<str:code>/", views.report_district, name="report_district"),
    path("rapporter/fylke/<str:number>/", views.report_county, name="report_county"),
    path("rapporter/kommuner/", views.report_list, name="report_list"),
    path("rapporter/kart/", views.report_map, name="report_map"),
    path("rapporter/eksport/<str:table>.<str:fmt>", views.report_export, name="report_export"),
]
