"""What `rapporter` registers with the core: the "Reports" navigation link."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from samarbeid import access, sections


def reads_reports(user: Any) -> bool:
    """Administrators and police leadership run reports across municipalities."""
    return access.is_administrator(user) or bool(access.roles(user).leadership_units)


sections.register_nav(sections.NavLink("rapporter-reports", _("Reports"),
                                       "rapporter:report_national", order=800,
                                       visible=reads_reports))
