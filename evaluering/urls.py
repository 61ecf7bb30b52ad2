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
]
