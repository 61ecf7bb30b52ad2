"""CSV the way Norwegian Excel opens it by a double click."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext_lazy as _

from .base import BaseExporter


def csv_cell(value: Any) -> Any:
    """Norwegian Excel reads numbers with a decimal comma: 99,4, not 99.4 (which it would
    take for a date or text)."""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return value


class CSVExporter(BaseExporter):
    identifier = "csv"
    verbose_name = _("CSV")
    content_type = "text/csv; charset=utf-8"
    extension = "csv"

    def write(self, header: list[Any], body: list[list[Any]], title: str) -> bytes:
        # Semicolon-separated (the comma is the decimal separator in Norwegian), UTF-8 with a
        # byte-order mark so Excel reads æ, ø and å right.
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(header)
        writer.writerows([[csv_cell(v) for v in line] for line in body])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
