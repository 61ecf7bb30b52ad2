from collections.abc import Callable

from django.http import HttpResponseBase
from django.urls import path

from samarbeid import pagecache

from . import views


def _cached(model: str, view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """The page body cached per reader under its municipalities' versions (pagecache)."""
    return pagecache.cached_page(pagecache.of_object(model))(view)


app_name = "politirad"
urlpatterns = [
    path("", views.council_list, name="council_list"),
    path("kommune/<str:number>/nytt-rad/", views.council_create, name="council_create"),
    path("rad/<int:pk>/", _cached("politirad.PoliceCouncil", views.council_detail),
         name="council_detail"),
    path("rad/<int:pk>/endre/", views.council_edit, name="council_edit"),
    path("rad/<int:pk>/medlemmer/ny/", views.member_add, name="member_add"),
    path("medlemmer/<int:pk>/fjern/", views.member_remove, name="member_remove"),
    path("rad/<int:pk>/moter/nytt/", views.meeting_create, name="meeting_create"),
    path("rad/<int:pk>/planer/ny/", views.plan_create, name="plan_create"),
    path("rad/<int:pk>/kunnskapsgrunnlag/ny/", views.knowledge_request_add,
         name="knowledge_request_add"),
    path("planer/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("moter/<int:pk>/", _cached("politirad.Meeting", views.meeting_detail),
         name="meeting_detail"),
    path("moter/<int:pk>/endre/", views.meeting_edit, name="meeting_edit"),
    path("moter/<int:pk>/kalender.ics", views.meeting_ics, name="meeting_ics"),
    path("moter/<int:pk>/saker/ny/", views.agenda_item_add, name="agenda_item_add"),
    path("moter/<int:pk>/send-dagsorden/", views.agenda_send, name="agenda_send"),
    path("moter/<int:pk>/oppmote/", views.attendance, name="attendance"),
    path("moter/<int:pk>/referat/", views.minutes, name="minutes"),
    path("moter/<int:pk>/referat/oppgave/", views.task_add, name="task_add"),
    path("moter/<int:pk>/referat/godkjenn/", views.minutes_approve, name="minutes_approve"),
    path("moter/<int:pk>/referat/publiser/", views.minutes_publish, name="minutes_publish"),
    path("moter/<int:pk>/referat/rettelse/", views.minutes_correction, name="minutes_correction"),
    path("moter/<int:pk>/referat.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("moter/<int:pk>/referat-offentlig.pdf", views.minutes_public_pdf,
         name="minutes_public_pdf"),
    path("saker/<int:pk>/endre/", views.agenda_item_edit, name="agenda_item_edit"),
    path("saker/<int:pk>/slett/", views.agenda_item_delete, name="agenda_item_delete"),
    path("saker/<int:pk>/flytt/", views.agenda_item_move, name="agenda_item_move"),
    path("vedlegg/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("foresporsler/<int:pk>/svar/", views.municipality_request_decide,
         name="municipality_request_decide"),
    path("mine-oppgaver/", pagecache.cached_page(pagecache.principal_scope)(views.my_tasks),
         name="my_tasks"),
    path("oppgaver/<int:pk>/", views.task_detail, name="task_detail"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("rad/<int:pk>/arkivuttrekk/", views.archive_extract, name="archive_extract"),
    # Public documents (offentleglova): no login.
    path("offentlig/rad/<int:pk>/", views.public_council, name="public_council"),
    path("offentlig/moter/<int:pk>/", views.public_minutes, name="public_minutes"),
    path("offentlig/moter/<int:pk>/referat.pdf", views.public_minutes_pdf,
         name="public_minutes_pdf"),
]
