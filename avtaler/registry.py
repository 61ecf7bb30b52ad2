"""What `avtaler` registers with the core: compliance checks (checks.py), the municipality
panel, the home-page reminders, the main-menu link, reminder kinds and scans (reminders.py),
the demo content (demo.py) and the standard focus areas (focus_areas.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, F, Q, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samarbeid import access, compliance, demo, demo_national, notify, reference_data, sections
from samarbeid.models import Municipality

from . import checks, focus_areas, reminders, selectors
from .demo import build_demo, build_national
from .models import Agreement, AgreementVersion, VersionStatus

# Writes to avtaler's models can change a compliance finding (the core names no feature app).
compliance.watch_app("avtaler")

for check in checks.CHECKS:
    compliance.register(check)


# --- Municipality page panel, home reminders, main menu -----------------------------------


def _panel_context(user: Any, municipality: Municipality) -> dict[str, Any] | None:
    agreements = list(
        Agreement.objects.filter(municipality=municipality).for_register().order_by("kind", "pk")
    )
    return {"agreements": agreements,
            "can_create": access.can(user, access.Level.WORK, municipality)}


sections.register_panel(sections.Panel(key="avtaler", order=10, template="avtaler/panel.html",
                                       context=_panel_context))


def _home_reminders(user: Any) -> list[sections.Item]:
    """Versions waiting for the user's signature and agreements whose revision falls due
    within 90 days, five of each, in one query (a window numbers the rows of each kind)."""
    today = timezone.localdate()
    awaiting = selectors.awaiting_signature_q(user)
    principal = access.principal(user)
    due = Q(status=VersionStatus.IN_FORCE, revision_due__lte=today + dt.timedelta(days=90))
    if not principal.national_admin:
        due &= access.municipality_q(principal, access.Level.WORK,
                                     prefix="agreement__municipality")
    signing = Q(status=VersionStatus.SENT_FOR_SIGNING)
    rows = list(
        AgreementVersion.objects.filter(due if awaiting is None else awaiting | due)
        .annotate(rank=Window(RowNumber(), partition_by=[F("status")], order_by=[
            Case(When(signing, then=F("sent_for_signing_at"))).asc(nulls_last=True),
            F("revision_due").asc(nulls_last=True), F("pk").asc()]))
        .filter(rank__lte=5)
        .select_related("agreement__municipality", "agreement__county", "agreement__organisation",
                        "agreement__police_district"))
    to_sign = sorted((v for v in rows if v.status == VersionStatus.SENT_FOR_SIGNING),
                     key=lambda v: (v.sent_for_signing_at is None, v.sent_for_signing_at, v.pk))
    revise = sorted((v for v in rows if v.status == VersionStatus.IN_FORCE),
                    key=lambda v: (v.revision_due, v.pk))
    items = []
    for v in to_sign:
        items.append(sections.Item(
            title=_("Sign the cooperation agreement with %(name)s") % {
                "name": v.agreement.first_party_name},
            url=reverse("avtaler:sign", args=[v.agreement_id, v.number]),
            when=v.sent_for_signing_at.date() if v.sent_for_signing_at else None,
            detail=_("Waiting for your signature"),
        ))
    for v in revise:
        items.append(sections.Item(
            title=_("Revise the cooperation agreement with %(name)s") % {
                "name": v.agreement.first_party_name},
            url=reverse("avtaler:detail", args=[v.agreement_id]), when=v.revision_due,
            detail=_("Revision due"), overdue=bool(v.revision_due and v.revision_due < today),
        ))
    return items


sections.register("reminders", _home_reminders)
sections.register_nav(sections.NavLink(key="avtaler", label=gettext_lazy("Agreements"),
                                       url_name="avtaler:register", order=20))


# --- Reminders (Celery beat through samarbeid.tasks.run_reminder_scans) -------------------

notify.register_kind(reminders.KIND_REVISION, gettext_lazy("Agreement revision due"), optional=False)
notify.register_kind(reminders.KIND_SIGNATURE, gettext_lazy("Agreement waiting for my signature"),
                     optional=False)
notify.register_scan("avtaler.revision_due", reminders.scan_revision_due)
notify.register_scan("avtaler.signature_waiting", reminders.scan_signature_waiting)

demo.register_builder(build_demo, order=10)
# After the contacts' assignments; leaves the agreement state politirad's part reads.
demo_national.register("avtaler", build_national, order=20)
# The guide's common challenges (§2), also after a test or an import emptied the table.
reference_data.register_loader(focus_areas.seed)
