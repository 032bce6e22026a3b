"""Every write about groups and memberships, and the few reads other apps rely on."""

from __future__ import annotations

from comcep.models import Member
from groups.models import Group, Membership, MembershipState


def is_active_member(member: Member | None, group: Group) -> bool:
    """Whether ``member`` belongs to ``group`` now (invited or requesting is not belonging)."""
    if member is None or not member.pk:
        return False
    return Membership.objects.filter(group=group, member=member, state=MembershipState.ACTIVE).exists()
