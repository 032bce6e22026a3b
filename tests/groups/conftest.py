"""Groups fixtures: a group owned by a persona, and members put in it."""

from __future__ import annotations

import pytest

from forum import services as forum_services
from groups import services
from groups.models import Visibility


@pytest.fixture
def make_group(reference_data):
    """make_group(owner, visibility=..., members=[...]) → a group owned by ``owner`` with those
    users as active members."""

    def make(owner, visibility=Visibility.OPEN, members=(), name="Ateliers collectifs"):
        group = services.create_group(actor=owner.member, name=name,
                                      purpose="Partager nos trames d'ateliers.",
                                      visibility=visibility)
        for user in members:
            services.invite(actor=owner.member, group=group, pseudonym=user.member.pseudonym)
            services.accept_invitation(actor=user.member, group=group)
        group.refresh_from_db()
        return group

    return make


@pytest.fixture
def group_topic():
    """group_topic(user, group, title, body) → a topic of the group's discussion."""

    def make(user, group, title="Notre trame d'atelier", body="Voici la trame confidentielle du groupe."):
        return forum_services.create_topic(actor=user.member, category=group.category, title=title, body=body,
                                           rate_limit=False)

    return make
