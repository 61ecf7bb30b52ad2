"""Fill the gaps in the message catalogues and report what is left (a developer's tool).

    .venv/bin/python bench/fill_translations.py            # makemessages, fill, compile, report
    .venv/bin/python bench/fill_translations.py --check    # report only; exit 1 on gaps

Msgids are English (STYLE.md), so an English entry's translation is its msgid. A Norwegian
entry that is missing in one catalogue is taken from another catalogue of the same language
that has it (apps share many words), then from NORWEGIAN below (the strings this tool knows);
whatever is still missing is printed and the exit status is 1. Run it after adding msgids and
again after merging branches (issue #14: English complete, every msgid in nb, nn and en).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import polib  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[1]
APPS = ("", "avtaler/", "politirad/", "politikontakt/", "slt/", "evaluering/", "rapporter/")
LANGUAGES = ("nb", "nn", "en")

# msgid → (Bokmål, Nynorsk) for strings no catalogue has yet.
NORWEGIAN: dict[str, tuple[str, str]] = {
    "Mayor": ("Ordfører", "Ordførar"),
    "Chief of police": ("Politimester", "Politimeister"),
    "SLT coordinator": ("SLT-koordinator", "SLT-koordinator"),
    "Deputy mayor": ("Varaordfører", "Varaordførar"),
    "Chief municipal executive": ("Kommunedirektør", "Kommunedirektør"),
    "Police station chief": ("Politistasjonssjef", "Politistasjonssjef"),
    "Police contact": ("Politikontakt", "Politikontakt"),
    "Preferred language": ("Foretrukket språk", "Føretrekt språk"),
    "E-mails to you are written in this language.": (
        "E-poster til deg skrives på dette språket.", "E-postar til deg vert skrivne på dette språket."),
}


def catalogue(prefix: str, language: str) -> Path:
    return ROOT / f"{prefix}locale/{language}/LC_MESSAGES/django.po"


def makemessages() -> None:
    subprocess.run([sys.executable, "manage.py", "makemessages",
                    *[a for lang in LANGUAGES for a in ("-l", lang)], "--no-obsolete",
                    "--ignore=.venv", "--ignore=tests", "--ignore=bench", "-v0"],
                   cwd=ROOT, check=True)


def _missing(entry: polib.POEntry) -> bool:
    return not entry.obsolete and (not entry.translated() or entry.fuzzy)


def _known(language: str) -> dict[tuple[str, str], polib.POEntry]:
    """Every translated, non-fuzzy entry of a language across all catalogues."""
    known: dict[tuple[str, str], polib.POEntry] = {}
    for prefix in APPS:
        path = catalogue(prefix, language)
        if path.exists():
            for e in polib.pofile(str(path)):
                if not _missing(e):
                    known.setdefault((e.msgctxt or "", e.msgid), e)
    return known


def _fill_english(entry: polib.POEntry) -> None:
    if entry.msgid_plural:
        entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
    else:
        entry.msgstr = entry.msgid


def fill(check_only: bool) -> list[str]:
    left: list[str] = []
    for language in LANGUAGES:
        known = _known(language)
        for prefix in APPS:
            path = catalogue(prefix, language)
            if not path.exists():
                left.append(f"{path.relative_to(ROOT)}: catalogue missing")
                continue
            po = polib.pofile(str(path))
            po.metadata["Language"] = language
            changed = False
            for entry in (e for e in po if _missing(e)):
                other = known.get((entry.msgctxt or "", entry.msgid))
                table = NORWEGIAN.get(entry.msgid)
                if check_only:
                    pass
                elif language == "en":
                    _fill_english(entry)
                elif other is not None and bool(other.msgid_plural) == bool(entry.msgid_plural):
                    entry.msgstr, entry.msgstr_plural = other.msgstr, dict(other.msgstr_plural)
                elif table is not None and not entry.msgid_plural:
                    entry.msgstr = table[0 if language == "nb" else 1]
                if check_only or _still_missing(entry, other, table, language):
                    left.append(f"{path.relative_to(ROOT)}: {entry.msgid[:70]!r} "
                                f"({entry.occurrences[:1]})")
                    continue
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
                changed = True
            if changed:
                po.save(str(path))
    return left


def _still_missing(entry: polib.POEntry, other: polib.POEntry | None,
                   table: tuple[str, str] | None, language: str) -> bool:
    if language == "en":
        return False
    if other is not None and bool(other.msgid_plural) == bool(entry.msgid_plural):
        return False
    return table is None or bool(entry.msgid_plural)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report only, change nothing")
    parser.add_argument("--no-makemessages", action="store_true")
    args = parser.parse_args()
    if not args.check and not args.no_makemessages:
        makemessages()
    left = fill(args.check)
    if not args.check:
        subprocess.run([sys.executable, "manage.py", "compilemessages", "--ignore=.venv", "-v0"],
                       cwd=ROOT, check=True)
    for line in left:
        print(line)
    print(f"{len(left)} untranslated", file=sys.stderr)
    return 1 if left else 0


if __name__ == "__main__":
    raise SystemExit(main())
