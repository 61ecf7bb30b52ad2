from django.urls import path

from . import views

app_name = "politikontakt"
urlpatterns = [
    path("", views.assignment_list, name="assignment_list"),
    path("tildelinger/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("tildelinger/<int:pk>/endre/", views.assignment_change, name="assignment_change"),
    path("tildelinger/<int:pk>/avslutt/", views.assignment_end, name="assignment_end"),
    path("kommune/<str:number>/tildel/", views.assignment_create, name="assignment_create"),
    path("dekning/", views.coverage, name="coverage"),
    path("godkjenninger/", views.approval_list, name="approval_list"),
    path("godkjenninger/ny/", views.approval_request, name="approval_request"),
    path("godkjenninger/<int:pk>/", views.approval_decide, name="approval_decide"),
    path("funksjoner/", views.directory_index, name="directory_index"),
    path("funksjoner/<str:code>/", views.directory, name="directory"),
    path("funksjoner/<str:code>/ny/", views.function_edit, name="function_create"),
    path("funksjoner/<str:code>/<int:pk>/endre/", views.function_edit, name="function_edit"),
    path("funksjoner/<str:code>/<int:pk>/slett/", views.function_delete, name="function_delete"),
]
