"""E-mails at the agreement's hand-offs (issue #14): a version sent for signing goes to each
signatory — whoever may sign for the municipality (the mayor or a delegate) and for the
police (the chief of police or a delegate), Veileder §3. Sent once each through the ledger
(`notify.send_once`), from a task after commit; links on the configured site URL; subject
and body rendered in the send path (in the recipient's language)."""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy

from samarbeid import notify, policy
from samarbeid.models import Membership, Role

from .models import Agreement, AgreementVersion, VersionStatus

logger = logging.getLogger(__name__)


def signatories(version: AgreementVersion) -> list[Any]:
    """Active users who may sign the version for one of its parties (§3), by user id."""
    agreement = version.agreement
    parties = Q(role=Role.DISTRICT_ADMIN, police_district_id=agreement.police_district_id) | Q(
        role=Role.POLICE_LEADERSHIP,
        operational_unit__police_district_id=agreement.police_district_id)
    if agreement.municipality_id:
        parties |= Q(role=Role.MUNICIPAL_LEADER, municipality_id=agreement.municipality_id)
    users: dict[int, Any] = {}
    for m in (Membership.objects.active().filter(can_sign=True, user__is_active=True)
              .filter(parties).select_related("user").order_by("user_id")):
        users.setdefault(m.user_id, m.user)
    return list(users.values())


def version_sent_for_signing(version_id: int) -> int:
    version = (AgreementVersion.objects.select_related(
        "agreement__municipality", "agreement__police_district", "agreement__county",
        "agreement__organisation").filter(pk=version_id).first())
    if version is None or version.status != VersionStatus.SENT_FOR_SIGNING:
        return 0  # withdrawn or signed before the task ran: nothing to ask for
    agreement = version.agreement
    url = reverse("avtaler:sign", args=[agreement.pk, version.number])
    subject = notify.lazy_format(gettext_lazy(
        "The cooperation agreement with %(name)s is ready for your signature"),
        name=agreement.first_party_name)
    sent = 0
    for user in signatories(version):
        # The e-mail reads the agreement as its recipient would (the one policy).
        if not Agreement.objects.filter(pk=agreement.pk).restrict(
                policy.for_user(user), policy.VIEW).exists():
            continue
        try:
            sent += int(notify.send_once(
                key=f"avtaler:sent-for-signing:{version.pk}", recipient=user.email, user=user,
                subject=subject, template="avtaler/email/sent_for_signing.txt",
                context={"agreement": agreement, "version": version, "recipient": user,
                         "url": url}))
        except Exception as exc:  # released by send_once: a retry of the task sends it
            logger.warning("sent-for-signing %s to user #%s not sent: %s", version.pk, user.pk,
                           type(exc).__name__)
    return sent
