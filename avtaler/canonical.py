"""The canonical text of an agreement version and its SHA-256 fingerprint (Veileder §3).

The signatures carry this fingerprint, so it must be the same for the same content on every
machine and every run: fields in a fixed order, lists sorted, text normalised (Unicode NFC,
LF line ends, no trailing spaces), serialised as JSON with sorted keys.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from typing import Any

from .models import AgreementVersion

FINGERPRINT_RE = re.compile(r"\b[0-9a-f]{64}\b")


def normalise(text: str | None) -> str:
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def canonical_content(version: AgreementVersion) -> dict[str, Any]:
    agreement = version.agreement
    measures = sorted(
        (
            {"step": m.coordination_step, "title": normalise(m.title),
             "description": normalise(m.description), "responsible": normalise(m.responsible)}
            for m in version.measures.all()
        ),
        key=lambda m: (m["title"], m["step"], m["description"], m["responsible"]),
    )
    return {
        "agreement": {
            "id": agreement.pk,
            "kind": agreement.kind,
            "municipality": agreement.municipality.number,
            "police_district": agreement.police_district.code,
            "county": agreement.county.number if agreement.county_id and agreement.county else "",
            "organisation": normalise(agreement.organisation.name)
            if agreement.organisation_id and agreement.organisation else "",
        },
        "version": version.number,
        "strategies": normalise(version.strategies),
        "focus_areas": sorted(
            {normalise(f.name) for f in version.focus_areas.all()}
            | {normalise(x) for x in version.custom_focus_area_list}
        ),
        "measures": measures,
        "forms_of_cooperation": sorted(set(version.forms_of_cooperation or [])),
        "thematic_forums": normalise(version.thematic_forums),
        "extended_council_participants": normalise(version.extended_council_participants),
        "meetings_per_year": version.meetings_per_year,
        "agenda_lead_days": version.agenda_lead_days,
        "evaluation_interval_months": version.evaluation_interval_months,
        "evaluation_method": version.evaluation_method,
        "revision_date": version.revision_date.isoformat() if version.revision_date else "",
        "revision_interval_months": version.revision_interval_months or 0,
    }


def canonical_text(version: AgreementVersion) -> str:
    return json.dumps(canonical_content(version), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))


def fingerprint(version: AgreementVersion) -> str:
    return hashlib.sha256(canonical_text(version).encode("utf-8")).hexdigest()
