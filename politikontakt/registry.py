"""What `politikontakt` registers with the core: compliance checks (§5), the municipality
page panel, the nav link, the approval-expiry reminder and the demo builders (Sør-Vest and
the national picture)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from samarbeid import access, compliance, demo, demo_national, notify, sections

from . import checks, selectors, services
from .demo import build_demo, build_national

# Writes to politikontakt's models can change a compliance finding (the core names no feature app).
compliance.watch_app("politikontakt")

for check in checks.CHECKS:
    compliance.register(check)


def _panel_context(user: Any, municipality: Any) -> dict[str, Any] | None:
    # The municipality page has already checked that the user may see the municipality.
    ctx = selectors.panel(municipality=municipality)
    ctx["can_admin"] = access.can(user, access.Level.ADMIN, municipality)
    return ctx


# The rule of three counts a contact's municipalities together: a write to an assignment or
# an approval can change the findings of another municipality, so it refreshes them all.
for _label in ("politikontakt.assignment", "politikontakt.directorateapproval",
               "politikontakt.preventivefunction"):
    compliance.register_scope(_label, lambda pk: None)

sections.register_panel(sections.Panel(
    key="politikontakt", order=20, template="politikontakt/panel.html", context=_panel_context))
sections.register_nav(sections.NavLink(
    key="politikontakt", label=_("Police contacts"), url_name="politikontakt:assignment_list",
    order=40))
notify.register_kind(services.REMINDER_KIND,
                     _("A directorate approval for a police contact has expired"), optional=False)
notify.register_scan("politikontakt_approval_expiry", services.approval_expiry_scan)
demo.register_builder(build_demo, order=40)
# First after the core's people: the contacts' memberships become assignments.
demo_national.register("politikontakt", build_national, order=10)


def _reminders(user: Any) -> list[sections.Item]:
    """National administrators: requests awaiting their decision. District administrators:
    municipalities of their district without a police contact (§5)."""
    return selectors.home_reminders(user)


sections.register("reminders", _reminders)

# --- The police-contact role through invitations (issue 11) --------------------------------------
from . import people as _people  # noqa: E402

_people.register()
