"""Public minutes (offentleglova, issue 13): a page per council that anyone can open without
logging in, listing published minutes in their public version — exempt items as number,
«Unntatt offentlighet» and legal basis, never their content; internal items not at all — with
an innsyn link to the secretary, and a switch per council to turn the page off."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from politirad import services

from . import helpers
from .records import SECRET, published_meeting

pytestmark = pytest.mark.django_db
def _assert_public(text: str) -> None:
    for secret in SECRET:
        assert secret not in text, secret


def test_the_public_page_works_logged_out_and_lists_published_minutes_only(
        client: Any, world: Any) -> None:
    meeting = published_meeting(world)
    council = meeting.council
    approved = helpers.make_minutes(world, state="approved", council=council)
    draft = helpers.make_minutes(world, state="draft", council=council)
    response = client.get(reverse("politirad:public_council", args=[council.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Referater fra Politirådet i Stavanger" in html
    assert reverse("politirad:public_minutes", args=[meeting.pk]) in html
    assert reverse("politirad:public_minutes_pdf", args=[meeting.pk]) in html
    for other in (approved, draft):
        assert reverse("politirad:public_minutes", args=[other.pk]) not in html
        assert client.get(reverse("politirad:public_minutes", args=[other.pk])).status_code == 404
    # In the site's layout, with a skip link and a language, no login asked.
    assert 'class="visually-hidden-focusable skip-link"' in html and '<html lang="nb">' in html
    assert "logg-inn" not in response.get("Location", "")
    _assert_public(html)


def test_the_public_version_shows_exempt_items_as_stubs_and_no_internal_items(
        client: Any, world: Any) -> None:
    meeting = published_meeting(world)
    response = client.get(reverse("politirad:public_minutes", args=[meeting.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trygt sentrum" in html and "Åpent notat" in html and "Åpent vedtak" in html
    assert "Åpen oppgave" in html and "Åpen rettelse" in html
    # The exempt item: its number, «Unntatt offentlighet» and the legal basis.
    assert "2. Unntatt offentlighet" in html
    assert "Unntatt offentlighet (offl. § 13 jf. fvl. § 13)" in html
    # The internal item is not there at all, not even its number.
    assert 'id="item-2"' in html and 'id="item-3"' not in html
    _assert_public(html)
    # Tasks are shown without links into the portal.
    assert reverse("politirad:task_detail", args=[meeting.tasks.first().pk]) not in html


def test_innsyn_links_open_a_prefilled_e_mail_to_the_secretary(client: Any, world: Any) -> None:
    meeting = published_meeting(world)
    response = client.get(reverse("politirad:public_minutes", args=[meeting.pk]))
    html = unquote(response.content.decode())
    assert f"mailto:{world.police.email}?subject=" in html
    date = f"{timezone.localtime(meeting.starts_at):%d.%m.%Y}"
    assert f"Innsynsbegjæring: Politirådet i Stavanger {date}, sak 2" in html
    assert "Be om innsyn i sak 2" in html and "offentleglova" in html
    page = unquote(client.get(reverse("politirad:public_council",
                                      args=[meeting.council_id])).content.decode())
    assert f"mailto:{world.police.email}" in page


def test_the_public_pdf_works_logged_out_and_holds_no_exempt_or_internal_content(
        client: Any, world: Any) -> None:
    meeting = published_meeting(world)
    response = client.get(reverse("politirad:public_minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "offentlig.pdf" in response["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Trygt sentrum" in text and "Unntatt offentlighet" in text
    _assert_public(text)
    # A correction added later is in the next download (the cached PDF is keyed on it).
    services.minutes_correction_add(minutes=meeting.minutes, actor=world.police,
                                    text="Ny åpen rettelse")
    again = client.get(reverse("politirad:public_minutes_pdf", args=[meeting.pk]))
    assert "Ny åpen rettelse" in "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(again.content)).pages)


def test_the_page_can_be_turned_off_per_council(client: Any, world: Any) -> None:
    meeting = published_meeting(world)
    council = meeting.council
    client.force_login(world.police)
    data = {"name": council.name, "kind": council.kind, "theme": "", "description": "",
            "bylaws_review_on": "", "public_minutes": ""}
    assert client.post(reverse("politirad:council_edit", args=[council.pk]), data
                       ).status_code == 302
    council.refresh_from_db()
    assert council.public_minutes is False
    client.logout()
    for name, pk in (("politirad:public_council", council.pk),
                     ("politirad:public_minutes", meeting.pk),
                     ("politirad:public_minutes_pdf", meeting.pk)):
        assert client.get(reverse(name, args=[pk])).status_code == 404


def test_the_council_page_links_to_the_public_page(client: Any, world: Any) -> None:
    meeting = published_meeting(world)
    client.force_login(world.leader)
    html = client.get(reverse("politirad:council_detail", args=[meeting.council_id])
                      ).content.decode()
    assert reverse("politirad:public_council", args=[meeting.council_id]) in html


def test_the_public_page_has_the_same_queries_for_2_and_12_published_meetings(
        client: Any, world: Any, django_assert_num_queries: Any) -> None:
    council = helpers.make_council(world)
    for days in (-30, -20):
        published_meeting(world, days=days, council=council)
    url = reverse("politirad:public_council", args=[council.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for days in range(-300, -200, 10):
        published_meeting(world, days=days, council=council)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)
