"""Signal handlers of the core: profiles for new users, a log of failed logins."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from . import audit, compliance
from .client_ip import client_ip
from .models import AuditAction, UserProfile

security_log = logging.getLogger("samarbeid.security")


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def create_profile(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created:
        UserProfile.objects.get_or_create(user=instance)


@receiver(user_login_failed)
def log_failed_login(sender: Any, credentials: dict[str, Any], request: Any = None,
                     **kwargs: Any) -> None:
    # Django already masks the password in `credentials`; log only the username.
    ip = client_ip(request) if request is not None else None
    security_log.warning("failed login for %r from %s", credentials.get("username"), ip)
    audit.record_account(user=None, action=AuditAction.LOGIN_FAILED, request=request)


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record_account(user=user, action=AuditAction.LOGIN, request=request)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record_account(user=user, action=AuditAction.LOGOUT, request=request)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def audit_password_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Any way a password changes (the form, a reset link, the admin, the shell) is in the
    trail; never the hash itself."""
    if not instance.pk:
        return
    old = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if old is not None and old != instance.password:
        from django.db import transaction

        transaction.on_commit(lambda: audit.record_account(
            user=instance, action=AuditAction.PASSWORD_CHANGE))


# Any write to the portal's models invalidates the cached compliance findings.
post_save.connect(compliance.invalidate, dispatch_uid="compliance_post_save")
post_delete.connect(compliance.invalidate, dispatch_uid="compliance_post_delete")
m2m_changed.connect(compliance.invalidate, dispatch_uid="compliance_m2m")


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def _remember_active(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk and not instance.is_active:
        was = sender.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
        instance._samarbeid_deactivated = bool(was)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def end_sessions_of_deactivated(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """Deactivating an account (the People page, the admin, the shell) ends its sessions at
    once; the backends refuse an inactive user on the next request in any case."""
    if getattr(instance, "_samarbeid_deactivated", False):
        instance._samarbeid_deactivated = False
        end_sessions(instance.pk)


def end_sessions(user_id: int) -> int:
    """Delete every stored session of the user (database-backed sessions)."""
    from importlib import import_module

    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore as DBStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not issubclass(store, DBStore):  # only database-backed sessions can be listed
        return 0
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded()
        if str(data.get(SESSION_KEY)) == str(user_id):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended
