"""User text in agreements is text, never markup (issue 7 §2): escaped in every HTML page
that shows it and printed literally in the PDF, and WeasyPrint fetches nothing outside the
project when the text names remote or file URLs."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from avtaler import services
from avtaler.models import AgreementKind
from samarbeid import pdf as core_pdf
from samarbeid.models import Organisation, OrganisationKind
from tests.avtaler.helpers import draft

from .conftest import HOSTILE, PAYLOADS, assert_escaped

pytestmark = pytest.mark.django_db

TEXT_FIELDS = ("strategies", "custom_focus_areas", "thematic_forums",
               "extended_council_participants")


def _hostile_version(world: Any) -> Any:
    version = draft(world, **dict.fromkeys(TEXT_FIELDS, HOSTILE))
    return services.version_update(
        version=version, actor=world.police, data={},
        measures=[services.MeasureData(title=HOSTILE, description=HOSTILE, responsible=HOSTILE)],
    )


def _pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text)


def test_agreement_pages_escape_every_free_text_field(client: Any, world: Any) -> None:
    version = _hostile_version(world)
    pk = version.agreement_id
    client.force_login(world.police)
    detail = client.get(reverse("avtaler:detail", args=[pk])).content.decode()
    # strategies, other focus areas, thematic forums, participants, measure title,
    # description and responsible: seven fields on the page.
    assert_escaped(detail, at_least=7)
    edit = client.get(reverse("avtaler:edit", args=[pk, 1])).content.decode()
    assert_escaped(edit, at_least=4)  # in the textareas and inputs
    services.version_send_for_signing(version=version, actor=world.police)
    services.version_sign(version=version, actor=world.leader)
    services.version_sign(version=version, actor=world.chief)
    revision = services.version_create_revision(agreement=version.agreement, actor=world.police)
    services.version_update(version=revision, actor=world.police,
                            data={"strategies": "Ny tekst\n" + HOSTILE + " endret"})
    compare = client.get(reverse("avtaler:compare", args=[pk])).content.decode()
    assert_escaped(compare)


def test_decline_decision_is_escaped(client: Any, world: Any) -> None:
    agreement = services.agreement_create(municipality=world.sandnes, actor=world.chief)
    client.force_login(world.chief)
    response = client.post(reverse("avtaler:decline", args=[agreement.pk]),
                           {"declined_on": "2026-01-05", "note": HOSTILE})
    assert response.status_code == 302
    assert_escaped(client.get(reverse("avtaler:detail", args=[agreement.pk])).content.decode())


def test_pdf_prints_the_text_literally(client: Any, world: Any) -> None:
    version = _hostile_version(world)
    client.force_login(world.police)
    response = client.get(reverse("avtaler:pdf", args=[version.agreement_id, 1]))
    assert response.status_code == 200
    text = _pdf_text(b"".join(response.streaming_content))
    for payload in PAYLOADS:
        assert text.count(payload) >= 3, payload  # as characters on the page, not as markup


def test_pdf_footer_prints_a_party_name_with_quotes_and_hyphens(client: Any, world: Any) -> None:
    school = Organisation.objects.create(
        name='Nord-Fron vgs "><b> </style>', kind=OrganisationKind.UPPER_SECONDARY_SCHOOL,
        municipality=world.stavanger)
    agreement = services.agreement_create(municipality=world.stavanger, actor=world.police,
                                          kind=AgreementKind.SCHOOL, organisation=school)
    version = services.version_render_pdf(version_id=agreement.versions.get().pk)
    text = _pdf_text(version.pdf.read())
    # Once in the lead, once in the parties table, once in the running footer of each page.
    assert text.count('Nord-Fron vgs "><b> </style>') >= 3
    assert "u002D" not in text and "\\" not in text


def test_remote_and_file_urls_in_the_text_are_not_fetched(world: Any,
                                                          monkeypatch: Any) -> None:
    requested: list[str] = []
    original = core_pdf.ProjectOnlyFetcher.fetch

    def spy(self: Any, url: str, headers: Any = None) -> Any:
        requested.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(core_pdf.ProjectOnlyFetcher, "fetch", spy)
    remote = ('<img src="http://example.com/x.png"> <img src="file:///etc/passwd"> '
              '<link rel="stylesheet" href="file:///etc/passwd"> url(http://example.com/y.css)')
    version = draft(world, strategies=remote, thematic_forums="file:///etc/passwd")
    services.version_update(version=version, actor=world.police, data={}, measures=[
        services.MeasureData(title='<img src="http://example.com/x.png">')])
    content = services.version_render_pdf(version_id=version.pk).pdf.read()
    assert not [u for u in requested if "example.com" in u or u.startswith("file:")]
    assert 'src="http://example.com/x.png"' in _pdf_text(content)  # printed, not loaded


@pytest.mark.parametrize("url", [
    "http://example.com/x.png", "https://example.com/x.png", "file:///etc/passwd",
    "https://portal.invalid/static/../../../etc/passwd", "/static/../../etc/passwd",
    "data:text/plain,secret", "ftp://example.com/x",
])
def test_project_only_fetcher_refuses_everything_outside_static(url: str) -> None:
    with pytest.raises(core_pdf.ForbiddenResource):
        core_pdf.url_fetcher(url)


def test_fetcher_refuses_remote_and_file_urls_even_if_markup_got_through(
        monkeypatch: Any) -> None:
    """Defence in depth: should a template ever print raw markup, WeasyPrint still opens no
    connection and reads no file outside the static files."""
    import socket

    from weasyprint import HTML

    connections: list[Any] = []
    monkeypatch.setattr(socket.socket, "connect",
                        lambda self, address: connections.append(address))
    refused: list[str] = []
    original = core_pdf.ProjectOnlyFetcher.fetch

    def spy(self: Any, url: str, headers: Any = None) -> Any:
        try:
            return original(self, url, headers)
        except core_pdf.ForbiddenResource:
            refused.append(url)
            raise

    monkeypatch.setattr(core_pdf.ProjectOnlyFetcher, "fetch", spy)
    html = ('<link rel="stylesheet" href="file:///etc/passwd">'
            '<img src="http://example.com/x.png"><img src="file:///etc/passwd">'
            '<p style="background: url(https://example.com/y.png)">x</p>')
    content = HTML(string=html, base_url=core_pdf.BASE_URL,
                   url_fetcher=core_pdf.ProjectOnlyFetcher()).write_pdf()
    assert content.startswith(b"%PDF-")
    assert connections == []
    assert {"file:///etc/passwd", "http://example.com/x.png",
            "https://example.com/y.png"} <= set(refused)
