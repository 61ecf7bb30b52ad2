"""Every msgid of the app is translated to Bokmål and Nynorsk, with no fuzzy entries."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.utils import translation

from avtaler.models import SignedVersionError

LOCALE = Path(__file__).resolve().parents[2] / "avtaler" / "locale"


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_catalogue_is_complete(lang: str) -> None:
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    assert po.percent_translated() == 100
    assert not po.fuzzy_entries()
    assert (LOCALE / lang / "LC_MESSAGES" / "django.mo").exists()


@pytest.mark.parametrize(("lang", "expected"), [("nb", "kan ikke endres"),
                                                 ("nn", "kan ikkje lenger endrast")])
def test_refusal_reads_in_both_written_standards(lang: str, expected: str) -> None:
    with translation.override(lang):
        assert expected in SignedVersionError().messages[0]
