"""Expected status per role for every politirad URL (see tests/matrix.py).

The Stavanger council from `helpers.make_council` has alice (the `leader`) as chair and
paul as police contact; `member` (bob) holds a seat on it and no role: he reads the council
(exempt content too) and changes nothing, and he is an outsider to the municipality. The
national administrator (`admin`) reads the council's open content and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from politirad import services
from politirad.models import AgendaItem, CouncilMember, Meeting
from samarbeid.models import Role
from tests.factories import feed_token, user_with_role
from tests.matrix import LOGIN, Case, everyone, in_council, scoped

from . import helpers


def _council(name: str) -> Any:
    return lambda w: reverse(name, args=[helpers.make_council(w).pk])


def _meeting(name: str, **kwargs: Any) -> Any:
    return lambda w: reverse(name, args=[helpers.make_meeting(w, **kwargs).pk])


def _minutes(name: str, state: str = "draft") -> Any:
    return lambda w: reverse(name, args=[helpers.make_minutes(w, state=state).pk])


def _sent_item(w: Any) -> str:
    meeting = helpers.make_meeting(w)
    Meeting.objects.filter(pk=meeting.pk).update(agenda_sent_at=timezone.now())
    return reverse("politirad:agenda_item_delete", args=[helpers.first_item(meeting).pk])


def _attachment(w: Any) -> str:
    meeting = helpers.make_meeting(w)
    item = AgendaItem.objects.filter(meeting=meeting).first()
    assert item is not None
    pdf = SimpleUploadedFile("notat.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    attachment = services.attachment_add(item=item, upload=pdf, actor=w.police)
    return reverse("politirad:attachment_download", args=[attachment.pk])


def _member_remove(w: Any) -> str:
    council = helpers.make_council(w)
    member = CouncilMember.objects.get(council=council, name="Ekstern Person")
    return reverse("politirad:member_remove", args=[member.pk])


def _plan(w: Any) -> str:
    council = helpers.make_council(w)
    plan = services.plan_create(council=council, actor=w.police, kind="action", title="Plan",
                                starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2027, 12, 31))
    return reverse("politirad:plan_detail", args=[plan.pk])


def _task(w: Any) -> str:
    meeting = helpers.make_minutes(w, exempt=False)
    return reverse("politirad:task_detail", args=[helpers.first_task(meeting).pk])


def _task_data(w: Any) -> dict[str, Any]:
    return {"title": "Ny oppgave", "deadline": (timezone.localdate()
                                               + dt.timedelta(days=5)).isoformat(),
            "responsible_organisation": "", "agenda_item": "", "responsible_member": ""}


def _join_request(w: Any) -> str:
    """Sandnes's mayor asks Stavanger to join a regional council: Stavanger's leader answers."""
    sandnes = user_with_role(Role.MUNICIPAL_LEADER, username="ordforer-sandnes",
                             municipality=w.sandnes)
    council = services.council_create(actor=sandnes, name="Regionalt råd", kind="regional",
                                      municipality=w.sandnes, municipalities=[w.stavanger])
    join = council.municipality_requests.get(municipality=w.stavanger)
    return reverse("politirad:municipality_request_decide", args=[join.pk])


# Changes by a council's chair only: outsiders 404, everyone else who sees it 403.
CHAIR_ONLY = {"anonymous": LOGIN, "outsider": 404, "member": 403, "leader": 302, "admin": 403}
# Setting up a council is a municipality page for its parties: the member (a seat, no role)
# is an outsider there; the national administrator is no party to the cooperation.
PARTIES_OF_THE_MUNICIPALITY = {**scoped(change=200), "admin": 403}
# Answered by someone who works in the municipality that is asked (the administrator, who
# comes after the leader, finds it answered and is sent home).
ANSWER_FOR_THE_MUNICIPALITY = {**scoped(change=302), "admin": 302}

MATRIX = {
    "politirad:council_list": Case(lambda w: reverse("politirad:council_list"), everyone()),
    "politirad:my_tasks": Case(lambda w: reverse("politirad:my_tasks"), everyone()),
    "politirad:council_create": Case(
        lambda w: reverse("politirad:council_create", args=[w.stavanger.number]),
        PARTIES_OF_THE_MUNICIPALITY),
    "politirad:council_detail": Case(_council("politirad:council_detail"), in_council()),
    "politirad:council_edit": Case(_council("politirad:council_edit"), in_council(change=200)),
    "politirad:member_add": Case(_council("politirad:member_add"), in_council(change=200)),
    "politirad:member_remove": Case(_member_remove, in_council(change=302), method="post"),
    "politirad:meeting_create": Case(_council("politirad:meeting_create"), in_council(change=200)),
    "politirad:plan_create": Case(_council("politirad:plan_create"), in_council(change=200)),
    "politirad:knowledge_request_add": Case(_council("politirad:knowledge_request_add"),
                                            in_council(change=200)),
    "politirad:plan_detail": Case(_plan, in_council()),
    "politirad:meeting_detail": Case(_meeting("politirad:meeting_detail"), in_council()),
    "politirad:meeting_edit": Case(_meeting("politirad:meeting_edit"), in_council(change=200)),
    "politirad:meeting_ics": Case(_meeting("politirad:meeting_ics"), in_council()),
    "politirad:agenda_item_add": Case(_meeting("politirad:agenda_item_add"),
                                      in_council(change=200)),
    "politirad:agenda_item_edit": Case(
        lambda w: reverse("politirad:agenda_item_edit", args=[
            helpers.first_item(helpers.make_meeting(w)).pk]), in_council(change=200)),
    # The agenda is sent, so the item survives the first role's POST (refused with a
    # message and a redirect) and every role meets the same item.
    "politirad:agenda_item_delete": Case(_sent_item, in_council(change=302), method="post"),
    "politirad:agenda_item_move": Case(
        lambda w: reverse("politirad:agenda_item_move", args=[
            helpers.first_item(helpers.make_meeting(w)).pk]), in_council(change=302),
        method="post", data=lambda w: {"direction": "down"}),
    "politirad:attachment_download": Case(_attachment, in_council()),
    "politirad:agenda_send": Case(_meeting("politirad:agenda_send"), in_council(change=302),
                                  method="post"),
    "politirad:attendance": Case(_meeting("politirad:attendance", days=-1), in_council(change=200)),
    "politirad:minutes": Case(_minutes("politirad:minutes"), in_council()),
    "politirad:task_add": Case(_minutes("politirad:task_add"), in_council(change=302),
                               method="post", data=_task_data),
    "politirad:minutes_approve": Case(_minutes("politirad:minutes_approve"), CHAIR_ONLY,
                                      method="post"),
    "politirad:minutes_publish": Case(_minutes("politirad:minutes_publish", "approved"),
                                      in_council(change=302), method="post"),
    "politirad:minutes_correction": Case(
        _minutes("politirad:minutes_correction", "published"), in_council(change=302),
        method="post", data=lambda w: {"text": "Rettelse", "access_level": "open",
                                       "legal_basis": ""}),
    "politirad:minutes_pdf": Case(_minutes("politirad:minutes_pdf", "published"), in_council()),
    "politirad:minutes_public_pdf": Case(_minutes("politirad:minutes_public_pdf", "published"),
                                         in_council()),
    "politirad:task_detail": Case(_task, in_council()),
    "politirad:municipality_request_decide": Case(
        _join_request, ANSWER_FOR_THE_MUNICIPALITY, method="post",
        data=lambda w: {"answer": "accept"}),
    # Token auth for calendar programs: no login; a bad token is 404 (test_views).
    "politirad:calendar_feed": Case(
        lambda w: reverse("politirad:calendar_feed", args=[feed_token(w.leader)]),
        everyone(200, anonymous=200)),
    # Issue 13: the archive extract (district and national administrators) and the public
    # minutes (offentleglova: no login).
    "politirad:archive_extract": Case(_council("politirad:archive_extract"),
                                      {**in_council(change=403), "admin": 200}),
    "politirad:public_council": Case(_council("politirad:public_council"),
                                     everyone(200, anonymous=200)),
    "politirad:public_minutes": Case(_minutes("politirad:public_minutes", "published"),
                                     everyone(200, anonymous=200)),
    "politirad:public_minutes_pdf": Case(_minutes("politirad:public_minutes_pdf", "published"),
                                         everyone(200, anonymous=200)),
}
