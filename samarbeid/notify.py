"""E-mail and the reminder ledger.

`send_once` claims a (key, recipient) row before it sends, with a unique constraint and a
conditional UPDATE, and marks it sent afterwards. A retry, a second scan or two beats at
once therefore never send the same reminder twice; a failed send is released so the next
attempt (a Celery retry or the next scan) can send it.

Apps register their periodic reminder scans here (`register_scan`); the beat task
`samarbeid.tasks.run_reminder_scans` runs them all.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import lazy

from .models import SentReminder

logger = logging.getLogger(__name__)

# A claim older than this is taken to belong to a worker that died mid-send.
STALE_CLAIM = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class ReminderKind:
    code: str
    label: Any
    optional: bool  # users may turn off optional (non-essential) reminders


_kinds: dict[str, ReminderKind] = {}
_scans: dict[str, Callable[[], int]] = {}


def register_kind(code: str, label: Any, *, optional: bool) -> ReminderKind:
    kind = ReminderKind(code, label, optional)
    _kinds[code] = kind
    return kind


def kinds() -> list[ReminderKind]:
    return sorted(_kinds.values(), key=lambda k: k.code)


def register_scan(name: str, scan: Callable[[], int]) -> None:
    """A scan finds what is due and calls `send_once` for each reminder; returns sends."""
    _scans[name] = scan


def scans() -> dict[str, Callable[[], int]]:
    return dict(_scans)


def remember_language(user: Any, language: str) -> None:
    """Keep the language a user chose with the switch, for the e-mails sent to them."""
    from .models import UserProfile

    UserProfile.objects.update_or_create(user=user, defaults={"language": language})


def language_of(user: Any) -> str:
    """The language to write to a user in: the one they chose, else Bokmål (issue #14)."""
    supported = {code for code, _label in settings.LANGUAGES}
    profile = None
    if user is not None and getattr(user, "pk", None):
        try:
            profile = user.profile
        except Exception:  # no profile row yet: never chose a language
            profile = None
    chosen = getattr(profile, "language", "") or ""
    return chosen if chosen in supported else settings.LANGUAGE_CODE


def is_muted(user: Any, kind: str) -> bool:
    k = _kinds.get(kind)
    if user is None or k is None or not k.optional:
        return False
    profile = getattr(user, "profile", None)
    return bool(profile and kind in (profile.muted_reminders or []))


# During a scan run: the (key, recipient) pairs already sent among the keys the scans said
# they are about to send (`preload`), so a due row whose reminder went out before (a
# re-armed meeting, a retried row) costs no claim per recipient. It reads only those keys,
# never the ledger as a whole: the lookup does not grow with the ledger (issue #12).
_sent_snapshot: contextvars.ContextVar[set[tuple[str, str]] | None] = contextvars.ContextVar(
    "sent_snapshot", default=None)
PRELOAD_CHUNK = 500


def preload(keys: Iterable[str]) -> None:
    """Read the ledger rows already sent for `keys` (one query per 500 keys) into the scan
    run's snapshot; `send_once` then skips them without a claim. Outside `run_all_scans`
    it does nothing: the claim (unique key + conditional UPDATE) refuses a second send
    anyway, the snapshot only saves its queries."""
    snapshot = _sent_snapshot.get()
    wanted = sorted(set(keys))
    if snapshot is None or not wanted:
        return
    for i in range(0, len(wanted), PRELOAD_CHUNK):
        snapshot.update(SentReminder.objects.filter(
            status=SentReminder.Status.SENT, key__in=wanted[i:i + PRELOAD_CHUNK]
        ).values_list("key", "recipient"))


def _claim(key: str, recipient: str, user: Any, subject: str) -> SentReminder | None:
    now = timezone.now()
    try:
        with transaction.atomic():
            return SentReminder.objects.create(
                key=key, recipient=recipient, user=user, subject=subject[:255],
                status=SentReminder.Status.PENDING, claimed_at=now, attempts=1,
            )
    except IntegrityError:
        pass
    # The row exists: take it over only if the earlier attempt failed or died.
    claimable = Q(status=SentReminder.Status.FAILED) | Q(
        status=SentReminder.Status.PENDING, claimed_at__lt=now - STALE_CLAIM
    )
    row = SentReminder.objects.filter(key=key, recipient=recipient).filter(claimable).first()
    if row is None:
        return None
    updated = SentReminder.objects.filter(pk=row.pk).filter(claimable).update(
        status=SentReminder.Status.PENDING, claimed_at=now, attempts=row.attempts + 1
    )
    return row if updated == 1 else None


def send_once(
    *,
    key: str,
    recipient: str,
    subject: str | Callable[[], str],
    template: str,
    context: dict[str, Any],
    kind: str = "",
    user: Any = None,
    attachments: Sequence[tuple[str, bytes | str, str]] = (),
    language: str | None = None,
) -> bool:
    """Send one e-mail at most once for (key, recipient). True if this call sent it.

    `template` names a text template; `<template>.html` is used as an HTML part if present.
    Raises on a transport error after releasing the claim, so the caller (a Celery task)
    can retry.

    The e-mail is written in `language`, else the recipient user's chosen language, else
    Bokmål (issue #14). A `subject` given as a callable, and callables in `context` (the
    template calls them), are evaluated in that language, so a caller that sends to many
    people builds each one's text in their own language.
    """
    if not recipient or (kind and is_muted(user, kind)):
        return False
    language = language or language_of(user)
    with translation.override(language):
        text = str(subject() if callable(subject) else subject)
    snapshot = _sent_snapshot.get()
    if snapshot is not None and (key, recipient) in snapshot:
        return False  # sent before; the ledger's unique row would refuse it anyway
    row = _claim(key, recipient, user, header_safe(text))
    if row is None:
        return False
    try:
        send_mail_now(recipient=recipient, subject=text, template=template, context=context,
                      attachments=attachments, language=language)
    except Exception as exc:
        SentReminder.objects.filter(pk=row.pk).update(
            status=SentReminder.Status.FAILED, last_error=type(exc).__name__[:300]
        )
        logger.warning("reminder %s to recipient #%s failed: %s", key, row.pk,
                       type(exc).__name__)
        raise
    SentReminder.objects.filter(pk=row.pk).update(
        status=SentReminder.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def _format(message: Any, params: dict[str, Any]) -> str:
    return str(message) % params


_lazy_format = lazy(_format, str)


def lazy_format(message: Any, **params: Any) -> Any:
    """`gettext_lazy(msgid) % params` kept lazy (`%` on a lazy string translates at once), so
    `send_once` writes the subject in the recipient's language, not the sender's."""
    return _lazy_format(message, params)


def header_safe(value: str) -> str:
    """One line, always: a line break typed into a title or a council name must not make
    every later e-mail about it fail (BadHeaderError) or inject a header."""
    return " ".join(str(value).split())


def send_mail_now(
    *,
    recipient: str | Sequence[str],
    subject: str,
    template: str,
    context: dict[str, Any],
    attachments: Sequence[tuple[str, bytes | str, str]] = (),
    language: str | None = None,
) -> None:
    recipients = [header_safe(r) for r in ([recipient] if isinstance(recipient, str)
                                           else list(recipient))]
    ctx = {"site_url": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = header_safe(subject)  # a lazy subject is translated here
        body = render_to_string(template, ctx)
        try:
            html: str | None = render_to_string(template.rsplit(".", 1)[0] + ".html", ctx)
        except Exception:  # no HTML variant
            html = None
    message = EmailMultiAlternatives(subject=subject, body=body, to=recipients)
    if html:
        message.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    message.send(fail_silently=False)


def run_all_scans(names: Sequence[str] | None = None) -> dict[str, int]:
    """Run every registered scan (or those named); one failing scan does not stop the others.

    Outside a transaction (production) each send commits as it goes. Inside one (tests,
    callers that hold a transaction) each scan gets a savepoint, so a database error in one
    scan cannot poison the others.
    """
    from django.db import connection

    results: dict[str, int] = {}
    token = _sent_snapshot.set(set())
    try:
        _run(names, results, connection)
    finally:
        _sent_snapshot.reset(token)
    return results


def _run(names: Sequence[str] | None, results: dict[str, int], connection: Any) -> None:
    for name, scan in _scans.items():
        if names is not None and name not in names:
            continue
        try:
            if connection.in_atomic_block:
                with transaction.atomic():
                    results[name] = scan()
            else:
                results[name] = scan()
        except Exception:
            logger.exception("reminder scan %s failed; it will run again next time", name)
            results[name] = -1
