"""Reads of agreements that other apps use.

`agreement_terms` is the contract with politirad, evaluering and the reports: the settings
of the agreement in force for each municipality (Veileder §3), with the guide's defaults
when a municipality has none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_MEETINGS_PER_YEAR = 2  # Veileder §4.1.2: at least two meetings a year
DEFAULT_AGENDA_LEAD_DAYS = 7
DEFAULT_EVALUATION_INTERVAL_MONTHS = 12


@dataclass(frozen=True)
class AgreementTerms:
    municipality_id: int
    agreement_version_id: int | None  # None: no agreement in force, defaults apply
    meetings_per_year: int = DEFAULT_MEETINGS_PER_YEAR
    agenda_lead_days: int = DEFAULT_AGENDA_LEAD_DAYS
    evaluation_interval_months: int = DEFAULT_EVALUATION_INTERVAL_MONTHS
    evaluation_method: str = ""  # "gll" | "six_questions" | "" (not agreed)

    @property
    def in_force(self) -> bool:
        return self.agreement_version_id is not None


def agreement_terms(municipality_ids: Iterable[int]) -> dict[int, AgreementTerms]:
    """Terms of the agreement in force for each municipality, in a fixed number of queries.

    Until agreements exist this returns the defaults; the avtaler app replaces the body
    with the lookup of the version in force.
    """
    return {mid: AgreementTerms(municipality_id=mid, agreement_version_id=None)
            for mid in municipality_ids}
