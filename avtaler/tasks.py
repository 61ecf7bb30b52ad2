"""Celery tasks of the agreements: they take ids and call a service."""

from __future__ import annotations

from celery import shared_task

from .models import AgreementVersion


@shared_task(name="avtaler.tasks.render_version_pdf", autoretry_for=(OSError,), max_retries=3,
             default_retry_delay=30)
def render_version_pdf(version_id: int) -> str:
    """Render and store the agreement PDF after the transaction that changed it committed."""
    from . import services

    if not AgreementVersion.objects.filter(pk=version_id).exists():
        return "gone"
    version = services.version_render_pdf(version_id=version_id)
    return version.pdf.name


@shared_task(name="avtaler.tasks.notify_sent_for_signing")
def notify_sent_for_signing(version_id: int) -> int:
    """E-mail each signatory that the version waits for them (issue #14); once each."""
    from . import handoffs

    return handoffs.version_sent_for_signing(version_id)
