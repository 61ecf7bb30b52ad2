"""The file formats a report table can be downloaded in, one module per format (the shape
of pretix's `base/exporters/`): each exporter declares its identifier (the URL suffix), a
verbose name for the download link, its content type and file extension, and renders a
table — a header and rows of plain values — to bytes.

Not named `csv.py`/`xlsx.py`: a module that shadows a standard-library name misleads a
reader (issue #15)."""

from __future__ import annotations

from .base import BaseExporter
from .csvfile import CSVExporter
from .xlsxfile import XLSXExporter

EXPORTERS: dict[str, type[BaseExporter]] = {e.identifier: e for e in (CSVExporter, XLSXExporter)}


def get(identifier: str) -> BaseExporter | None:
    """The exporter for a URL suffix, or None for a format we do not offer."""
    exporter = EXPORTERS.get(identifier)
    return exporter() if exporter else None


def all_exporters() -> list[BaseExporter]:
    return [e() for e in EXPORTERS.values()]


__all__ = ["EXPORTERS", "BaseExporter", "CSVExporter", "XLSXExporter", "all_exporters", "get"]
