"""The exporter family (pretix's base/exporters shape): each format declares itself and
renders a table; the safety rule and the Norwegian-Excel details hold for every caller."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from rapporter import exporters
from rapporter.exporters.base import BaseExporter

HEADER = ["Kommune", "Andel %", "Folketall"]
BODY = [["=HYPERLINK(\"http://x\")", 99.40000000000001, 1234567], ["Ås", 0.1 + 0.2, 0]]


def test_every_exporter_declares_what_it_is() -> None:
    assert set(exporters.EXPORTERS) == {"csv", "xlsx"}
    for exporter in exporters.all_exporters():
        assert isinstance(exporter, BaseExporter)
        assert exporter.identifier and str(exporter.verbose_name) and exporter.content_type
        assert exporter.filename("status-totals-sor-vest") == \
            f"status-totals-sor-vest.{exporter.extension}"
    assert exporters.get("pdf") is None


def test_csv_opens_in_norwegian_excel_and_neutralises_formulas() -> None:
    data = exporters.get("csv").render(HEADER, BODY, "Status")  # type: ignore[union-attr]
    assert data.startswith("\ufeff".encode())  # UTF-8 with a byte-order mark
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADER
    assert rows[1] == ["'=HYPERLINK(\"http://x\")", "99,4", "1234567"]
    assert rows[2] == ["Ås", "0,3", "0"]


def test_xlsx_holds_rounded_numbers_with_a_format_and_text_as_text() -> None:
    data = exporters.get("xlsx").render(HEADER, BODY, "Status")  # type: ignore[union-attr]
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert sheet.title == "Status"
    name, share, population = sheet[2]
    assert name.value == "'=HYPERLINK(\"http://x\")" and name.data_type == "s"
    assert share.value == pytest.approx(99.4) and repr(share.value) == "99.4"
    assert share.number_format == "0.0"
    assert population.value == 1234567 and population.number_format == "#,##0"
    assert sheet["B3"].value == 0.3 and sheet.freeze_panes == "A2"
