"""E-mails at the hand-offs of a directorate approval (issue #14): the request goes to
Politidirektoratet (the national administrators), the decision back to the one who asked.
Tasks take ids and are enqueued after commit; the ledger (`notify.send_once`) keys them per
approval and recipient, so a retry never sends twice."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.urls import reverse
from django.utils.translation import gettext_lazy

from samarbeid import notify
from samarbeid.models import Membership, Role

from .models import DirectorateApproval

DIRECTORATE = "politidirektorat"  # matches «Politidirektoratet» in a national role's title

logger = logging.getLogger(__name__)


def _name(user: Any) -> str:
    return user.get_full_name() or user.username


def _send(*, key: str, user: Any, subject: Any, template: str, context: dict[str, Any]) -> int:
    try:
        return int(notify.send_once(key=key, recipient=user.email, user=user, subject=subject,
                                    template=template, context={**context, "recipient": user}))
    except Exception as exc:  # released by send_once: a retry of the task sends it
        logger.warning("%s to user #%s not sent: %s", key, user.pk, type(exc).__name__)
        return 0


@shared_task(name="politikontakt.tasks.notify_approval_requested")
def notify_approval_requested(approval_id: int) -> int:
    approval = DirectorateApproval.objects.select_related("contact", "police_district",
                                                         "requested_by").get(pk=approval_id)
    url = reverse("politikontakt:approval_decide", args=[approval.pk])
    subject = notify.lazy_format(gettext_lazy("Approval requested: %(contact)s, %(district)s"),
                          contact=_name(approval.contact),
                          district=approval.police_district.name)
    return sum(_send(key=f"politikontakt:approval-requested:{approval.pk}", user=user,
                     subject=subject, template="politikontakt/email/approval_requested.txt",
                     context={"approval": approval, "url": url})
               for user in directorate())


def directorate() -> list[Any]:
    """Who decides for Politidirektoratet (§5, footnote 15): the national administrators
    whose role names the directorate (title «Politidirektoratet»), not KS's. The core has no
    organisation on a national role; where no title names it, every national administrator
    is asked, so a request never goes unseen."""
    national = (Membership.objects.active().filter(role=Role.NATIONAL_ADMIN,
                                                  user__is_active=True)
                .select_related("user").order_by("user_id"))
    rows = list(national)
    named = [m for m in rows if DIRECTORATE in m.title.casefold()]
    users: dict[int, Any] = {m.user_id: m.user for m in (named or rows)}
    return list(users.values())


@shared_task(name="politikontakt.tasks.notify_approval_decided")
def notify_approval_decided(approval_id: int) -> int:
    approval = DirectorateApproval.objects.select_related("contact", "police_district",
                                                         "requested_by").get(pk=approval_id)
    if approval.requested_by is None or not approval.requested_by.is_active:
        return 0
    url = reverse("politikontakt:approval_decide", args=[approval.pk])
    return _send(key=f"politikontakt:approval-decided:{approval.pk}", user=approval.requested_by,
                 subject=notify.lazy_format(gettext_lazy("Politidirektoratet has decided: %(contact)s"),
                                     contact=_name(approval.contact)),
                 template="politikontakt/email/approval_decided.txt",
                 context={"approval": approval, "url": url})
