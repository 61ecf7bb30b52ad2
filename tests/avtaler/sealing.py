"""Helpers for the seal tests: the sealed PDF of a version, and the ways people change one."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.test import override_settings

from samarbeid import seal


def sealed_pdf(version: Any) -> bytes:
    """The stored PDF of a version; rendered (and sealed, when signed by both) first if the
    after-commit task has not run (tests run inside a transaction that never commits)."""
    from avtaler import services

    version.refresh_from_db()
    if not version.pdf or (not version.sealed_at
                           and version.pdf_state != services.pdf_state(version)):
        version = services.version_render_pdf(version_id=version.pk)
    with version.pdf.open("rb") as handle:
        return bytes(handle.read())


def flip_byte(content: bytes) -> bytes:
    """One bit changed in the middle of the first content stream (inside the signed range,
    compressed data: the file still parses)."""
    start = content.index(b"stream", content.index(b"/Length")) + 40
    changed = bytearray(content)
    changed[start] ^= 0x01
    return bytes(changed)


def append_update(content: bytes) -> bytes:
    """What a PDF editor does on "save": an incremental update after the seal (here, a new
    title), leaving the signed revision intact."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(content))
    info_ref = writer.trailer.raw_get("/Info")
    info = info_ref.get_object()
    info["/Title"] = generic.TextStringObject("Endret avtale")
    writer.mark_update(info_ref)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def forged_pdf(fingerprint: str, *, meetings: int = 2) -> bytes:
    """A forged agreement whose text says something else but prints the old fingerprint."""
    html = ("<!DOCTYPE html><html lang='nb'><head><meta charset='utf-8'><title>Avtale</title>"
            "</head><body><h1>Samarbeidsavtale</h1>"
            f"<p>Politirådsmøter per år: {meetings}</p>"
            f"<p>Fingeravtrykk for den signerte teksten (SHA-256):<br>{fingerprint}</p>"
            "</body></html>")
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf(pdf_variant="pdf/a-2b"))


def seal_with(content: bytes, other: seal.DevSeal) -> bytes:
    """Seal with another (untrusted) CA's certificate: a valid signature, not the portal's."""
    with override_settings(SEAL_CERT_PATH=str(other.cert), SEAL_KEY_PATH=str(other.key),
                           SEAL_TRUST_ROOTS=[str(other.ca_cert)]):
        return seal.seal_pdf(content, reason="Forfalsket", field_name="Annet segl")


def other_ca(tmp: Path) -> seal.DevSeal:
    return seal.make_dev_seal(tmp / "other-ca", name="Annen utsteder")
