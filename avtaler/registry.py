"""What `avtaler` registers with the core: compliance checks, the municipality panel, the
home-page reminders, the main-menu link, reminder kinds and scans, and the demo content."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samarbeid import access, compliance, demo, notify, reference_data, sections
from samarbeid.compliance import Check, Finding, Status
from samarbeid.models import Membership, Municipality, Participation, Role

from . import selectors
from .models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    AgreementVersion,
    Party,
    Signature,
    VersionStatus,
)

logger = logging.getLogger(__name__)

STALE_DRAFT_DAYS = 30
SIGNATURE_WAIT_DAYS = 14
REVISION_STAGES = (90, 30, 0)  # days before the revision is due (§3: plan for revision)
REVISION_SOON_DAYS = 30


# --- Compliance checks (batch: a fixed number of queries for any number of municipalities) ---


def _agreement_rows(municipalities: QuerySet[Municipality]) -> dict[int, list[dict[str, Any]]]:
    rows: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in Agreement.objects.filter(
        kind=AgreementKind.MUNICIPALITY, municipality__in=municipalities.values("pk")
    ).values("pk", "municipality_id", "status", "in_force_version__number",
             "in_force_version__revision_due", "latest_version__status",
             "latest_version__number", "latest_version__created_at").order_by("pk"):
        rows[row["municipality_id"]].append(dict(row))
    return rows


def _url(pk: int) -> str:
    return reverse("avtaler:detail", args=[pk])


def evaluate_in_force(municipalities: QuerySet[Municipality]) -> dict[int, Finding]:
    """§3: the police shall offer the agreement; the municipality may decline (§2.3)."""
    rows = _agreement_rows(municipalities)
    out = {}
    for pk, participation, number in municipalities.values_list("pk", "participation", "number"):
        agreements = rows.get(pk, [])
        in_force = next((a for a in agreements if a["status"] == AgreementStatus.IN_FORCE), None)
        declined = next((a for a in agreements if a["status"] == AgreementStatus.DECLINED), None)
        open_ = next((a for a in agreements if a["status"] in (AgreementStatus.DRAFT,
                                                               AgreementStatus.SENT_FOR_SIGNING)), None)
        if in_force:
            out[pk] = Finding(Status.OK, _("Version %(n)s in force") % {
                "n": in_force["in_force_version__number"]}, _url(in_force["pk"]))
        elif open_:
            out[pk] = Finding(Status.WARN, _("Offered, not signed yet"), _url(open_["pk"]))
        elif declined or participation == Participation.DECLINED:
            out[pk] = Finding(Status.DECLINED, _("The municipality has declined"),
                              _url(declined["pk"]) if declined else "")
        else:
            out[pk] = Finding(Status.FAIL, _("No agreement offered"),
                              reverse("avtaler:create", args=[number]))
    return out


def evaluate_stale_draft(municipalities: QuerySet[Municipality]) -> dict[int, Finding]:
    """A draft left unsigned for more than 30 days: the offer has stalled (§3)."""
    rows = _agreement_rows(municipalities)
    limit = timezone.now() - dt.timedelta(days=STALE_DRAFT_DAYS)
    out = {}
    for pk, agreements in rows.items():
        open_ = [a for a in agreements if a["latest_version__status"] in (
            VersionStatus.DRAFT, VersionStatus.SENT_FOR_SIGNING)]
        if not open_:
            continue
        stale = [a for a in open_ if a["latest_version__created_at"] < limit]
        if stale:
            out[pk] = Finding(Status.WARN, _("Version %(n)s unsigned for more than %(d)s days") % {
                "n": stale[0]["latest_version__number"], "d": STALE_DRAFT_DAYS}, _url(stale[0]["pk"]))
        else:
            out[pk] = Finding(Status.OK, _("Draft in progress"), _url(open_[0]["pk"]))
    return out


def evaluate_revision(municipalities: QuerySet[Municipality]) -> dict[int, Finding]:
    """The plan for revision the parties agreed (§3): overdue is not met, soon is a warning."""
    rows = _agreement_rows(municipalities)
    today = timezone.localdate()
    out = {}
    for pk, agreements in rows.items():
        for a in agreements:
            due = a["in_force_version__revision_due"]
            if a["status"] != AgreementStatus.IN_FORCE:
                continue
            if due is None:
                out[pk] = Finding(Status.WARN, _("No revision plan"), _url(a["pk"]))
            elif due < today:
                out[pk] = Finding(Status.FAIL, _("Revision overdue since %(date)s") % {
                    "date": date_format(due, "SHORT_DATE_FORMAT")}, _url(a["pk"]))
            elif due <= today + dt.timedelta(days=REVISION_SOON_DAYS):
                out[pk] = Finding(Status.WARN, _("Revision due %(date)s") % {
                    "date": date_format(due, "SHORT_DATE_FORMAT")}, _url(a["pk"]))
            else:
                out[pk] = Finding(Status.OK, _("Revision due %(date)s") % {
                    "date": date_format(due, "SHORT_DATE_FORMAT")}, _url(a["pk"]))
    return out


compliance.register(Check(
    code="agreement_in_force", label=gettext_lazy("Cooperation agreement"),
    rule=gettext_lazy("The police shall offer an agreement; the municipality may decline (§3)."),
    section="§3", app="avtaler", evaluate=evaluate_in_force, order=10,
))
compliance.register(Check(
    code="agreement_draft_stale", label=gettext_lazy("Unsigned agreement draft"),
    rule=gettext_lazy("A draft should not stay unsigned for more than 30 days (§3)."),
    section="§3", app="avtaler", evaluate=evaluate_stale_draft, order=11,
))
compliance.register(Check(
    code="agreement_revision", label=gettext_lazy("Agreement revision"),
    rule=gettext_lazy("The agreement is revised by the plan the parties agreed (§3)."),
    section="§3", app="avtaler", evaluate=evaluate_revision, order=12,
))


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
    items = []
    r = access.roles(user)
    may_sign = bool(r.signs_for_municipalities or r.signs_for_police_districts)
    for v in (selectors.awaiting_signature_of(user)[:5] if may_sign else []):
        items.append(sections.Item(
            title=_("Sign the cooperation agreement with %(name)s") % {
                "name": v.agreement.first_party_name},
            url=reverse("avtaler:sign", args=[v.agreement_id, v.number]),
            when=v.sent_for_signing_at.date() if v.sent_for_signing_at else None,
            detail=_("Waiting for your signature"),
        ))
    today = timezone.localdate()
    due = access.scope(
        AgreementVersion.objects.filter(status=VersionStatus.IN_FORCE,
                                        revision_due__lte=today + dt.timedelta(days=90)),
        user, access.Level.WORK, path="agreement__municipality",
    ).select_related("agreement__municipality", "agreement__county", "agreement__organisation",
                     "agreement__police_district").order_by("revision_due")[:5]
    for v in due:
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

notify.register_kind("agreement_revision", gettext_lazy("Agreement revision due"), optional=False)
notify.register_kind("agreement_signature", gettext_lazy("Agreement waiting for my signature"),
                     optional=False)


def _send(sent: list[int], **kwargs: Any) -> None:
    try:
        if notify.send_once(**kwargs):
            sent[0] += 1
    except Exception as exc:  # released by send_once: the next scan or a retry sends it
        logger.warning("agreement reminder %s not sent: %s", kwargs["key"], type(exc).__name__)


def scan_revision_due() -> int:
    """Revision due in 90 and 30 days and on the day, to the signatories and the municipality's
    police contacts (§3, §5). The ledger key per stage and version makes it exactly-once."""
    today = timezone.localdate()
    versions = list(
        AgreementVersion.objects.filter(status=VersionStatus.IN_FORCE, revision_due__isnull=False,
                                        revision_due__lte=today + dt.timedelta(days=REVISION_STAGES[0]))
        .select_related("agreement__municipality", "agreement__police_district",
                        "agreement__county", "agreement__organisation")
        .prefetch_related(Prefetch("signatures", queryset=Signature.objects.select_related("user")))
    )
    contacts: dict[int, list[Any]] = defaultdict(list)
    for m in Membership.objects.active().filter(
        role=Role.POLICE_CONTACT, municipality_id__in={v.agreement.municipality_id for v in versions}
    ).select_related("user"):
        contacts[m.municipality_id or 0].append(m.user)
    sent = [0]
    for v in versions:
        assert v.revision_due is not None
        days = (v.revision_due - today).days
        stage = next(s for s in reversed(REVISION_STAGES) if days <= s)
        users = {s.user.pk: s.user for s in v.signatures.all()}
        users.update({u.pk: u for u in contacts[v.agreement.municipality_id]})
        for user in sorted(users.values(), key=lambda u: u.pk):
            _send(sent, key=f"agreement.revision.{stage}:{v.pk}", recipient=user.email, user=user,
                  subject=_("The cooperation agreement with %(name)s is due for revision") % {
                      "name": v.agreement.first_party_name},
                  template="avtaler/email/revision_due.txt", kind="agreement_revision",
                  context={"agreement": v.agreement, "version": v,
                           "url": reverse("avtaler:detail", args=[v.agreement_id])})
    return sent[0]


def scan_signature_waiting() -> int:
    """A version waiting more than 14 days for a signature: remind whoever may sign for the
    party that has not signed (mayor or delegate; chief of police or delegate, §3)."""
    cutoff = timezone.now() - dt.timedelta(days=SIGNATURE_WAIT_DAYS)
    versions = list(
        AgreementVersion.objects.filter(status=VersionStatus.SENT_FOR_SIGNING,
                                        sent_for_signing_at__lt=cutoff)
        .select_related("agreement__municipality", "agreement__police_district",
                        "agreement__county", "agreement__organisation")
        .prefetch_related("signatures")
    )
    municipality_ids = {v.agreement.municipality_id for v in versions}
    district_ids = {v.agreement.police_district_id for v in versions}
    signers = list(
        Membership.objects.active().filter(can_sign=True).filter(
            Q(role=Role.MUNICIPAL_LEADER, municipality_id__in=municipality_ids)
            | Q(role=Role.DISTRICT_ADMIN, police_district_id__in=district_ids)
            | Q(role=Role.POLICE_LEADERSHIP, operational_unit__police_district_id__in=district_ids)
        ).select_related("user", "operational_unit")
    )
    sent = [0]
    for v in versions:
        signed = {s.party for s in v.signatures.all()}
        users: dict[int, Any] = {}
        for m in signers:
            if Party.MUNICIPALITY not in signed and m.role == Role.MUNICIPAL_LEADER \
                    and m.municipality_id == v.agreement.municipality_id:
                users[m.user.pk] = m.user
            district = m.police_district_id if m.role == Role.DISTRICT_ADMIN else (
                m.operational_unit.police_district_id if m.operational_unit else None)
            if Party.POLICE not in signed and m.role != Role.MUNICIPAL_LEADER \
                    and district == v.agreement.police_district_id:
                users[m.user.pk] = m.user
        for user in sorted(users.values(), key=lambda u: u.pk):
            _send(sent, key=f"agreement.signature_waiting:{v.pk}", recipient=user.email, user=user,
                  subject=_("The cooperation agreement with %(name)s is waiting for your signature")
                  % {"name": v.agreement.first_party_name},
                  template="avtaler/email/signature_waiting.txt", kind="agreement_signature",
                  context={"agreement": v.agreement, "version": v,
                           "url": reverse("avtaler:sign", args=[v.agreement_id, v.number])})
    return sent[0]


notify.register_scan("avtaler.revision_due", scan_revision_due)
notify.register_scan("avtaler.signature_waiting", scan_signature_waiting)


# --- Demo content for Sør-Vest ------------------------------------------------------------


def build_demo(d: demo.Demo) -> None:
    """An agreement in force for Stavanger and a draft for Sandnes (idempotent)."""
    from . import services
    from .models import FocusArea

    contact = d.users["politikontakt.sorvest"]
    stavanger, sandnes = d.municipality("Stavanger"), d.municipality("Sandnes")
    if not Agreement.objects.filter(municipality=stavanger, kind=AgreementKind.MUNICIPALITY).exists():
        agreement = services.agreement_create(municipality=stavanger, actor=contact)
        version = services.version_update(
            version=agreement.versions.get(), actor=contact,
            data={"strategies": "Et trygt Stavanger for alle som bor og ferdes i byen. Kommunen og "
                                "politiet deler kunnskap og samordner forebyggende arbeid.",
                  "forms_of_cooperation": ["local_council", "slt", "thematic_forum"],
                  "thematic_forums": "Trygt uteliv i sentrum", "meetings_per_year": 4,
                  "agenda_lead_days": 7, "evaluation_interval_months": 12,
                  "evaluation_method": "gll", "revision_interval_months": 24},
            focus_areas=FocusArea.objects.filter(name__in=[
                "Trygghet i det offentlige rom / trygt uteliv", "Kriminalitet begått av barn og unge",
                "Vold i nære relasjoner, æresrelatert vold"]),
            measures=[services.MeasureData("Felles vertskapsprogram for utesteder", 4,
                                           responsible="Kommunen og politiet"),
                      services.MeasureData("Kvartalsvis kunnskapsdeling om ungdomskriminalitet", 1,
                                           responsible="Politikontakten")],
        )
        services.version_send_for_signing(version=version, actor=contact)
        services.version_sign(version=version, actor=d.users["ordforer.stavanger"])
        services.version_sign(version=version, actor=d.users["politimester.sorvest"])
    if not Agreement.objects.filter(municipality=sandnes, kind=AgreementKind.MUNICIPALITY).exists():
        agreement = services.agreement_create(municipality=sandnes, actor=contact)
        services.version_update(
            version=agreement.versions.get(), actor=contact,
            data={"strategies": "Forebygge kriminalitet blant barn og unge i Sandnes.",
                  "forms_of_cooperation": ["local_council"], "meetings_per_year": 2},
            focus_areas=FocusArea.objects.filter(name="Kriminalitet begått av barn og unge"),
        )


demo.register_builder(build_demo, order=10)


def _seed_focus_areas(apps: Any) -> None:
    """The guide's common challenges (§2), also after a test or an import emptied the table."""
    import importlib

    importlib.import_module("avtaler.migrations.0002_seed_focus_areas").seed(apps, None)


reference_data.register_loader(_seed_focus_areas)
