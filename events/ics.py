"""iCalendar (RFC 5545) files: one event's, and a member's personal feed (their registrations
and the regional actions of their region). Written by hand, as ``resources.ics`` is: they are
small. Addresses in them are absolute, under the site's configured address."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from django.urls import reverse
from django.utils import timezone

from comcep.notifications import absolute_url
from events.models import Event
from resources.models import RegionalAction


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    if len(line.encode("utf-8")) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _utc(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event_lines(event: Event) -> list[str]:
    # The video-conference address stays out: the file outlives the moment the link may be shown,
    # and the event's page shows it to registered members when it is time.
    url = absolute_url(reverse("events:detail", args=[event.pk]))
    cancelled = event.cancelled_at is not None
    return [
        "BEGIN:VEVENT", f"UID:event-{event.pk}@comcep.fr", f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(event.starts_at)}", f"DTEND:{_utc(event.ends_at)}", f"SEQUENCE:{event.sequence}",
        f"SUMMARY:{_escape(('ANNULÉ — ' if cancelled else '') + event.title)}",
        f"DESCRIPTION:{_escape(event.description[:2000] + chr(10) + chr(10) + url)}",
        "LOCATION:En ligne", f"URL:{url}", f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
    ]


def action_lines(action: RegionalAction) -> list[str]:
    resource = action.resource
    url = absolute_url(reverse("resources:detail", args=[resource.pk]))
    return [
        "BEGIN:VEVENT", f"UID:action-{resource.pk}@comcep.fr", f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(action.starts_at)}", f"DTEND:{_utc(action.ends_at)}", f"SEQUENCE:{action.sequence}",
        f"SUMMARY:{_escape(('ANNULÉ — ' if action.is_cancelled else '') + resource.title)}",
        f"DESCRIPTION:{_escape(resource.summary[:2000])}",
        f"LOCATION:{_escape('En ligne' if action.online else action.place)}", f"URL:{url}",
        f"STATUS:{'CANCELLED' if action.is_cancelled else 'CONFIRMED'}",
        "END:VEVENT",
    ]


def calendar(events: Iterable[Event] = (), actions: Iterable[RegionalAction] = (), *,
             name: str = "Comcep") -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Comcep//Evenements//FR", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{_escape(name)}"]
    for event in events:
        lines += event_lines(event)
    for action in actions:
        lines += action_lines(action)
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
