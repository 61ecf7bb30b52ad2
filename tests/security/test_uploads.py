"""Uploads are checked by content and size and served as attachments (issue 7 §2).
The only uploads of these apps are the scanned signed agreement and the PDF to verify."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from avtaler.models import Signature
from tests.avtaler.helpers import sent_version

pytestmark = pytest.mark.django_db

REAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _sign(client: Any, version: Any, upload: Any) -> Any:
    return client.post(reverse("avtaler:sign", args=[version.agreement_id, version.number]),
                       {"party": "municipality", "confirm": "on", "signed_pdf": upload})


def test_a_text_file_named_pdf_is_refused_with_the_reason(client: Any, world: Any) -> None:
    version = sent_version(world)
    client.force_login(world.leader)
    fake = SimpleUploadedFile("avtale.pdf", b"just some text, not a PDF",
                              content_type="application/pdf")
    response = _sign(client, version, fake)
    assert response.status_code == 200
    assert "Filen er ikke en PDF" in response.content.decode()
    assert not Signature.objects.exists()


def test_an_oversized_file_is_refused(client: Any, world: Any, settings: Any) -> None:
    settings.MAX_UPLOAD_SIZE = 1024
    version = sent_version(world)
    client.force_login(world.leader)
    big = SimpleUploadedFile("stor.pdf", REAL_PDF + b"0" * 2048, content_type="application/pdf")
    response = _sign(client, version, big)
    assert response.status_code == 200
    assert "Filen er for stor" in response.content.decode()
    assert not Signature.objects.exists()


def test_verify_refuses_fake_and_oversized_pdfs(client: Any, world: Any, settings: Any) -> None:
    client.force_login(world.member)
    url = reverse("avtaler:verify")
    fake = SimpleUploadedFile("x.pdf", b"<html><script>alert(1)</script>", "application/pdf")
    assert "Filen er ikke en PDF" in client.post(url, {"document": fake}).content.decode()
    settings.MAX_UPLOAD_SIZE = 10
    big = SimpleUploadedFile("x.pdf", REAL_PDF, "application/pdf")
    assert "Filen er for stor" in client.post(url, {"document": big}).content.decode()


def test_path_traversal_name_is_not_used_and_download_is_an_attachment(
        client: Any, world: Any, settings: Any, tmp_path: Any) -> None:
    version = sent_version(world)
    client.force_login(world.leader)
    upload = SimpleUploadedFile("../../etc/passwd.pdf", REAL_PDF, content_type="text/html")
    assert _sign(client, version, upload).status_code == 302
    stored = Signature.objects.get().wet_ink_pdf
    # The stored name is the model's own (version and party), never the uploader's name.
    assert stored.name == f"avtaler/signert/{version.pk}/municipality.pdf"
    assert ".." not in stored.name and "passwd" not in stored.name
    assert stored.path.startswith(str(settings.MEDIA_ROOT))
    client.force_login(world.police)
    response = client.get(reverse("avtaler:signed_copy",
                                  args=[version.agreement_id, version.number, "municipality"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="signert-municipality-v1.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == REAL_PDF


def test_agreement_pdf_is_an_attachment_with_nosniff(client: Any, world: Any) -> None:
    version = sent_version(world)
    client.force_login(world.police)
    response = client.get(reverse("avtaler:pdf", args=[version.agreement_id, 1]))
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
