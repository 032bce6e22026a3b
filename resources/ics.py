"""An iCalendar (RFC 5545) file for one regional action, written by hand: it is small."""

from __future__ import annotations

from datetime import UTC

from django.utils import timezone

from resources.models import RegionalAction


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
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


def calendar_for(action: RegionalAction, *, url: str) -> str:
    resource = action.resource
    location = "En ligne" if action.online else action.place
    description = f"{resource.summary}\n\nOrganisé par : {action.organiser}"
    if action.registration_url:
        description += f"\n\nInscription : {action.registration_url}"
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Comcep//Actions regionales//FR",
        "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "BEGIN:VEVENT",
        f"UID:action-{resource.pk}@comcep.fr",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(action.starts_at)}",
        f"DTEND:{_utc(action.ends_at)}",
        f"SEQUENCE:{action.sequence}",
        f"SUMMARY:{_escape(('ANNULÉ — ' if action.is_cancelled else '') + resource.title)}",
        f"DESCRIPTION:{_escape(description)}",
        f"LOCATION:{_escape(location)}",
        f"URL:{url}",
        f"STATUS:{'CANCELLED' if action.is_cancelled else 'CONFIRMED'}",
        "END:VEVENT", "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
