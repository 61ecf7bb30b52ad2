"""Reminders for cooperation agreements, sent exactly once through the core ledger: the
revision is due (90 and 30 days before, and on the day; §3 plan for revision) and a version
has waited more than 14 days for a signature. registry.py registers the kinds and the scans
(Celery beat runs them through samarbeid.tasks.run_reminder_scans)."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import Any

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samarbeid import notify
from samarbeid.models import Membership, Role

from .models import (
    REVISION_STAGES,
    AgreementVersion,
    Party,
    Signature,
    VersionStatus,
    local_midnight,
)

logger = logging.getLogger(__name__)

KIND_REVISION = "agreement_revision"
KIND_SIGNATURE = "agreement_signature"


def _send(sent: list[int], **kwargs: Any) -> bool:
    """send_once; False if the transport failed (the claim was released: the scan gives the
    row back so the next one sends it)."""
    try:
        if notify.send_once(**kwargs):
            sent[0] += 1
    except Exception as exc:  # released by send_once: the next scan or a retry sends it
        logger.warning("agreement reminder %s not sent: %s", kwargs["key"], type(exc).__name__)
        return False
    return True


def _claim(version: AgreementVersion, field: str, new: dt.datetime | None) -> bool:
    """Move the row's `field` from the value this scan read to the next one (a conditional
    UPDATE, like healthchecks' `sendreports`): 1 row means this scan owns the reminder."""
    return AgreementVersion.objects.filter(pk=version.pk, **{field: getattr(version, field)}
                                           ).update(**{field: new}) == 1


def _give_back(version: AgreementVersion, field: str, claimed: dt.datetime | None) -> None:
    AgreementVersion.objects.filter(pk=version.pk, **{field: claimed}).update(
        **{field: getattr(version, field)})


def _due(field: str, before: dt.datetime) -> Any:
    """The versions whose `field` has come: one indexed read, whatever their number."""
    return (AgreementVersion.objects.filter(**{f"{field}__lt": before})
            .select_related("agreement__municipality", "agreement__police_district",
                            "agreement__county", "agreement__organisation")
            .order_by(field, "pk"))


def scan_revision_due() -> int:
    """Revision due in 90 and 30 days and on the day, to the signatories and the municipality's
    police contacts (§3, §5). The ledger key per stage and version makes it exactly-once.

    Reads only the versions whose `revision_reminder_at` has come (issue #12); each is
    claimed to its next stage before anything is sent (AgreementVersion.save re-arms it
    when the revision date or the status changes)."""
    today = timezone.localdate()
    versions = list(_due("revision_reminder_at", local_midnight(today + dt.timedelta(days=1)))
                    .prefetch_related(Prefetch("signatures",
                                               queryset=Signature.objects.select_related("user"))))
    if not versions:
        return 0
    stages: dict[int, int] = {}
    for v in versions:
        if v.status != VersionStatus.IN_FORCE or v.revision_due is None:
            _claim(v, "revision_reminder_at", None)
            continue
        days = (v.revision_due - today).days
        if days > REVISION_STAGES[0]:  # not yet
            _claim(v, "revision_reminder_at", v.revision_reminder_due())
            continue
        stage = next(s for s in reversed(REVISION_STAGES) if days <= s)
        if _claim(v, "revision_reminder_at", v.revision_reminder_due(after=stage)):
            stages[v.pk] = stage  # ours: another scan did not take it
    versions = [v for v in versions if v.pk in stages]
    if not versions:
        return 0
    notify.preload(f"agreement.revision.{stages[v.pk]}:{v.pk}" for v in versions)
    contacts: dict[int, list[Any]] = defaultdict(list)
    for m in Membership.objects.active().filter(
        role=Role.POLICE_CONTACT, municipality_id__in={v.agreement.municipality_id for v in versions}
    ).select_related("user"):
        contacts[m.municipality_id or 0].append(m.user)
    sent = [0]
    for v in versions:
        stage = stages[v.pk]
        users = {s.user.pk: s.user for s in v.signatures.all()}
        users.update({u.pk: u for u in contacts[v.agreement.municipality_id]})
        ok = True
        for user in sorted(users.values(), key=lambda u: u.pk):
            ok &= _send(sent, key=f"agreement.revision.{stage}:{v.pk}", recipient=user.email,
                        user=user,
                        subject=_("The cooperation agreement with %(name)s is due for revision")
                        % {"name": v.agreement.first_party_name},
                        template="avtaler/email/revision_due.txt", kind=KIND_REVISION,
                        context={"agreement": v.agreement, "version": v,
                                 "url": reverse("avtaler:detail", args=[v.agreement_id])})
        if not ok:
            _give_back(v, "revision_reminder_at", v.revision_reminder_due(after=stage))
    return sent[0]


def scan_signature_waiting() -> int:
    """A version waiting more than 14 days for a signature: remind whoever may sign for the
    party that has not signed (mayor or delegate; chief of police or delegate, §3).

    Reads only the versions whose `signature_reminder_at` has come (issue #12); a
    signature re-arms it (Signature.save), so the party still to sign is reminded."""
    now = timezone.now()
    versions = []
    for v in _due("signature_reminder_at", now).prefetch_related("signatures"):
        due = v.signature_reminder_due()
        if due is None or due >= now:  # no longer waiting, or not yet
            _claim(v, "signature_reminder_at", due)
        elif _claim(v, "signature_reminder_at", None):
            versions.append(v)
    if not versions:
        return 0
    notify.preload(f"agreement.signature_waiting:{v.pk}" for v in versions)
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
        ok = True
        for user in sorted(users.values(), key=lambda u: u.pk):
            ok &= _send(sent, key=f"agreement.signature_waiting:{v.pk}", recipient=user.email,
                        user=user,
                        subject=_("The cooperation agreement with %(name)s is waiting for your "
                                  "signature") % {"name": v.agreement.first_party_name},
                        template="avtaler/email/signature_waiting.txt", kind=KIND_SIGNATURE,
                        context={"agreement": v.agreement, "version": v,
                                 "url": reverse("avtaler:sign", args=[v.agreement_id, v.number])})
        if not ok:
            _give_back(v, "signature_reminder_at", None)
    return sent[0]
