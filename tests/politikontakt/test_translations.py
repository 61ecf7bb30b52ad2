"""Every message of the app is translated into Bokmål and Nynorsk."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from politikontakt.models import PreventiveFunctionKind

LOCALE = Path(__file__).resolve().parents[2] / "politikontakt" / "locale"


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_po_file_is_complete(language: str) -> None:
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    entries = text.split("\n\n")[1:]  # the first entry is the header
    assert len(entries) > 200
    empty = [e for e in entries if re.search(r'^msgstr(\[\d\])? ""$', e, re.MULTILINE)
             and not re.search(r'^msgstr(\[\d\])? ""\n"', e, re.MULTILINE)]
    assert empty == []


def test_nynorsk_is_used() -> None:
    with translation.override("nn"):
        assert str(PreventiveFunctionKind.DIVERSITY_COORDINATOR.label) == "Mangfaldskoordinator"
    with translation.override("nb"):
        assert str(PreventiveFunctionKind.DIVERSITY_COORDINATOR.label) == "Mangfoldskoordinator"
