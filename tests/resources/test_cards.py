"""What the forum shows of the library: cards for linked resources."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resources.cards import cards_for_paths
from resources.models import Kind, Status
from tests.resources.factories import ResourceFactory


@pytest.mark.django_db
def test_cards_are_made_for_the_library_links_a_reader_may_see(alice, bob):
    video = ResourceFactory(kind=Kind.VIDEO, title="Séquence partagée")
    proposal = ResourceFactory(status=Status.PROPOSED, proposed_by=alice, published_at=None)
    paths = [f"/ressources/{video.pk}/a/95/", f"/ressources/{proposal.pk}/", "/forum/", "/ressources/x/"]
    cards = cards_for_paths(bob, paths)
    assert [(c.resource.title, c.start) for c in cards] == [("Séquence partagée", 95)]
    assert cards[0].url == f"/ressources/{video.pk}/a/95/" and cards[0].start_label == "1:35"
    assert len(cards_for_paths(alice, paths)) == 2  # alice proposed the other one


@pytest.mark.django_db
def test_a_link_at_a_given_time_opens_the_video_there(client_for, alice):
    video = ResourceFactory(kind=Kind.VIDEO)
    response = client_for(alice).get(reverse("resources:detail_at", args=[video.pk, 42]))
    assert response.status_code == 200 and response.context["start_at"] == 42
