"""Excel workbooks (XLSX) with typed, rounded cells."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .base import BaseExporter


class XLSXExporter(BaseExporter):
    identifier = "xlsx"
    verbose_name = _("Excel (XLSX)")
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    extension = "xlsx"

    def write(self, header: list[Any], body: list[list[Any]], title: str) -> bytes:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = title[:31]
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for line in body:
            sheet.append(line)
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text is text: openpyxl would store "=..." as a formula
                elif isinstance(cell.value, float):
                    # A rounded number with a format, never 99.40000000000001; Excel shows
                    # the reader's decimal separator.
                    cell.value = round(cell.value, 1)
                    cell.number_format = "0.0"
                elif isinstance(cell.value, int) and cell.row > 1:
                    cell.number_format = "#,##0"
        sheet.freeze_panes = "A2"
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
