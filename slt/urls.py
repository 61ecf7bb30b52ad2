"""SLT pages (Veileder §6), under /slt/. Norwegian paths for users."""

from django.urls import path

from . import views

app_name = "slt"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tiltak/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("tiltak/<int:pk>/rediger/", views.measure_edit, name="measure_edit"),
    path("tiltak/<int:pk>/fremdrift/", views.measure_progress, name="measure_progress"),
    path("handlingsplaner/<int:pk>/", views.action_plan_detail, name="action_plan_detail"),
    path("handlingsplaner/<int:pk>/pdf/", views.action_plan_pdf, name="action_plan_pdf"),
    path("kommune/<str:number>/", views.overview, name="overview"),
    path("kommune/<str:number>/rediger/", views.model_edit, name="model_edit"),
    path("kommune/<str:number>/niva/<str:kind>/", views.level_detail, name="level_detail"),
    path("kommune/<str:number>/medlem/<int:pk>/fjern/", views.member_remove,
         name="member_remove"),
    path("kommune/<str:number>/tiltak/", views.measure_list, name="measure_list"),
    path("kommune/<str:number>/tiltak/nytt/", views.measure_create, name="measure_create"),
    path("kommune/<str:number>/handlingsplaner/", views.action_plan_list,
         name="action_plan_list"),
]
