"""The base of every exporter: what it declares and the one safety rule all formats share."""

from __future__ import annotations

from typing import Any, ClassVar

# Characters that make a spreadsheet read a cell as a formula or a DDE command (OWASP CSV
# injection), also after leading blanks or control characters.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_safe(value: Any) -> Any:
    """A cell value that no spreadsheet evaluates: text that could start a formula gets a
    leading single quote; numbers stay numbers."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_START):
        return "'" + value
    return value


class BaseExporter:
    identifier: ClassVar[str]
    verbose_name: ClassVar[Any]
    content_type: ClassVar[str]
    extension: ClassVar[str]

    def render(self, header: list[Any], body: list[list[Any]], title: str) -> bytes:
        """The file for one table. Cells typed by people (or names) could start a formula
        in a spreadsheet, so every format gets them neutralised first."""
        return self.write([spreadsheet_safe(v) for v in header],
                          [[spreadsheet_safe(v) for v in line] for line in body], title)

    def write(self, header: list[Any], body: list[list[Any]], title: str) -> bytes:
        raise NotImplementedError

    def filename(self, stem: str) -> str:
        return f"{stem}.{self.extension}"
