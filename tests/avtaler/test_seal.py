"""Sealed agreements (issue 13, Veileder §3): when both parties have signed, the portal seals
the agreement PDF with a PAdES signature that pyHanko's own validator accepts, naming both
signatories with role and time; the sealed PDF is the record and never changes."""

from __future__ import annotations

import io
import logging
import time
from typing import Any

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from avtaler import services
from avtaler.models import AgreementVersion, SignedVersionError, VersionStatus
from samarbeid import seal

from .helpers import in_force_version, sent_version
from .sealing import sealed_pdf

pytestmark = pytest.mark.django_db


def _pyhanko_status(content: bytes, trust_root: Any) -> Any:
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(content))
    assert len(reader.embedded_signatures) == 1
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(trust_root))])
    return reader.embedded_signatures[0], validate_pdf_signature(
        reader.embedded_signatures[0], context)


def test_signed_by_both_parties_the_pdf_is_sealed_and_pyhanko_validates_it(
        world: Any, dev_seal: Any, django_capture_on_commit_callbacks: Any) -> None:
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    # The second signature enqueues the rendering after commit (the Celery task seals it).
    with django_capture_on_commit_callbacks(execute=True):
        version = in_force_version(world)
    version.refresh_from_db()
    assert version.sealed_at is not None
    with version.pdf.open("rb") as handle:
        content = handle.read()
    assert version.pdf_sha256 == seal.sha256(content)
    embedded, status = _pyhanko_status(content, dev_seal.ca_cert)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    # PAdES (ETSI.CAdES.detached), not the older PKCS#7 signature.
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    # Both signatories, their roles and times, and the text's fingerprint are in the seal …
    reason = str(embedded.sig_object["/Reason"])
    signatures = list(version.signatures.order_by("signed_at"))
    for signature in signatures:
        assert signature.name in reason and signature.role_title in reason
        assert f"{signature.signed_at:%Y-%m-%dT%H:%M}Z" in reason
    assert version.fingerprint in reason
    # … and in the document the seal covers.
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert all(s.name in text for s in signatures)
    assert "Ordfører" in text and "Politimester" in text


def test_a_version_that_is_not_signed_by_both_is_not_sealed(world: Any) -> None:
    version = sent_version(world)
    services.version_sign(version=version, actor=world.leader)
    content = sealed_pdf(version)
    version.refresh_from_db()
    assert version.pdf and version.sealed_at is None and version.pdf_sha256 == ""
    assert seal.check_seal(content).problem == seal.SealProblem.NO_SEAL


def test_the_sealed_pdf_is_the_record_and_never_changes(world: Any) -> None:
    version = in_force_version(world)
    content = sealed_pdf(version)
    # A revision in force supersedes the version; its sealed PDF stays as it was.
    draft = services.version_create_revision(agreement=version.agreement, actor=world.police)
    services.version_update(version=draft, actor=world.police, data={"meetings_per_year": 6})
    services.version_send_for_signing(version=draft, actor=world.police)
    services.version_sign(version=draft, actor=world.leader)
    services.version_sign(version=draft, actor=world.chief)
    version.refresh_from_db()
    assert version.status == VersionStatus.SUPERSEDED
    assert services.version_render_pdf(version_id=version.pk).pdf_sha256 == seal.sha256(content)
    assert sealed_pdf(version) == content
    # Neither the model nor a bulk update replaces it.
    version.pdf_sha256 = "0" * 64
    with pytest.raises(SignedVersionError):
        version.save()
    with pytest.raises(SignedVersionError):
        AgreementVersion.objects.filter(pk=version.pk).update(pdf="avtaler/pdf/annen.pdf")


def test_without_a_seal_certificate_the_pdf_is_rendered_unsealed_and_logged(
        world: Any, settings: Any, tmp_path: Any, caplog: Any, dev_seal: Any) -> None:
    settings.SEAL_CERT_PATH = str(tmp_path / "missing.pem")
    version = in_force_version(world)
    with caplog.at_level(logging.WARNING, logger="avtaler.services"):
        sealed_pdf(version)
    version.refresh_from_db()
    assert version.pdf and version.sealed_at is None
    assert "not sealed" in caplog.text
    # Once a seal is configured, the next rendering seals it.
    settings.SEAL_CERT_PATH = str(dev_seal.cert)
    version = services.version_render_pdf(version_id=version.pk)
    assert version.sealed_at is not None and seal.check_seal(sealed_pdf(version)).ok


def test_make_dev_seal_creates_a_ca_and_a_seal_certificate_once(tmp_path: Any,
                                                               capsys: Any) -> None:
    call_command("make_dev_seal", "--dir", str(tmp_path / "seal"))
    out = capsys.readouterr().out
    assert "Created a development seal" in out and str(tmp_path / "seal") in out
    first = (tmp_path / "seal" / "seal-cert.pem").read_bytes()
    assert (tmp_path / "seal" / "seal-key.pem").stat().st_mode & 0o077 == 0
    call_command("make_dev_seal", "--dir", str(tmp_path / "seal"))
    assert "Using the existing" in capsys.readouterr().out
    assert (tmp_path / "seal" / "seal-cert.pem").read_bytes() == first


def test_sealing_time(world: Any, capsys: Any) -> None:
    """Measured for the report: sealing adds little to rendering (issue 13)."""
    version = in_force_version(world)
    content = sealed_pdf(version)
    from avtaler.selectors import version_document_context
    from samarbeid.pdf import render_pdf

    started = time.perf_counter()
    plain = render_pdf("avtaler/document.html", version_document_context(version))
    rendered = time.perf_counter() - started
    started = time.perf_counter()
    again = seal.seal_pdf(plain, reason=services.seal_reason(version))
    sealed = time.perf_counter() - started
    started = time.perf_counter()
    assert seal.check_seal(content).ok and seal.check_seal(again).ok
    checked = (time.perf_counter() - started) / 2
    with capsys.disabled():
        print(f"\nrender {rendered:.3f} s, seal {sealed:.3f} s, check {checked:.3f} s")
    assert sealed < 2.0 and checked < 1.0
