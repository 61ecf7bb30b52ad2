"""Confidentiality levels, defined once (Veileder §4.1.5, offentleglova, taushetsplikt).

Who reads each level inside the portal is the council policy (`politirad.models.council_q`):

| level    | council seats | parties of the council's municipalities¹ | others who see the council² |
|----------|---------------|-------------------------------------------|-----------------------------|
| open     | read          | read                                      | read                        |
| internal | read          | read                                      | read                        |
| exempt   | read          | read                                      | —                           |

¹ municipal leader, police contact, police leadership of the unit, district administrator.
² SLT coordinators of the municipality, national administrators.

What each output shows of a row, by level (`shows(output, level)`): FULL, STUB (number,
«Unntatt offentlighet» and the legal basis, never the content) or NOTHING.
"""

from __future__ import annotations

from enum import Enum

from .models import AccessLevel


class Shown(Enum):
    FULL = "full"
    STUB = "stub"
    NOTHING = "nothing"


class Output(Enum):
    PAGE = "page"  # portal pages, for a reader the policy lets read the row
    MEMBERS_PDF = "members_pdf"  # the minutes PDF for members (through the policy)
    PUBLIC = "public"  # public minutes PDF and page (offentleglova)
    EMAIL = "email"  # agenda, reminders, notifications: e-mail leaves the portal
    INVITATION = "invitation"  # .ics attached to the agenda e-mail
    FEED = "feed"  # the personal calendar feed (a URL that can be shared)
    EXPORT = "export"  # CSV/XLSX exports
    # The Noark 5 extract for the municipality's archive (arkivlova): the archive's own
    # record, so the members' version, exempt rows marked with skjerming and their legal
    # basis (politirad/archive.py); read through the policy, so only for readers.
    ARCHIVE = "archive"
    AUDIT = "audit"  # audit summaries: codes, numbers and field names, never typed text


F, S, N = Shown.FULL, Shown.STUB, Shown.NOTHING
TABLE: dict[Output, dict[str, Shown]] = {
    #                      open  internal  exempt
    Output.PAGE: {"open": F, "internal": F, "exempt": F},
    Output.MEMBERS_PDF: {"open": F, "internal": F, "exempt": F},
    Output.PUBLIC: {"open": F, "internal": N, "exempt": S},
    Output.EMAIL: {"open": F, "internal": F, "exempt": S},
    Output.INVITATION: {"open": F, "internal": N, "exempt": N},
    Output.FEED: {"open": F, "internal": N, "exempt": N},
    Output.EXPORT: {"open": F, "internal": N, "exempt": N},
    Output.ARCHIVE: {"open": F, "internal": F, "exempt": F},
    Output.AUDIT: {"open": N, "internal": N, "exempt": N},
}


def shows(output: Output, level: str) -> Shown:
    return TABLE[output][AccessLevel(level).value]
