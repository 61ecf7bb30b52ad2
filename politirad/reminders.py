"""Reminder scans for police councils, run by the core's beat task.

Each reminder goes through `notify.send_once` with a key that names the event (and the
time or deadline it concerns), so a second scan, two beats at once or a retry after an SMTP
error never send it twice; moving a meeting or a deadline gives a new key.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samarbeid import notify
from samarbeid.policy import VIEW

from . import selectors
from .models import (
    MEETING_SOON_DAYS,
    MINUTES_REMINDER_DAYS,
    MINUTES_REMINDER_WINDOW_DAYS,
    REMINDER_DUE,
    REMINDER_OVERDUE,
    TASK_DUE_NOTICE_DAYS,
    TASK_OVERDUE_WINDOW_DAYS,
    CouncilMember,
    Meeting,
    MinutesStatus,
    PoliceCouncil,
    Task,
    few_meetings_check_at,
    local_midnight,
)

logger = logging.getLogger(__name__)

KIND_MEETING_SOON = "politirad_meeting_soon"
KIND_AGENDA_NOT_SENT = "politirad_agenda_not_sent"
KIND_MINUTES_NOT_APPROVED = "politirad_minutes_not_approved"
KIND_TASK_DUE = "politirad_task_due"
KIND_TASK_OVERDUE = "politirad_task_overdue"
KIND_FEW_MEETINGS = "politirad_few_meetings"

TEMPLATE = "politirad/email/reminder.txt"


def register_kinds() -> None:
    # Optional ones are courtesy notices; the others follow from the guide's rules (§4.1.2).
    notify.register_kind(KIND_MEETING_SOON, gettext_lazy("Police council: meeting in two days"),
                         optional=True)
    notify.register_kind(KIND_TASK_DUE, gettext_lazy("Police council: task due in three days"),
                         optional=True)
    notify.register_kind(KIND_AGENDA_NOT_SENT,
                         gettext_lazy("Police council: agenda not sent when the lead time starts"),
                         optional=False)
    notify.register_kind(KIND_MINUTES_NOT_APPROVED,
                         gettext_lazy("Police council: minutes not approved 14 days after"),
                         optional=False)
    notify.register_kind(KIND_TASK_OVERDUE, gettext_lazy("Police council: task overdue"),
                         optional=False)
    notify.register_kind(KIND_FEW_MEETINGS,
                         gettext_lazy("Police council: fewer than two meetings this year"),
                         optional=False)


def _url(name: str, pk: int) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=[pk])


def _send(*, key: str, members: Iterable[CouncilMember], subject: Callable[..., str],
          message: Callable[..., str], url: str, kind: str,
          failures: list[str] | None = None) -> int:
    """send_once per recipient; one failing address does not stop the others (the failed
    claim is released, so the next scan retries it). Subject and message are built in each
    recipient's language (issue #14)."""
    sent = 0
    for member in members:
        email = member.contact_email
        if not email:
            continue
        try:
            if notify.send_once(key=key, recipient=email, subject=subject, template=TEMPLATE,
                                context={"message": message, "url": url}, kind=kind,
                                user=member.user):
                sent += 1
        except Exception as exc:  # SMTP error: the ledger row is FAILED and retried later
            logger.warning("reminder %s failed: %s", key, type(exc).__name__)
            if failures is not None:
                failures.append(email)
    return sent


def _members(council: PoliceCouncil) -> list[CouncilMember]:
    return list(getattr(council, "active_members", []))


def _meetings(qs: Any) -> list[Meeting]:
    return list(qs.select_related("council").prefetch_related(
        Prefetch("council__members", queryset=CouncilMember.objects.active()
                 .select_related("user__profile"), to_attr="active_members")))


def _claim(model: Any, row: Any, field: str, new: dt.datetime | None) -> bool:
    """Move the row's `field` from the value this scan read to the next one (a conditional
    UPDATE, like healthchecks' `sendreports`): 1 row means this scan owns the reminder."""
    return model.objects.filter(pk=row.pk, **{field: getattr(row, field)}
                                ).update(**{field: new}) == 1


def _give_back(model: Any, row: Any, field: str, claimed: dt.datetime | None) -> None:
    """A send failed: put the row's reminder back so the next scan retries it (the ledger
    released the claim), unless a change re-armed it meanwhile."""
    model.objects.filter(pk=row.pk, **{field: claimed}).update(**{field: getattr(row, field)})


def _due_meetings(field: str, now: dt.datetime, *related: str) -> list[Meeting]:
    """The meetings whose `field` has come: one indexed read, whatever the number of
    meetings (issue #12), and the ledger rows of their reminders in one more."""
    return _meetings(Meeting.objects.filter(**{f"{field}__lte": now}).select_related(*related)
                     .order_by(field, "pk"))


def scan_meeting_soon(now: dt.datetime | None = None) -> int:
    """Meeting in two days: every member (optional). Reads only the meetings whose
    `soon_reminder_at` has come; Meeting.save re-arms it when the meeting moves."""
    now = now or timezone.now()
    sent = 0
    due = _due_meetings("soon_reminder_at", now)
    keys = {m.pk: f"politirad:meeting-soon:{m.pk}:{timezone.localtime(m.starts_at):%Y%m%d%H%M}"
            for m in due}
    notify.preload(keys.values())
    for meeting in due:
        if meeting.cancelled or meeting.starts_at <= now:  # over: nothing to send
            _claim(Meeting, meeting, "soon_reminder_at", None)
            continue
        if meeting.starts_at - dt.timedelta(days=MEETING_SOON_DAYS) > now:  # not yet
            _claim(Meeting, meeting, "soon_reminder_at", meeting.reminder_times()["soon_reminder_at"])
            continue
        if not _claim(Meeting, meeting, "soon_reminder_at", None):
            continue  # another scan took it
        when = timezone.localtime(meeting.starts_at)
        failures: list[str] = []
        sent += _send(
            key=keys[meeting.pk],
            members=_members(meeting.council), kind=KIND_MEETING_SOON,
            subject=lambda m=meeting, w=when: _("Meeting %(date)s: %(council)s") % {
                "date": date_format(w, "SHORT_DATETIME_FORMAT"), "council": m.council.name},
            message=lambda m=meeting, w=when: _("Reminder: %(council)s meets %(date)s.") % {
                "council": m.council.name, "date": date_format(w, "SHORT_DATETIME_FORMAT")},
            url=_url("politirad:meeting_detail", meeting.pk), failures=failures)
        if failures:
            _give_back(Meeting, meeting, "soon_reminder_at", None)
    return sent


def scan_agenda_not_sent(now: dt.datetime | None = None) -> int:
    """The lead time has started and no agenda has gone out: secretary and police contact.
    Reads only the meetings whose `agenda_reminder_at` (the agenda deadline) has come."""
    now = now or timezone.now()
    sent = 0
    due = _due_meetings("agenda_reminder_at", now)
    keys = {m.pk: f"politirad:agenda-not-sent:{m.pk}:"
                  f"{timezone.localtime(m.starts_at):%Y%m%d%H%M}" for m in due}
    notify.preload(keys.values())
    for meeting in due:
        if meeting.cancelled or meeting.agenda_sent_at is not None or meeting.starts_at <= now:
            _claim(Meeting, meeting, "agenda_reminder_at", None)
            continue
        if meeting.agenda_deadline is None or meeting.agenda_deadline > now:  # not yet
            _claim(Meeting, meeting, "agenda_reminder_at", meeting.agenda_deadline)
            continue
        if not _claim(Meeting, meeting, "agenda_reminder_at", None):
            continue
        when = timezone.localtime(meeting.starts_at)
        recipients = [m for m in _members(meeting.council)
                      if m.is_secretary or m.role in ("secretary", "police_contact")]
        failures: list[str] = []
        sent += _send(
            key=keys[meeting.pk],
            members=recipients, kind=KIND_AGENDA_NOT_SENT,
            subject=lambda m=meeting, w=when: _("Send the agenda: %(council)s %(date)s") % {
                "council": m.council.name, "date": date_format(w, "SHORT_DATE_FORMAT")},
            message=lambda w=when: _("The agenda for the meeting %(date)s has not been sent, and "
                                     "the agreed lead time has started (guide §4.1.2).") % {
                "date": date_format(w, "SHORT_DATE_FORMAT")},
            url=_url("politirad:meeting_detail", meeting.pk), failures=failures)
        if failures:
            _give_back(Meeting, meeting, "agenda_reminder_at", None)
    return sent


def scan_minutes_not_approved(now: dt.datetime | None = None) -> int:
    """Minutes not approved 14 days after the meeting: the chair. Reads only the meetings
    whose `minutes_reminder_at` has come; approving the minutes disarms it (Minutes.save)."""
    now = now or timezone.now()
    sent = 0
    due = _due_meetings("minutes_reminder_at", now, "minutes")
    notify.preload(f"politirad:minutes-not-approved:{m.pk}" for m in due)
    for meeting in due:
        minutes = getattr(meeting, "minutes", None)
        approved = minutes is not None and minutes.status != MinutesStatus.DRAFT
        # Do not nag about meetings long past.
        long_past = meeting.starts_at < now - dt.timedelta(days=MINUTES_REMINDER_WINDOW_DAYS)
        if meeting.cancelled or approved or long_past:
            _claim(Meeting, meeting, "minutes_reminder_at", None)
            continue
        if meeting.starts_at + dt.timedelta(days=MINUTES_REMINDER_DAYS) > now:  # not yet
            _claim(Meeting, meeting, "minutes_reminder_at",
                   meeting.reminder_times()["minutes_reminder_at"])
            continue
        if not _claim(Meeting, meeting, "minutes_reminder_at", None):
            continue
        chairs = [m for m in _members(meeting.council) if m.is_chair]
        when = timezone.localtime(meeting.starts_at)
        failures: list[str] = []
        sent += _send(
            key=f"politirad:minutes-not-approved:{meeting.pk}",
            members=chairs, kind=KIND_MINUTES_NOT_APPROVED,
            subject=lambda m=meeting, w=when: _("Minutes not approved: %(council)s %(date)s") % {
                "council": m.council.name, "date": date_format(w, "SHORT_DATE_FORMAT")},
            message=lambda w=when: _("The minutes of the meeting %(date)s are not approved 14 days "
                                     "after the meeting. As chair, please approve them.") % {
                "date": date_format(w, "SHORT_DATE_FORMAT")},
            url=_url("politirad:minutes", meeting.pk), failures=failures)
        if failures:
            _give_back(Meeting, meeting, "minutes_reminder_at", None)
    return sent


def _task_recipients(task: Task, today: dt.date) -> list[CouncilMember]:
    """The responsible, if they still sit on the council (an ended seat gets nothing) and,
    for a portal user, if the policy still lets them read the task's council."""
    member = task.responsible_member
    if member is not None:
        active = member.starts_on <= today and (member.ends_on is None or member.ends_on > today)
        if not active or (member.user is not None
                          and not selectors.may(member.user, VIEW, task.council)):
            return []
        return [member]
    if task.responsible_user is not None and selectors.may(task.responsible_user, VIEW,
                                                           task.council):
        return [CouncilMember(user=task.responsible_user, role="other")]
    return []


def _send_task(task: Task, *, today: dt.date, overdue: bool) -> tuple[int, bool]:
    """The due or overdue reminder of one task: (e-mails sent, whether one failed)."""
    kind = KIND_TASK_OVERDUE if overdue else KIND_TASK_DUE
    # E-mail leaves the portal: the title of a task under an exempt item stays in it
    # (offl. § 13, guide §4.1.5), like the exempt items of the agenda e-mail.
    exempt = task.entry is not None and (task.entry.is_exempt
                                         or task.entry.agenda_item.is_exempt)

    def params() -> dict[str, str]:
        """In the recipient's language (notify.send_once calls it inside their language)."""
        title = (_("task no. %(number)d, exempt from public access") % {"number": task.pk}
                 if exempt else task.title)
        return {"title": title, "date": date_format(task.deadline, "SHORT_DATE_FORMAT")}

    failures: list[str] = []
    sent = _send(
        key=f"politirad:task-{'overdue' if overdue else 'due'}:{task.pk}:{task.deadline:%Y%m%d}",
        members=_task_recipients(task, today), kind=kind,
        subject=lambda: (
            _("Task overdue: %(title)s") if overdue else _("Task due %(date)s: %(title)s")
        ) % params(),
        message=lambda: (
            _("The task «%(title)s» had its deadline %(date)s and is not done.")
            if overdue else _("The task «%(title)s» is due %(date)s.")) % params(),
        url=_url("politirad:task_detail", task.pk), failures=failures)
    return sent, bool(failures)


def _claim_task(task: Task, new: dt.datetime | None) -> bool:
    """Move the row from the value this scan read to the next one (a conditional UPDATE,
    like healthchecks' `sendreports`): 1 row means this scan owns the reminder."""
    return Task.objects.filter(pk=task.pk, next_reminder_at=task.next_reminder_at
                               ).update(next_reminder_at=new) == 1


def scan_tasks(today: dt.date | None = None) -> int:
    """Task due in three days (optional) and overdue (responsible).

    Reads only the tasks whose `next_reminder_at` has come (one indexed query), so a
    steady-state scan costs the same with 4 000 or 400 000 open tasks (issue #12). Each due
    row is claimed before anything is sent; of two scans at once one gets it, and the
    ledger (notify.send_once) still refuses a second send. The model re-arms the reminder
    when a deadline or status changes (Task.save)."""
    today = today or timezone.localdate()
    sent = 0
    due = (Task.objects.filter(next_reminder_at__lt=local_midnight(today + dt.timedelta(days=1)))
           .select_related("council", "responsible_member__user__profile",
                           "responsible_user__profile", "entry__agenda_item")
           .order_by("next_reminder_at", "pk"))
    for task in due:
        overdue = task.deadline < today
        if not task.is_open or task.deadline > today + dt.timedelta(days=TASK_DUE_NOTICE_DAYS):
            _claim_task(task, task.reminder_due_at(today=today))  # closed, or not yet
            continue
        after = REMINDER_OVERDUE if overdue else REMINDER_DUE
        claimed_at = task.next_reminder_at
        following = task.reminder_due_at(after=after, today=today)
        if not _claim_task(task, following):
            continue  # another scan took it
        if overdue and task.deadline < today - dt.timedelta(days=TASK_OVERDUE_WINDOW_DAYS):
            continue  # long past: not nagged about (the claim ends it)
        n, failed = _send_task(task, today=today, overdue=overdue)
        sent += n
        if failed:  # give the row back so the next scan retries, unless it was re-armed
            Task.objects.filter(pk=task.pk, next_reminder_at=following).update(
                next_reminder_at=claimed_at)
    return sent


def scan_few_meetings(today: dt.date | None = None) -> int:
    """From 1 September: fewer than two meetings (or the agreement's number) held or planned
    this year (§4.1.2) — chair and police contact.

    Reads only the councils whose `few_meetings_reminder_at` has come: 1 September, or
    later when a meeting of the year was written (Meeting.save) or an agreement came into
    force; each is claimed to next 1 September before it is counted."""
    today = today or timezone.localdate()
    if (today.month, today.day) < (9, 1):
        return 0
    tz = timezone.get_current_timezone()
    start = dt.datetime(today.year, 1, 1, tzinfo=tz)
    end = dt.datetime(today.year + 1, 1, 1, tzinfo=tz)
    council_list = list(
        PoliceCouncil.objects.filter(
            few_meetings_reminder_at__lt=local_midnight(today + dt.timedelta(days=1)))
        .annotate(n=Count("meetings", filter=Q(
            meetings__cancelled=False, meetings__starts_at__gte=start,
            meetings__starts_at__lt=end)))
        .prefetch_related(Prefetch("members", queryset=CouncilMember.objects.active()
                                   .select_related("user__profile"), to_attr="active_members"))
        .order_by("pk")
    )
    if not council_list:
        return 0
    terms = selectors.terms_for(council_list)
    notify.preload(f"politirad:few-meetings:{c.pk}:{today.year}" for c in council_list)
    following = few_meetings_check_at(today.year + 1)
    sent = 0
    for council in council_list:
        if not _claim(PoliceCouncil, council, "few_meetings_reminder_at", following):
            continue  # another scan took it, or a meeting was written meanwhile
        target = max(2, terms[council.pk].meetings_per_year)
        if council.n >= target:  # type: ignore[attr-defined]
            continue
        recipients = [m for m in _members(council) if m.is_chair or m.role == "police_contact"]
        failures: list[str] = []
        sent += _send(
            key=f"politirad:few-meetings:{council.pk}:{today.year}",
            members=recipients, kind=KIND_FEW_MEETINGS,
            subject=lambda c=council: _("%(council)s: too few meetings in %(year)d") % {
                "council": c.name, "year": today.year},
            message=lambda c=council: _few_meetings_message(c, today.year, terms[c.pk]),
            url=_url("politirad:council_detail", council.pk), failures=failures)
        if failures:
            _give_back(PoliceCouncil, council, "few_meetings_reminder_at", following)
    return sent


def _few_meetings_message(council: PoliceCouncil, year: int, terms: Any) -> str:
    """The guide's minimum (2, §4.1.2) and the agreement's own number, each named as such."""
    values = {"council": council.name, "n": council.n, "year": year,  # type: ignore[attr-defined]
              "guide": 2, "agreed": terms.meetings_per_year}
    if terms.in_force and terms.meetings_per_year != 2:
        return _("%(council)s has %(n)d meetings held or planned in %(year)d. The guide "
                 "recommends at least %(guide)d (§4.1.2); your agreement sets %(agreed)d a "
                 "year. Plan the next meeting.") % values
    return _("%(council)s has %(n)d meetings held or planned in %(year)d. The guide "
             "recommends at least %(guide)d (§4.1.2). Plan the next meeting.") % values


def scan_all() -> int:
    return (scan_meeting_soon() + scan_agenda_not_sent() + scan_minutes_not_approved()
            + scan_tasks() + scan_few_meetings())
