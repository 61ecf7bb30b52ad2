"""Norwegian first: every message of every app is translated to Bokmål and Nynorsk."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(p for p in ROOT.glob("**/locale/n[bn]/LC_MESSAGES/django.po")
                    if ".venv" not in p.parts)


def test_every_app_has_both_norwegian_catalogues() -> None:
    found = {str(p.relative_to(ROOT)) for p in CATALOGUES}
    for prefix in ("", "avtaler/", "politirad/", "politikontakt/", "slt/", "evaluering/"):
        for language in ("nb", "nn"):
            assert f"{prefix}locale/{language}/LC_MESSAGES/django.po" in found


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete(catalogue: Path) -> None:
    po = polib.pofile(str(catalogue))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
    mo = catalogue.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= catalogue.stat().st_mtime - 1, \
        f"{mo} is missing or older than its .po (run compilemessages)"
