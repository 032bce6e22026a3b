"""The events' section of the community home: the coming live sessions the member may join.

What a member sees of the events depends on them (their region's sessions, their working
groups' meetings: ``Event.objects.visible_to``), so the section reads them per request, in one
query with the member's registrations.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils import timezone

from comcep import home
from comcep.models import Member
from events.models import Event, Registration

COUNT = 4


def context(request, member: Member) -> dict:
    events = list(
        Event.objects.visible_to(member).upcoming(timezone.now()).filter(cancelled_at=None)
        .only("pk", "kind", "title", "starts_at", "ends_at", "audience")
        .annotate(registered=Exists(Registration.objects.filter(event=OuterRef("pk"), member_id=member.pk)))
        [:COUNT]
    )
    return {"events": events, "now": timezone.now()}


def register() -> None:
    home.register("events", rank=20, template="events/home_events.html", context=context)
