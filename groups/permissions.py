"""Who may see and do what in the working groups.

A group's pages (its discussion, members, files) exist for its active members only: anyone
else — a member who left or was removed, one invited who has not accepted, one who asked to
join, a moderator, operator managers, platform or Carif-Oref staff, a visitor — gets a 404.
The directory lists open and on-request groups to the community; a group by invitation only
is known to those it invited alone. Among members, the owner manages (403 for the others).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from comcep.models import Member
from groups.models import Group, Membership, MembershipState


def active_membership_or_404(member: Member, slug: str) -> Membership:
    """``member``'s active membership of the group ``slug``, with the group and its category."""
    membership = (Membership.objects.select_related("group", "group__category", "group__owner")
                  .filter(group__slug=slug, member=member, state=MembershipState.ACTIVE).first())
    if membership is None:
        raise Http404
    return membership


def visible_group_or_404(member: Member, slug: str) -> Group:
    """A group whose existence ``member`` may know (to join it, or answer an invitation)."""
    group = Group.objects.visible_to(member).select_related("category").filter(slug=slug).first()
    if group is None:
        raise Http404
    return group


def can_manage(membership: Membership) -> bool:
    return membership.is_active and membership.is_owner


def check_manage(membership: Membership) -> None:
    if not can_manage(membership):
        raise PermissionDenied


