"""What other apps read of groups: who belongs, and which groups a member may know of."""

from groups.models import Group, Membership, MembershipRole, MembershipState, Visibility
from groups.services import is_active_member


def _group(owner, visibility=Visibility.OPEN, slug="g"):
    group = Group.objects.create(name="Groupe", slug=slug, purpose="Échanger", visibility=visibility,
                                 owner=owner)
    Membership.objects.create(group=group, member=owner, role=MembershipRole.OWNER,
                              state=MembershipState.ACTIVE)
    return group


def test_invited_and_requesting_members_do_not_belong(alice, bob, expert):
    group = _group(alice.member)
    Membership.objects.create(group=group, member=bob.member, state=MembershipState.INVITED)
    Membership.objects.create(group=group, member=expert.member, state=MembershipState.REQUESTED)

    assert is_active_member(alice.member, group)
    assert not is_active_member(bob.member, group)
    assert not is_active_member(expert.member, group)
    assert not is_active_member(None, group)


def test_a_group_by_invitation_is_known_only_to_those_it_concerns(alice, bob, expert):
    hidden = _group(alice.member, Visibility.INVITATION, slug="hidden")
    listed = _group(alice.member, Visibility.ON_REQUEST, slug="listed")
    Membership.objects.create(group=hidden, member=bob.member, state=MembershipState.INVITED)

    assert set(Group.objects.visible_to(expert.member)) == {listed}
    assert set(Group.objects.visible_to(bob.member)) == {hidden, listed}
    assert not Group.objects.visible_to(None).exists()
