"""Write a Noark 5 v5.0 archive extract of a police council for a period (issue 13)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from politirad import archive
from politirad.models import PoliceCouncil
from samarbeid import audit
from samarbeid.archive import checks, noark5
from samarbeid.models import AuditAction


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = ("Write the Noark 5 extract of a council (meetings with approved minutes, and the "
            "agreements of its municipalities signed in the period) and check it the way "
            "Arkade 5 does. The extract holds the members' version with skjerming on exempt "
            "items (see README.md, 'Records and archive').")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--council", type=int, required=True, help="the council's id")
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--output", help="folder to write (default var/arkivuttrekk/NAME)")
        parser.add_argument("--zip", action="store_true", help="write NAME.zip instead of a folder")
        parser.add_argument("--no-agreements", action="store_true",
                            help="leave out the agreements' archive part")

    def handle(self, *args: Any, **options: Any) -> None:
        council = PoliceCouncil.objects.select_related("municipality").filter(
            pk=options["council"]).first()
        if council is None:
            raise CommandError(f"no council with id {options['council']}")
        start, end = _date(options["start"]), _date(options["end"])
        if end < start:
            raise CommandError("--to is before --from")
        extract = archive.council_extract(council=council, start=start, end=end,
                                          agreements=not options["no_agreements"],
                                          made_by=f"{noark5.SYSTEM_NAME} (manage.py noark_extract)")
        files = noark5.build(extract)
        name = archive.extract_name(council, start, end)
        output = Path(options["output"] or Path(settings.VAR_DIR) / "arkivuttrekk" / name)
        if options["zip"]:
            target = output.with_suffix(".zip")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(noark5.zip_bytes(files, name))
        else:
            target = output
            noark5.write_folder(files, target)
        meetings = sum(len(p.folders) for p in extract.parts[:1])
        documents = len([n for n in files if n.startswith(f"{noark5.DOCUMENT_DIR}/")])
        audit.record(actor=None, action=AuditAction.EXPORT, obj=council,
                     summary=f"noark5 {start}..{end}: {meetings} meetings, {documents} documents")
        problems = checks.check(files)
        self.stdout.write(f"Wrote {target}: {meetings} meetings, {documents} documents.")
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} problems found by the Arkade-style checks")
        self.stdout.write("Schemas and Arkade-style checks (N5_02, N5_03, N5_10–N5_28, N5_30, "
                          "N5_32, N5_33, N5_47, N5_63, N5_64): no errors.")
