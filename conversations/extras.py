"""What the conversations show on other apps' pages (``comcep.extras``): on a member's profile,
« Écrire un message privé » and « Bloquer »."""

from __future__ import annotations

from django.urls import reverse

from comcep import identity, roles
from conversations.models import Block


def profile_actions(request, profile) -> dict | None:
    user = getattr(request, "user", None)
    viewer = identity.member_of(user)
    if viewer is None or viewer.pk == profile.pk or not roles.is_community_member(user):
        return None
    return {
        "write_url": f"{reverse('conversations:new')}?avec={profile.public_id}",
        "block_url": reverse("conversations:block", args=[profile.public_id]),
        "blocked": Block.objects.filter(blocker=viewer, blocked=profile).exists(),
    }
