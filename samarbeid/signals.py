"""Signal handlers of the core: profiles for new users, a log of failed logins."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import compliance
from .client_ip import client_ip
from .models import UserProfile

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


# Any write to the portal's models invalidates the cached compliance findings.
post_save.connect(compliance.invalidate, dispatch_uid="compliance_post_save")
post_delete.connect(compliance.invalidate, dispatch_uid="compliance_post_delete")
m2m_changed.connect(compliance.invalidate, dispatch_uid="compliance_m2m")
