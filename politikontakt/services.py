"""Writes for police contacts. The rules live here, so views, the admin, the demo and any
import obey them:

- Veileder §5: every municipality shall have a police contact; a contact serves at most
  three municipalities unless Politidirektoratet has approved more (footnote 15).
- §5.2: the mandate and authority are written down at the start.
- §5.3: the role works best full-time, so a contact's shares cannot add up past 100 %.

The rule of three is checked with the contact's user row locked (SELECT … FOR UPDATE), so
two assignments made at the same moment cannot both slip past it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samarbeid import audit, notify
from samarbeid import services as core_services
from samarbeid.models import Membership, Municipality, OperationalUnit, PoliceDistrict, Role

from .models import (
    MAX_MUNICIPALITIES_WITHOUT_APPROVAL,
    ApprovalStatus,
    Assignment,
    DirectorateApproval,
    PreventiveFunction,
)

MEMBERSHIP_TITLE = "Politikontakt"
REMINDER_KIND = "politikontakt_approval_expired"


class RuleOfThreeError(ValidationError):
    """Refusal under Veileder §5 footnote 15, with where to request the approval."""

    def __init__(self, message: str, *, request_url: str) -> None:
        super().__init__(message, code="rule_of_three")
        self.request_url = request_url


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def approval_request_url(*, contact: Any, municipality: Municipality | None = None) -> str:
    query: dict[str, Any] = {"contact": contact.pk}
    if municipality is not None:
        query["municipality"] = municipality.number
    return f"{reverse('politikontakt:approval_request')}?{urlencode(query)}"


def _lock_contact(contact: Any) -> None:
    """Serialise every assignment change for one contact (Veileder §5 rule of three)."""
    get_user_model().objects.select_for_update().filter(pk=contact.pk).first()


def served_municipality_ids(*, contact: Any, on: dt.date | None = None) -> set[int]:
    """Municipalities the contact serves or will serve: assignments not ended, plus any
    police-contact membership made outside this app (so the count cannot be bypassed)."""
    today = on or timezone.localdate()
    ids = set(Assignment.objects.current_or_planned(today).filter(contact=contact)
              .values_list("municipality_id", flat=True))
    ids |= set(
        Membership.objects.filter(user=contact, role=Role.POLICE_CONTACT)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))
        .values_list("municipality_id", flat=True)
    )
    ids.discard(None)  # type: ignore[arg-type]
    return ids


def _check_rule_of_three(*, contact: Any, municipality: Municipality,
                         served: set[int]) -> DirectorateApproval | None:
    """None when three or fewer; the approval that covers the count; or a refusal."""
    count = len(served | {municipality.pk})
    if count <= MAX_MUNICIPALITIES_WITHOUT_APPROVAL:
        return None
    approvals = DirectorateApproval.objects.filter(contact=contact)
    approval = approvals.valid().filter(max_municipalities__gte=count).order_by(
        "-max_municipalities").first()
    if approval is not None:
        return approval
    names = ", ".join(Municipality.objects.filter(pk__in=served).order_by("name")
                      .values_list("name", flat=True))
    message = _(
        "%(contact)s is already the police contact for %(count)d municipalities (%(names)s). "
        "A police contact may cover at most three municipalities; more must be approved by "
        "Politidirektoratet (guide §5, footnote 15). "
    ) % {"contact": _name(contact), "count": len(served), "names": names}
    pending = approvals.filter(status=ApprovalStatus.PENDING).exists()
    expired = approvals.expired().order_by("-expires_on").first()
    if pending:
        message += _("A request for approval is awaiting Politidirektoratet's decision; the "
                     "assignment can be made when it is approved.")
    elif expired is not None and expired.expires_on is not None:
        message += _("The earlier approval expired on %(date)s. A district administrator can "
                     "request a new approval.") % {"date":
                date_format(expired.expires_on, "SHORT_DATE_FORMAT")}
    else:
        message += _("A district administrator can request approval from Politidirektoratet, "
                     "with the reason, through «Request approval».")
    raise RuleOfThreeError(message, request_url=approval_request_url(
        contact=contact, municipality=municipality))


def _check_share(*, contact: Any, share_of_position: int, exclude_pk: int | None = None) -> None:
    """Veileder §5.3: the shares of one person's position cannot exceed 100 %."""
    qs = Assignment.objects.current_or_planned().filter(contact=contact)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    used = qs.aggregate(total=Sum("share_of_position"))["total"] or 0
    if used + share_of_position > 100:
        raise ValidationError({"share_of_position": _(
            "%(contact)s already spends %(used)d %% of the position on other municipalities; "
            "with %(share)d %% more it would be over 100 %%. Lower the share, or end or change "
            "another assignment first."
        ) % {"contact": _name(contact), "used": used, "share": share_of_position}})


@transaction.atomic
def assignment_create(
    *,
    contact: Any,
    municipality: Municipality,
    share_of_position: int,
    mandate: str = "",
    operational_unit: OperationalUnit | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    actor: Any = None,
) -> Assignment:
    """Assign a police contact to a municipality and give them the police-contact role there.

    Refused (ValidationError, Norwegian message) when the contact would exceed three
    municipalities without a valid approval from Politidirektoratet (§5, footnote 15).
    """
    if not contact.is_active:
        raise ValidationError({"contact": _("The user account is deactivated.")})
    _lock_contact(contact)
    if Assignment.objects.current_or_planned().filter(contact=contact,
                                                      municipality=municipality).exists():
        raise ValidationError({"contact": _(
            "%(contact)s is already the police contact for %(municipality)s."
        ) % {"contact": _name(contact), "municipality": municipality}})
    served = served_municipality_ids(contact=contact)
    approval = _check_rule_of_three(contact=contact, municipality=municipality, served=served)
    _check_share(contact=contact, share_of_position=share_of_position)
    starts_on = starts_on or timezone.localdate()
    assignment = Assignment(
        contact=contact, municipality=municipality,
        operational_unit=operational_unit or municipality.operational_unit,
        starts_on=starts_on, ends_on=ends_on, share_of_position=share_of_position,
        mandate=mandate.strip(), approval=approval, created_by=actor,
    )
    assignment.full_clean(exclude=["membership"])
    membership = core_services.membership_create(
        user=contact, role=Role.POLICE_CONTACT, municipality=municipality,
        title=MEMBERSHIP_TITLE, starts_on=starts_on, actor=actor,
    )
    if ends_on is not None:
        core_services.membership_end(membership=membership, ends_on=ends_on, actor=actor)
    assignment.membership = membership
    assignment._via_service = True  # type: ignore[attr-defined]
    assignment.save()
    audit.record(actor=actor, action="create", obj=assignment,
                 summary=f"{assignment} ({share_of_position} %)")
    return assignment


@transaction.atomic
def assignment_adopt(*, membership: Membership, share_of_position: int, mandate: str = "",
                     actor: Any = None) -> Assignment:
    """Record an existing police-contact membership (made before this app) as an assignment,
    under the same rules."""
    if membership.role != Role.POLICE_CONTACT or membership.municipality is None:
        raise ValidationError(_("Only a police-contact membership for a municipality can be "
                                "recorded as an assignment."))
    existing = Assignment.objects.filter(membership=membership).first()
    if existing is not None:
        return existing
    contact = membership.user
    _lock_contact(contact)
    served = served_municipality_ids(contact=contact)
    approval = _check_rule_of_three(contact=contact, municipality=membership.municipality,
                                    served=served)
    _check_share(contact=contact, share_of_position=share_of_position)
    municipality = membership.municipality
    assignment = Assignment(
        contact=contact, municipality=municipality,
        operational_unit=municipality.operational_unit, starts_on=membership.starts_on,
        ends_on=membership.ends_on, share_of_position=share_of_position,
        mandate=mandate.strip(), approval=approval, membership=membership, created_by=actor,
    )
    assignment.full_clean()
    assignment._via_service = True  # type: ignore[attr-defined]
    assignment.save()
    audit.record(actor=actor, action="create", obj=assignment, summary=f"{assignment} (adopted)")
    return assignment


@transaction.atomic
def assignment_change(*, assignment: Assignment, share_of_position: int, mandate: str,
                      actor: Any = None) -> Assignment:
    """Change the share and the written mandate (§5.2) of an assignment."""
    _lock_contact(assignment.contact)
    _check_share(contact=assignment.contact, share_of_position=share_of_position,
                 exclude_pk=assignment.pk)
    assignment.share_of_position = share_of_position
    assignment.mandate = mandate.strip()
    assignment.full_clean()
    assignment.save(update_fields=["share_of_position", "mandate"])
    audit.record(actor=actor, action="change", obj=assignment,
                 summary=f"{assignment} ({share_of_position} %)")
    return assignment


@transaction.atomic
def assignment_end(*, assignment: Assignment, ends_on: dt.date | None = None,
                   actor: Any = None) -> Assignment:
    """End an assignment; the police-contact role (and its access) ends with it. The row
    stays, so the history shows who was the contact, when."""
    _lock_contact(assignment.contact)
    ends_on = ends_on or timezone.localdate()
    if assignment.is_ended:
        raise ValidationError(_("The assignment has already ended."))
    assignment.ends_on = ends_on
    assignment.full_clean()
    assignment.save(update_fields=["ends_on"])
    membership = assignment.membership
    if membership is not None and (membership.ends_on is None or membership.ends_on > ends_on):
        core_services.membership_end(membership=membership,
                                     ends_on=max(ends_on, membership.starts_on), actor=actor)
    audit.record(actor=actor, action="end", obj=assignment,
                 summary=f"{assignment} ends {ends_on.isoformat()}")
    return assignment


# --- Approvals from Politidirektoratet (§5, footnote 15) -------------------------------------


@transaction.atomic
def approval_request(*, contact: Any, police_district: PoliceDistrict, reason: str,
                     max_municipalities: int, municipality: Municipality | None = None,
                     actor: Any = None) -> DirectorateApproval:
    """A district administrator asks Politidirektoratet to let a contact cover more than
    three municipalities."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason, so that Politidirektoratet can "
                                           "decide.")})
    if municipality is not None and municipality.police_district_id != police_district.pk:
        raise ValidationError({"municipality": _("The municipality is not in the police "
                                                 "district.")})
    if DirectorateApproval.objects.filter(contact=contact,
                                          status=ApprovalStatus.PENDING).exists():
        raise ValidationError(_("A request for this contact is already awaiting "
                                "Politidirektoratet's decision."))
    approval = DirectorateApproval(
        contact=contact, police_district=police_district, municipality=municipality,
        max_municipalities=max_municipalities, reason=reason.strip(), requested_by=actor,
        requested_at=timezone.now(),
    )
    approval.full_clean()
    approval.save()
    audit.record(actor=actor, action="request", obj=approval, summary=str(approval))
    from samarbeid.tasks import enqueue_on_commit

    from . import tasks

    enqueue_on_commit(tasks.notify_approval_requested, approval.pk)
    return approval


@transaction.atomic
def approval_decide(*, approval: DirectorateApproval, approve: bool,
                    expires_on: dt.date | None = None, note: str = "",
                    actor: Any = None) -> DirectorateApproval:
    """A national administrator approves (optionally until a date) or rejects a request."""
    locked = DirectorateApproval.objects.select_for_update().get(pk=approval.pk)
    if locked.status != ApprovalStatus.PENDING:
        raise ValidationError(_("The request has already been decided."))
    if approve and expires_on is not None and expires_on < timezone.localdate():
        raise ValidationError({"expires_on": _("The expiry date cannot be in the past.")})
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the request is rejected, so that the district "
                                         "knows what to do.")})
    locked.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    locked.expires_on = expires_on if approve else None
    locked.decision_note = note.strip()
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.full_clean()
    locked.save()
    audit.record(actor=actor, action="approve" if approve else "reject", obj=locked,
                 summary=str(locked))
    from samarbeid.tasks import enqueue_on_commit

    from . import tasks

    enqueue_on_commit(tasks.notify_approval_decided, locked.pk)
    approval.refresh_from_db()
    return locked


# --- Directory of preventive functions (§2.1) -----------------------------------------------


@transaction.atomic
def preventive_function_save(*, function: PreventiveFunction,
                             actor: Any = None) -> PreventiveFunction:
    created = function.pk is None
    function.full_clean()
    function.save()
    # Codes only: the holder's name is typed text about a person (the trail is read by others).
    audit.record(actor=actor, action="create" if created else "change", obj=function,
                 summary=_function_summary(function))
    return function


def _function_summary(function: PreventiveFunction) -> str:
    return f"kind={function.kind}, district #{function.police_district_id}"


@transaction.atomic
def preventive_function_delete(*, function: PreventiveFunction,
                               actor: Any = None) -> None:
    audit.record(actor=actor, action="delete", obj=function,
                 summary=_function_summary(function))
    function.delete()


# --- Reminder: an approval that expired while the contact still covers too many -----------


def approval_expiry_scan() -> int:
    """Tell the district administrators that an approval has expired while the contact still
    covers more than three municipalities (§5, footnote 15): one e-mail per administrator
    per scan, naming every such approval of their district (issue #14), not one per approval.

    The ledger key names the set of approvals, so the same set is never sent twice and a
    newly expired one sends a fresh e-mail that lists the others still unresolved. A fixed
    number of queries, then one send per recipient."""
    from . import selectors

    today = timezone.localdate()
    # A contact's latest approval only: the approvals they had before it are history, and
    # reading them would make every scan grow with the years (issue #12).
    later = DirectorateApproval.objects.filter(
        contact=OuterRef("contact"), status=ApprovalStatus.APPROVED,
        expires_on__gt=OuterRef("expires_on"))
    expired = list(DirectorateApproval.objects.expired(today).exclude(Exists(later))
                   .select_related("contact", "police_district").order_by("expires_on", "pk"))
    if not expired:
        return 0
    contact_ids = {a.contact_id for a in expired}
    loads = selectors.municipality_counts(contact_ids=contact_ids, on=today)
    valid = {
        (cid, n) for cid, n in DirectorateApproval.objects.valid(today)
        .filter(contact_id__in=contact_ids).values_list("contact_id", "max_municipalities")
    }
    due: dict[int, list[tuple[DirectorateApproval, int]]] = {}
    for approval in expired:
        load = loads.get(approval.contact_id, 0)
        covered = any(cid == approval.contact_id and n >= load for cid, n in valid)
        if load <= MAX_MUNICIPALITIES_WITHOUT_APPROVAL or covered:
            continue
        due.setdefault(approval.police_district_id, []).append((approval, load))
    if not due:
        return 0
    rows: dict[int, tuple[Any, list[tuple[DirectorateApproval, int]]]] = {}
    for m in (Membership.objects.active(today).filter(
            role=Role.DISTRICT_ADMIN, police_district_id__in=due, user__is_active=True)
            .select_related("user").order_by("user_id")):
        entry = rows.setdefault(m.user_id, (m.user, []))
        for item in due.get(m.police_district_id or 0, []):
            if item not in entry[1]:
                entry[1].append(item)
    sent = 0
    for admin, items in rows.values():
        if _send_expired(admin, items):
            sent += 1
    return sent


def _send_expired(admin: Any, items: list[tuple[DirectorateApproval, int]]) -> bool:
    ids = "-".join(str(a.pk) for a, _load in sorted(items, key=lambda i: i[0].pk))
    key = f"politikontakt:approvals-expired:{ids}"
    if len(key) > 200:  # the ledger's key column; the set is still named exactly
        key = "politikontakt:approvals-expired:#" + hashlib.sha256(ids.encode()).hexdigest()
    first = items[0][0]
    if len(items) == 1:
        subject = notify.lazy_format(gettext_lazy("Approval for %(contact)s has expired"),
                                          contact=_name(first.contact))
    else:
        subject = notify.lazy_format(gettext_lazy(
            "%(count)d approvals for police contacts have expired"), count=len(items))
    return notify.send_once(
        key=key, recipient=admin.email, user=admin, kind=REMINDER_KIND, subject=subject,
        template="politikontakt/email/approval_expired.txt",
        context={"items": [{"approval": a, "load": load} for a, load in items],
                 "recipient": admin, "coverage_url": reverse("politikontakt:coverage")},
    )
