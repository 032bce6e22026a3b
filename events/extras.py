"""What the events show with other apps' objects (registered in ``EventsConfig.ready`` through
``comcep.extras``): a working group's coming meetings on the group's page."""

from __future__ import annotations

from django.urls import reverse

from comcep import identity, roles
from events.models import Event

GROUP_EVENTS_SHOWN = 5


def group_events(request, group) -> dict | None:
    """The group's coming events (one query), read through ``Event.objects.visible_to``, so a reader
    who is not an active member of the group sees none; for its owner, the link to organise one."""
    user = getattr(request, "user", None)
    if not roles.is_community_member(user):
        return None
    member = identity.member_of(user)
    if member is None:
        return None
    events = list(Event.objects.visible_to(member).filter(group=group, cancelled_at=None).upcoming()
                  .only("pk", "title", "starts_at", "ends_at", "duration_minutes", "capacity",
                        "registered_count")[:GROUP_EVENTS_SHOWN + 1])
    is_owner = group.owner_id == member.pk
    if not events and not is_owner:
        return None
    return {
        "group_events": events[:GROUP_EVENTS_SHOWN], "more_events": len(events) > GROUP_EVENTS_SHOWN,
        "new_event_url": f"{reverse('events:new')}?groupe={group.slug}" if is_owner else "",
    }
