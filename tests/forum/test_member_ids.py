"""A hostile member counts profile numbers: nothing answers, and no page links by number."""

from __future__ import annotations

import re

import pytest

from forum import services
from forum.models import Category


@pytest.mark.django_db
def test_counting_member_numbers_finds_no_profile(client_for, alice, bob):
    client = client_for(bob)
    for number in range(1, alice.member.pk + 3):
        assert client.get(f"/forum/membres/{number}/").status_code == 404
    assert client.get(f"/forum/membres/{alice.member.public_id}/").status_code == 200


@pytest.mark.django_db
def test_no_page_links_a_profile_by_its_number(client_for, alice, bob):
    category = Category.objects.create(name="Échanges", slug="echanges")
    topic = services.create_topic(actor=alice.member, category=category, title="Bilan de compétences",
                                  body="Qui pratique le bilan ?")
    services.create_post(actor=bob.member, topic=topic, body="Moi, @[Lande Bretonne] !")
    client = client_for(alice)
    pages = [f"/forum/sujet/{topic.pk}/?page=1", "/forum/", "/forum/categorie/echanges/",
             "/forum/recherche/?q=bilan", "/forum/notifications/"]
    for url in pages:
        page = client.get(url).content.decode()
        assert not re.search(r"/forum/membres/\d+/", page), url
    topic_page = client.get(f"/forum/sujet/{topic.pk}/?page=1").content.decode()
    assert f"/forum/membres/{alice.member.public_id}/" in topic_page
    assert f"/forum/membres/{bob.member.public_id}/" in topic_page
