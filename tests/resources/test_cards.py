"""What the forum shows of the library: cards for linked resources, and the topics that cite one."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse

from resources.cards import cards_for_paths, citing_topics
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


@pytest.mark.django_db
def test_the_resource_page_lists_the_forum_topics_that_cite_it(client_for, alice, bob):
    category_model = apps.get_model("forum", "Category")
    topic_model = apps.get_model("forum", "Topic")
    post_model = apps.get_model("forum", "Post")
    cited = ResourceFactory(title="Ressource citée")
    other = ResourceFactory(title="Ressource voisine")
    category = category_model.objects.create(name="Échanges", slug="echanges")
    topic = topic_model.objects.create(category=category, title="Un sujet qui cite", author=bob.member)
    post_model.objects.create(topic=topic, number=1, author=bob.member, body_html="",
                              body=f"Voir [la fiche](/ressources/{cited.pk}/) !")
    hidden = topic_model.objects.create(category=category, title="Sujet masqué", author=bob.member)
    post_model.objects.create(topic=hidden, number=1, author=bob.member, body_html="", is_hidden=True,
                              body=f"/ressources/{cited.pk}/")
    assert [t.title for t in citing_topics(cited, user=alice)] == ["Un sujet qui cite"]
    assert citing_topics(other, user=alice) == []
    page = client_for(alice).get(cited.get_absolute_url()).content.decode()
    assert "Un sujet qui cite" in page and "Sujet masqué" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["rita", "oscar", "paula"])
def test_staff_and_managers_see_no_forum_topic_on_an_action_page(request, client_for, bob, persona):
    category_model = apps.get_model("forum", "Category")
    topic_model = apps.get_model("forum", "Topic")
    post_model = apps.get_model("forum", "Post")
    action = ResourceFactory(kind=Kind.ACTION, title="Action régionale citée")
    category = category_model.objects.create(name="Échanges", slug="echanges")
    topic = topic_model.objects.create(category=category, title="Un sujet qui cite l'action",
                                       author=bob.member)
    post_model.objects.create(topic=topic, number=1, author=bob.member, body_html="",
                              body=f"Voir /ressources/{action.pk}/")
    user = request.getfixturevalue(persona)
    assert citing_topics(action, user=user) == []
    page = client_for(user).get(action.get_absolute_url()).content.decode()
    assert "Cité dans le forum" not in page and "Un sujet qui cite" not in page
