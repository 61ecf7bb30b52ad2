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

from .models import AgreementVersion, Party, Signature, VersionStatus

logger = logging.getLogger(__name__)

KIND_REVISION = "agreement_revision"
KIND_SIGNATURE = "agreement_signature"
SIGNATURE_WAIT_DAYS = 14
REVISION_STAGES = (90, 30, 0)  # days before the revision is due (§3: plan for revision)


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
                  template="avtaler/email/revision_due.txt", kind=KIND_REVISION,
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
                  template="avtaler/email/signature_waiting.txt", kind=KIND_SIGNATURE,
                  context={"agreement": v.agreement, "version": v,
                           "url": reverse("avtaler:sign", args=[v.agreement_id, v.number])})
    return sent[0]
