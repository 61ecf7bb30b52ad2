"""Invitations: how a real person comes into the portal, by e-mail, to a role or a seat.

Who may invite (issue 11):
- a district administrator: any role in a municipality, an operational unit or the police
  district they administer (municipal leader with or without signing authority, police
  contact, police leadership of a unit, SLT coordinator, district administrator);
- a national administrator: anything, national administrators too;
- for a seat (a council seat, registered by the app that owns the council): whoever the app
  says (`SeatTarget.may_invite`: the council's chair or its police contact, and the
  administrators).

The e-mail goes through the reminder ledger (`notify.send_once`), so it is sent once per
link; resending makes a new link (a new ledger key) and the old link stops working. The link
works once and for `INVITATION_DAYS` (7). Accepting it creates or links the account and then
the role — through the app that owns the role where it has rules (a police contact through
`politikontakt.services.assignment_create`, Veileder §5: at most three municipalities), or
through `samarbeid.services.membership_create`. All of it in one transaction: a refusal
changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import access, audit, notify, services
from .models import (
    AuditAction,
    Invitation,
    InvitationStatus,
    Membership,
    Municipality,
    OperationalUnit,
    PoliceDistrict,
    Role,
)

logger = logging.getLogger(__name__)

# Roles whose holder may sign for a party (Veileder §3).
SIGNING_ROLES = frozenset({Role.MUNICIPAL_LEADER, Role.DISTRICT_ADMIN, Role.POLICE_LEADERSHIP})


# --- What the feature apps register -----------------------------------------------------------


@dataclass(frozen=True)
class SeatRow:
    """One seat on the People page of a seat's object (a council)."""

    pk: int
    name: str
    role: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    last_login: dt.datetime | None
    portal_user: bool


@dataclass(frozen=True)
class SeatTarget:
    """An object people can be invited to sit on (a police council), registered by its app."""

    kind: str
    label: Any
    get: Callable[[int], Any]  # the object, or None
    may_see: Callable[[Any, Any], bool]  # (user, obj)
    may_invite: Callable[[Any, Any], bool]  # (user, obj): invite, resend, revoke, end seats
    roles: Callable[[], list[tuple[str, Any]]]  # the seat roles one can be invited to
    accept: Callable[[Invitation, Any, Any], None]  # (invitation, user, actor)
    seats: Callable[[Any], list[SeatRow]]
    end_seat: Callable[[Any, int, Any], None]  # (obj, seat pk, actor)
    url: Callable[[Any], str]
    district: Callable[[Any], PoliceDistrict]


RoleAcceptor = Callable[[Invitation, Any, Any], Membership]  # (invitation, user, actor)
RoleEnder = Callable[[Membership, dt.date, Any], None]  # (membership, ends_on, actor)

_seat_targets: dict[str, SeatTarget] = {}
_role_acceptors: dict[str, RoleAcceptor] = {}
_role_enders: dict[str, RoleEnder] = {}


def register_seat_target(target: SeatTarget) -> SeatTarget:
    _seat_targets[target.kind] = target
    return target


def seat_target(kind: str) -> SeatTarget | None:
    return _seat_targets.get(kind)


def register_role_acceptor(role: str, acceptor: RoleAcceptor) -> None:
    """The app that owns the rules of a role creates it when an invitation is accepted."""
    _role_acceptors[role] = acceptor


def register_role_ender(role: str, ender: RoleEnder) -> None:
    """The app that owns the rules of a role ends it (a police contact's assignment too)."""
    _role_enders[role] = ender


# --- Refusals ------------------------------------------------------------------------------------


class InvitationRefused(Exception):
    """The link cannot be used; `code` picks the page's Norwegian text."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


UNKNOWN, EXPIRED, USED, REVOKED, OTHER_USER, LOGIN_REQUIRED = (
    "unknown", "expired", "used", "revoked", "other_user", "login_required")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return (Invitation.objects.select_related("municipality", "operational_unit",
                                              "police_district", "invited_by")
            .filter(token_hash=token_hash(token)).first())


def refusal(invitation: Invitation | None, user: Any = None) -> str | None:
    """Why the link cannot be used by this visitor, or None."""
    if invitation is None:
        return UNKNOWN
    if invitation.status == InvitationStatus.ACCEPTED:
        return USED
    if invitation.status == InvitationStatus.REVOKED:
        return REVOKED
    if invitation.is_expired:
        return EXPIRED
    if user is not None and getattr(user, "is_authenticated", False) \
            and (user.email or "").strip().lower() != invitation.email.lower():
        return OTHER_USER
    return None


# --- Who may invite --------------------------------------------------------------------------


def _district_id(*, municipality: Municipality | None, operational_unit: OperationalUnit | None,
                 police_district: PoliceDistrict | None) -> int | None:
    if municipality is not None:
        return municipality.police_district_id
    if operational_unit is not None:
        return operational_unit.police_district_id
    return police_district.pk if police_district is not None else None


def may_invite_role(actor: Any, *, role: str, municipality: Municipality | None = None,
                    operational_unit: OperationalUnit | None = None,
                    police_district: PoliceDistrict | None = None) -> bool:
    p = access.principal(actor)
    if p.national_admin:
        return True
    if role == Role.NATIONAL_ADMIN:
        return False
    district = _district_id(municipality=municipality, operational_unit=operational_unit,
                            police_district=police_district)
    return district is not None and district in p.admin_districts


def may_manage(actor: Any, invitation: Invitation) -> bool:
    """May this user resend or revoke the invitation (the same people who may make it)?"""
    if invitation.seat_kind:
        target = seat_target(invitation.seat_kind)
        obj = target.get(invitation.seat_object_id or 0) if target else None
        return obj is not None and target is not None and target.may_invite(actor, obj)
    return may_invite_role(actor, role=invitation.role, municipality=invitation.municipality,
                           operational_unit=invitation.operational_unit,
                           police_district=invitation.police_district)


def may_see(actor: Any, invitation: Invitation) -> bool:
    """May this user see that the invitation exists (404 otherwise)?"""
    if invitation.seat_kind:
        target = seat_target(invitation.seat_kind)
        obj = target.get(invitation.seat_object_id or 0) if target else None
        return obj is not None and target is not None and target.may_see(actor, obj)
    if invitation.municipality is not None:
        return access.can(actor, access.Level.VIEW, invitation.municipality)
    return may_manage(actor, invitation)


def describe(invitation: Invitation) -> str:
    """What the person is invited to, in the reader's language: «Ordfører, Stavanger»."""
    if invitation.seat_kind:
        target = seat_target(invitation.seat_kind)
        obj = target.get(invitation.seat_object_id or 0) if target else None
        roles = dict(target.roles()) if target else {}
        seat = str(roles.get(invitation.seat_role, invitation.seat_role))
        return f"{seat}, {obj}" if obj is not None else seat
    from .titles import title_label

    role = title_label(invitation.title) or str(Role(invitation.role).label)
    if invitation.role == Role.NATIONAL_ADMIN:
        return role
    scope = invitation.police_district.full_name if invitation.police_district else \
        str(invitation.scope or "")
    return f"{role}, {scope}" if scope else role


# --- Writes ----------------------------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _clean_scope(role: str, municipality: Municipality | None,
                 operational_unit: OperationalUnit | None,
                 police_district: PoliceDistrict | None) -> dict[str, Any]:
    """Keep only the scope field the role needs, so a stray choice cannot widen it."""
    from .models import MUNICIPALITY_ROLES

    if role in MUNICIPALITY_ROLES:
        return {"municipality": municipality, "operational_unit": None, "police_district": None}
    if role == Role.POLICE_LEADERSHIP:
        return {"municipality": None, "operational_unit": operational_unit,
                "police_district": None}
    if role == Role.DISTRICT_ADMIN:
        return {"municipality": None, "operational_unit": None,
                "police_district": police_district}
    return {"municipality": None, "operational_unit": None, "police_district": None}


def invitation_create(
    *,
    actor: Any,
    email: str,
    name: str = "",
    role: str = "",
    municipality: Municipality | None = None,
    operational_unit: OperationalUnit | None = None,
    police_district: PoliceDistrict | None = None,
    title: str = "",
    can_sign: bool = False,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    seat_kind: str = "",
    seat_object: Any = None,
    seat_role: str = "",
    extra: dict[str, Any] | None = None,
) -> tuple[Invitation, bool]:
    """Make an invitation and send its e-mail. Returns (invitation, whether the e-mail went);
    an e-mail that failed can be sent again with «Resend»."""
    email = get_user_model().objects.normalize_email(email.strip()).lower()
    today = timezone.localdate()
    starts_on = starts_on or today
    with transaction.atomic():
        if seat_kind:
            target = seat_target(seat_kind)
            if target is None or seat_object is None:
                raise ValidationError(_("Unknown place to invite to."))
            if not target.may_invite(actor, seat_object):
                raise PermissionDenied(_("Only the council's chair, its police contact and the "
                                         "administrators may invite members."))
            if seat_role not in dict(target.roles()):
                raise ValidationError({"seat_role": _("Choose the member's role.")})
            invitation = Invitation(email=email, name=name.strip(), seat_kind=seat_kind,
                                    seat_object_id=seat_object.pk, seat_role=seat_role,
                                    starts_on=starts_on, extra=extra or {})
            duplicate = Invitation.objects.usable().filter(
                email=email, seat_kind=seat_kind, seat_object_id=seat_object.pk)
        else:
            if role not in Role.values:
                raise ValidationError({"role": _("Choose a role.")})
            scope = _clean_scope(role, municipality, operational_unit, police_district)
            if not may_invite_role(actor, role=role, **scope):
                raise PermissionDenied(_("You may invite people only to roles in the police "
                                         "district you administer."))
            membership = Membership(role=role, can_sign=can_sign and role in SIGNING_ROLES,
                                    title=title.strip(), starts_on=starts_on, ends_on=ends_on,
                                    **scope)
            membership.clean()  # the role's scope and dates, as the membership will have them
            if ends_on is not None and ends_on <= today:
                raise ValidationError({"ends_on": _("The end date must be in the future.")})
            invitation = Invitation(email=email, name=name.strip(), role=role,
                                    title=membership.title, can_sign=membership.can_sign,
                                    starts_on=starts_on, ends_on=ends_on, extra=extra or {},
                                    **scope)
            duplicate = Invitation.objects.usable().filter(email=email, role=role, **scope)
            holder = Membership.objects.active().filter(
                user__email__iexact=email, role=role, **scope).exists()
            if holder:
                raise ValidationError({"email": _("A person with this e-mail already holds "
                                                  "this role.")})
        if duplicate.exists():
            raise ValidationError({"email": _("This person has already been invited to this and "
                                              "has not answered yet. Resend the invitation from "
                                              "the list instead.")})
        token = _new_token()
        invitation.token_hash = token_hash(token)
        invitation.invited_by = actor
        invitation.expires_at = timezone.now() + dt.timedelta(days=settings.INVITATION_DAYS)
        invitation.full_clean()
        invitation.save()
        audit.record(actor=actor, action=AuditAction.INVITE, obj=invitation,
                     summary=_summary(invitation))
    return invitation, _send(invitation, token)


def _summary(invitation: Invitation) -> str:
    """Codes only (never the e-mail or typed text)."""
    if invitation.seat_kind:
        return f"seat={invitation.seat_kind}:{invitation.seat_object_id} role={invitation.seat_role}"
    scope = invitation.scope
    where = f" {scope._meta.model_name}={scope.pk}" if scope is not None else ""
    sign = " can_sign" if invitation.can_sign else ""
    return f"role={invitation.role}{where}{sign}"


def accept_url(token: str) -> str:
    return reverse("invitation_accept", args=[token])


def _send(invitation: Invitation, token: str) -> bool:
    Invitation.objects.filter(pk=invitation.pk).update(sends=invitation.sends + 1,
                                                       last_sent_at=timezone.now())
    invitation.sends += 1
    inviter = invitation.invited_by
    what = describe(invitation)
    try:
        return notify.send_once(
            key=f"invitation:{invitation.pk}:{invitation.sends}",
            recipient=invitation.email,
            subject=_("Invitation to Samarbeidsportalen: %(what)s") % {"what": what},
            template="samarbeid/email/invitation.txt",
            context={
                "invitation": invitation, "what": what, "url": accept_url(token),
                "inviter": (inviter.get_full_name() or inviter.get_username()) if inviter else "",
                "expires_at": invitation.expires_at, "days": settings.INVITATION_DAYS,
            },
        )
    except Exception:
        logger.warning("invitation #%s: the e-mail could not be sent", invitation.pk)
        return False


def invitation_resend(*, invitation: Invitation, actor: Any) -> bool:
    """A new link (the old one stops working), valid for 7 days from now, in a new e-mail."""
    if not may_manage(actor, invitation):
        raise PermissionDenied
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != InvitationStatus.PENDING:
            raise ValidationError(_("Only an invitation that has not been answered can be sent "
                                    "again."))
        token = _new_token()
        invitation.token_hash = token_hash(token)
        invitation.expires_at = timezone.now() + dt.timedelta(days=settings.INVITATION_DAYS)
        invitation.save(update_fields=["token_hash", "expires_at"])
        audit.record(actor=actor, action=AuditAction.SEND, obj=invitation,
                     summary=f"resend {invitation.sends + 1}")
    return _send(invitation, token)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: Any) -> Invitation:
    if not may_manage(actor, invitation):
        raise PermissionDenied
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("Only an invitation that has not been answered can be revoked."))
    invitation.status = InvitationStatus.REVOKED
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["status", "revoked_at"])
    audit.record(actor=actor, action=AuditAction.REVOKE, obj=invitation)
    return invitation


def existing_account(email: str) -> Any:
    """The one account with this e-mail, or None (several: None, and the caller refuses)."""
    users = list(get_user_model().objects.filter(email__iexact=email)[:2])
    return users[0] if len(users) == 1 else None


def _unique_username(email: str) -> str:
    User = get_user_model()
    base = email[:140]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: Any = None, first_name: str = "",
                      last_name: str = "", password: str | None = None) -> Any:
    """Accept: the logged-in `user` (whose e-mail must be the invitation's), the existing
    account with the invitation's e-mail (only through SSO, which proves the person; with a
    password the person logs in first), or a new account. Then the role or the seat.

    Raises InvitationRefused (nothing changed) or ValidationError (a rule of the role, e.g.
    the rule of three for police contacts: nothing changed, the link still works).
    """
    locked = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    code = refusal(locked, user)
    if code is not None or locked is None:
        raise InvitationRefused(code or UNKNOWN)
    invitation = locked
    User = get_user_model()
    if user is None:
        user = existing_account(invitation.email)
        if user is not None and password is not None:
            raise InvitationRefused(LOGIN_REQUIRED)
        if user is None and User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationRefused(LOGIN_REQUIRED)  # several accounts share the address
    if user is None:
        given, _sep, family = invitation.name.partition(" ")
        user = User.objects.create_user(
            username=_unique_username(invitation.email), email=invitation.email,
            first_name=(first_name or given)[:150], last_name=(last_name or family)[:150],
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
        audit.record(actor=user, action=AuditAction.CREATE, obj=user, summary="by invitation")
    elif not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit.record(actor=invitation.invited_by, action=AuditAction.CHANGE, obj=user,
                     summary="reactivated by invitation")
    actor = invitation.invited_by
    membership = None
    if invitation.seat_kind:
        target = seat_target(invitation.seat_kind)
        obj = target.get(invitation.seat_object_id or 0) if target else None
        if target is None or obj is None:
            raise InvitationRefused(REVOKED)
        target.accept(invitation, user, actor)
    else:
        starts_on = max(invitation.starts_on, timezone.localdate())
        acceptor = _role_acceptors.get(invitation.role)
        if acceptor is not None:
            invitation.starts_on = starts_on
            membership = acceptor(invitation, user, actor)
        else:
            membership = services.membership_create(
                user=user, role=invitation.role, municipality=invitation.municipality,
                operational_unit=invitation.operational_unit,
                police_district=invitation.police_district, title=invitation.title,
                can_sign=invitation.can_sign, starts_on=starts_on, actor=actor)
            if invitation.ends_on is not None:
                services.membership_end(membership=membership, ends_on=invitation.ends_on,
                                        actor=actor)
    invitation.status = InvitationStatus.ACCEPTED
    invitation.accepted_by = user
    invitation.accepted_at = timezone.now()
    invitation.membership = membership
    invitation.save(update_fields=["status", "accepted_by", "accepted_at", "membership"])
    audit.record(actor=user, action=AuditAction.ACCEPT, obj=invitation,
                 summary=f"membership={membership.pk}" if membership else "seat")
    access.forget(user)
    return user


# --- Roles on the People pages -----------------------------------------------------------------


def may_manage_membership(actor: Any, membership: Membership) -> bool:
    return may_invite_role(actor, role=membership.role, municipality=membership.municipality,
                           operational_unit=membership.operational_unit,
                           police_district=membership.police_district)


def role_set_end(*, membership: Membership, ends_on: dt.date | None, actor: Any) -> Membership:
    """Set (or clear) the day the role ends; from that day it gives nothing. A police
    contact's assignment ends with the role (the app that owns it does both)."""
    if not may_manage_membership(actor, membership):
        raise PermissionDenied
    if ends_on is None:
        return services.membership_set_end(membership=membership, ends_on=None, actor=actor)
    if ends_on < membership.starts_on:
        raise ValidationError({"ends_on": _("The end date must be after the start date.")})
    ender = _role_enders.get(membership.role)
    if ender is not None:
        ender(membership, ends_on, actor)
        membership.refresh_from_db()
        return membership
    return services.membership_set_end(membership=membership, ends_on=ends_on, actor=actor)


def may_deactivate(actor: Any, user: Any) -> bool:
    """National administrators; a district administrator for people whose roles (current or
    planned) all lie in their district. No one deactivates themselves."""
    p = access.principal(actor)
    if user.pk == getattr(actor, "pk", None) or user.is_superuser:
        return False
    if p.national_admin:
        return True
    if not p.admin_districts:
        return False
    today = timezone.localdate()
    rows = list(Membership.objects.filter(user=user).exclude(ends_on__lte=today)
                .select_related("municipality", "operational_unit"))
    if not rows:
        return False
    for m in rows:
        district = _district_id(municipality=m.municipality, operational_unit=m.operational_unit,
                                police_district=m.police_district)
        if district not in p.admin_districts:
            return False
    return True


@transaction.atomic
def user_deactivate(*, user: Any, actor: Any) -> Any:
    """The account can no longer log in, and its sessions end at once (signals.py ends them
    on any deactivation: here, the admin or the shell)."""
    if not may_deactivate(actor, user):
        raise PermissionDenied
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit.record(actor=actor, action=AuditAction.DEACTIVATE, obj=user)
    return user
