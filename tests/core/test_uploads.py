"""One upload validator: office files must be the containers they claim to be."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from samarbeid import uploads

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _docx(extra: dict[str, bytes] | None = None) -> bytes:
    types = (b'<Types><Override PartName="/word/document.xml" ContentType="application/'
             b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    return _zip({"[Content_Types].xml": types, "word/document.xml": b"<w:document/>",
                 **(extra or {})})


def test_a_real_docx_passes() -> None:
    name, kind = uploads.check_upload(SimpleUploadedFile("notat.docx", _docx()))
    assert (name, kind) == ("notat.docx", DOCX)


@pytest.mark.parametrize("content", [
    _zip({"evil.exe": b"MZ\x90\x00"}),  # a ZIP with a program, named .docx
    _docx({"word/vbaProject.bin": b"macro"}),  # a macro part
    _docx({"payload/run.js": b"alert(1)"}),
    b"PK\x03\x04 not really a zip",
])
def test_a_zip_that_is_not_the_office_file_it_claims_is_refused(content: bytes) -> None:
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(SimpleUploadedFile("notat.docx", content))
    assert "DOCX" in " ".join(refused.value.messages)


def test_an_opendocument_text_needs_its_mimetype() -> None:
    good = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
    assert uploads.check_upload(SimpleUploadedFile("a.odt", good))[1].endswith("opendocument.text")
    with pytest.raises(ValidationError):
        uploads.check_upload(SimpleUploadedFile("a.odt", _zip({"content.xml": b"<x/>"})))
