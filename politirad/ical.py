"""Meetings as iCalendar (RFC 5545): one file per meeting, the agenda invitation and the
personal feed. Only the time, place and council name go into calendars: agenda content may
be exempt (§4.1.5) and calendars are read by other programs."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Meeting


def _event(meeting: Meeting) -> Event:
    event = Event()
    event.add("uid", f"politirad-meeting-{meeting.pk}@samarbeidsportalen")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.end)
    event.add("summary", f"{meeting.council.name}: {meeting.display_title}")
    location = meeting.place or meeting.video_url
    if location:
        event.add("location", location)
    url = settings.SITE_URL.rstrip("/") + reverse("politirad:meeting_detail", args=[meeting.pk])
    event.add("url", url)
    description = url
    if meeting.video_url:
        description = f"{meeting.video_url}\n{url}"
    event.add("description", description)
    event.add("sequence", meeting.sequence)
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    return event


def calendar_bytes(meetings: Iterable[Meeting], *, name: str = "", method: str = "") -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Samarbeidsportalen//politirad//NO")
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    for meeting in meetings:
        cal.add_component(_event(meeting))
    return cal.to_ical()
