"""One upload validator for the portal: size, a known type, and content that matches it.

Office files are ZIP containers: the ZIP signature alone would let a `evil.exe` inside a file
named `.docx` through, so the container must hold the parts of its type (OOXML content types
and main part, or the OpenDocument `mimetype`), and no executable or macro part.
"""

from __future__ import annotations

import zipfile
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PDF = ("application/pdf", (b"%PDF-",))
# File types accepted as attachments, with the bytes their content must start with.
ALLOWED: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": PDF,
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             (b"PK\x03\x04",)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",
             (b"PK\x03\x04",)),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    "txt": ("text/plain", ()),
}
# The part each container must hold.
MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml",
             "pptx": "ppt/presentation.xml"}
EXECUTABLE = (".exe", ".dll", ".com", ".bat", ".cmd", ".js", ".jse", ".vbs", ".vbe", ".ps1",
              ".scr", ".msi", ".jar", ".sh", ".lnk", ".hta", ".wsf")
MAX_MEMBERS = 5000


def clean_filename(raw: str) -> str:
    """The last path part without control characters or leading dots: no path traversal
    (`../../x`, `C:\\x`), no header injection in Content-Disposition, no hidden files."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".").strip()
    if len(name) > 200:
        stem, _dot, ext = name.rpartition(".")
        name = f"{stem[:190]}.{ext[:9]}" if stem else name[:200]
    return name or "vedlegg"


def check_size(upload: Any, field: str | None = None) -> None:
    """One size limit and one message for every upload (MAX_UPLOAD_SIZE); on `field`, or on
    the form as a whole when there is none (a form's own clean_<field>)."""
    if upload.size is not None and upload.size > settings.MAX_UPLOAD_SIZE:
        message = _("The file is too large (at most %(mb)d MB).") % {
            "mb": settings.MAX_UPLOAD_SIZE // (1024 * 1024)}
        raise ValidationError({field: message} if field else message, code="size")


def starts_with(upload: Any, magics: tuple[bytes, ...], length: int = 2048) -> bool:
    """Whether the content (not the name) starts with one of `magics`; the file is left at
    its start for whoever reads it next."""
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return any(head.startswith(m) for m in magics)


def check_upload(upload: Any, *, field: str = "attachment",
                 allowed: dict[str, tuple[str, tuple[bytes, ...]]] = ALLOWED) -> tuple[str, str]:
    """(clean file name, content type) or a ValidationError on `field` that says what to do."""
    name = clean_filename(upload.name or "")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    check_size(upload, field)
    if ext not in allowed:
        raise ValidationError({field: _(
            "This file type is not accepted. Use PDF, Word, Excel, PowerPoint, OpenDocument, "
            "PNG, JPEG or plain text.")}, code="type")
    content_type, magics = allowed[ext]
    if magics:
        ok = starts_with(upload, magics)
    else:
        upload.seek(0)
        ok = _is_text(upload.read(2048))
        upload.seek(0)
    if ok and magics == (b"PK\x03\x04",):
        ok = _container_ok(upload, ext, content_type)
    if not ok:
        raise ValidationError({field: _(
            "The file's content does not match its type. Save it again as a real %(ext)s "
            "file and upload it again.") % {"ext": ext.upper()}}, code="content")
    return name, content_type


def _container_ok(upload: Any, ext: str, content_type: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if len(names) > MAX_MEMBERS:
                return False
            lowered = [n.lower() for n in names]
            if any(n.endswith(EXECUTABLE) or n.endswith("vbaproject.bin") for n in lowered):
                return False
            if ext == "odt":
                return "mimetype" in names and archive.read("mimetype").strip() == \
                    content_type.encode()
            if "[Content_Types].xml" not in names or MAIN_PART[ext] not in names:
                return False
            types = archive.read("[Content_Types].xml")
            return content_type.encode() in types or b".main+xml" in types
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def _is_text(head: bytes) -> bool:
    if b"\x00" in head or b"<script" in head.lower() or b"<html" in head.lower():
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
