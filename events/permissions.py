"""Who may see and do what with events.

An event is for the community: whoever is not a member of it (operator managers, the
platform's and the Carif-Oref's staff who are not members) gets a 404 on every page, as on the
private conversations. A member sees the events of everyone and of their own region; another
region's event is a 404 for them. Who registered is known to the event's hosts, by pseudonym.
"""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone

from comcep import identity, roles
from comcep.models import Member
from comcep.roles import Role
from events.models import Audience, Event
from groups.models import Group
from groups.services import is_active_member


def can_organise(user) -> bool:
    """Experts, moderators and Carif-Oref staff who are members of the community (for everyone or
    a region), and the owners of a working group (for their group)."""
    if not roles.is_community_member(user):
        return False
    if roles.roles_of(user) & {Role.EXPERT, Role.MODERATOR, Role.REGIONAL_STAFF}:
        return True
    member = identity.member_of(user)
    return member is not None and can_organise_for_group(member)


def can_organise_for_everyone(user) -> bool:
    return roles.is_community_member(user) and bool(
        roles.roles_of(user) & {Role.EXPERT, Role.MODERATOR, Role.REGIONAL_STAFF})


def regions_for(user):
    """The regions ``user`` may address an event to: their own as Carif-Oref staff, any otherwise."""
    from comcep.models import Region

    if roles.has_role(user, Role.EXPERT) or roles.has_role(user, Role.MODERATOR):
        return Region.objects.all()
    return roles.staff_regions(user)


def may_host(member: Member) -> bool:
    """A co-host named by pseudonym: an expert or a moderator (their badge says so)."""
    return bool(roles.badge_holders().get(member.pk, frozenset()) & {Role.EXPERT, Role.MODERATOR})


def can_see(member: Member, event: Event) -> bool:
    """Everyone's events; a region's for its members; a group's for its active members only."""
    if event.audience == Audience.EVERYONE:
        return True
    if event.audience == Audience.REGION:
        return event.region_id == member.region_id
    return event.group is not None and is_active_member(member, event.group)


def groups_for(member: Member):
    """The groups whose meetings ``member`` may organise: those they own."""
    return Group.objects.filter(owner=member).order_by("name")


def can_organise_for_group(member: Member) -> bool:
    return groups_for(member).exists()


def event_or_404(member: Member, pk: int) -> Event:
    event = (Event.objects.select_related("region", "group", "questions_topic", "recording")
             .filter(pk=pk).first())
    if event is None or not can_see(member, event):
        raise Http404
    return event


def is_host(member: Member, event: Event, host_ids: set[int] | None = None) -> bool:
    if host_ids is not None:
        return member.pk in host_ids
    return event.hosts.filter(pk=member.pk).exists()


def can_register(member: Member, event: Event, now=None) -> bool:
    return event.cancelled_at is None and not event.is_past(now) and can_see(member, event)


def sees_video_link(*, registered: bool, event: Event, now=None) -> bool:
    """Registered members, from LINK_OPENS_BEFORE the start until the end."""
    return registered and event.cancelled_at is None and event.is_live(now or timezone.now())
