"""A resource's page lists the forum topics whose posts link to it, from the citations the forum
writes with each post (never by reading every post's text)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum import services
from forum.models import ResourceCitation
from resources.models import Kind, Status
from tests.resources.factories import ResourceFactory

CITED_IN = "Cité dans le forum"


def page_of(client, resource) -> str:
    response = client.get(resource.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_post_that_links_to_a_resource_lists_its_topic_on_the_resource_page(
        client_for, alice, bob, practices, write, reply):
    cited, other = ResourceFactory(title="Ressource citée"), ResourceFactory(title="Ressource voisine")
    write(bob, practices, title="Une fiche citée par lien",
          body=f"Voir [la fiche](/ressources/{cited.pk}/) !")
    topic = write(bob, practices, title="Un sujet qui cite en entier")
    reply(bob, topic, body=f"[à 0:30]({settings.SITE_URL}/ressources/{cited.pk}/a/30/)")
    write(bob, practices, title="Un sujet d'un autre site",
          body=f"[ailleurs](https://exemple.org/ressources/{other.pk}/)")
    client = client_for(alice)

    page = page_of(client, cited)
    assert CITED_IN in page
    assert "Une fiche citée par lien" in page and "Un sujet qui cite en entier" in page
    assert "Un sujet d&#x27;un autre site" not in page
    assert CITED_IN not in page_of(client, other)


def test_an_edit_or_a_hidden_post_takes_the_topic_off_the_resource_page(
        client_for, alice, bob, mod, practices, write):
    cited = ResourceFactory(title="Ressource citée")
    edited = write(bob, practices, title="Un sujet corrigé", body=f"[la fiche](/ressources/{cited.pk}/)")
    hidden = write(bob, practices, title="Un sujet masqué", body=f"[fiche](/ressources/{cited.pk}/)")
    client = client_for(alice)
    assert "Un sujet corrigé" in page_of(client, cited) and "Un sujet masqué" in page_of(client, cited)

    services.edit_post(post=edited.posts.get(number=1), body="Finalement, rien à citer.")
    services.hide_post(actor=mod.member, post=hidden.posts.get(number=1), reason="hors sujet")

    page = page_of(client, cited)
    assert "Un sujet corrigé" not in page and "Un sujet masqué" not in page
    assert not ResourceCitation.objects.filter(post__topic=edited).exists()

    services.edit_post(post=edited.posts.get(number=1), body=f"Si : [la fiche](/ressources/{cited.pk}/).")
    assert "Un sujet corrigé" in page_of(client, cited)


def test_a_link_to_a_resource_that_does_not_exist_is_no_citation(bob, practices, write):
    topic = write(bob, practices, body="[une fiche disparue](/ressources/999999/)")
    assert not ResourceCitation.objects.filter(post__topic=topic).exists()


@pytest.mark.parametrize("persona", ["rita", "oscar", "paula"])
def test_staff_and_managers_see_no_forum_topic_on_an_action_page(request, client_for, bob, practices,
                                                                 write, persona):
    action = ResourceFactory(kind=Kind.ACTION, title="Action régionale citée")
    write(bob, practices, title="Un sujet qui cite l'action",
          body=f"Voir [l'action](/ressources/{action.pk}/)")
    assert ResourceCitation.objects.filter(resource=action).exists()
    # Operator and platform managers may not open it at all; Carif-Oref staff see it without the forum.
    page = client_for(request.getfixturevalue(persona)).get(action.get_absolute_url()).content.decode()
    assert CITED_IN not in page and "Un sujet qui cite" not in page


def test_the_resource_page_reads_the_citations_in_one_query(client_for, alice, bob, practices, write):
    cited = ResourceFactory(title="Ressource citée")
    for n in range(3):
        write(bob, practices, title=f"Sujet {n}", body=f"[fiche](/ressources/{cited.pk}/)")
    client = client_for(alice)
    page_of(client, cited)
    with CaptureQueriesContext(connection) as queries:
        page_of(client, cited)
    forum_reads = [q["sql"] for q in queries.captured_queries if "forum_" in q["sql"]]
    assert len(forum_reads) == 1 and "forum_resourcecitation" in forum_reads[0]
    assert not any("LIKE" in q["sql"] and "body" in q["sql"] for q in queries.captured_queries)


def test_an_address_pasted_alone_in_a_post_becomes_the_card_of_the_resource(
        client_for, alice, bob, practices, write):
    """« Partager à ce moment » copies an absolute address: pasted alone, as members do, it is
    the resource's card, titled by the library, at its moment; a bare path too."""
    video = ResourceFactory(title="Un entretien filmé", kind=Kind.VIDEO)
    guide = ResourceFactory(title="Le guide du premier entretien")
    topic = write(bob, practices, title="À voir",
                  body=f"Regardez :\n\n{settings.SITE_URL}/ressources/{video.pk}/a/95/\n\n"
                       f"/ressources/{guide.pk}/\n\net https://exemple.org/page pour finir.")

    html = topic.posts.get().body_html
    assert (f'<a class="resource-card" href="/ressources/{video.pk}/a/95/">' in html
            and "Un entretien filmé" in html and "à 1:35" in html)
    assert f'<a class="resource-card" href="/ressources/{guide.pk}/">' in html
    assert "Le guide du premier entretien" in html
    # Any other address is an ordinary link, never a card.
    assert '<a href="https://exemple.org/page" rel="nofollow noopener noreferrer ugc">' in html
    page = client_for(alice).get(topic.get_absolute_url() + "?page=1").content.decode()
    assert "Le guide du premier entretien" in page
    assert {c.resource_id for c in ResourceCitation.objects.filter(post__topic=topic)} == {video.pk, guide.pk}


def test_a_link_to_a_resource_the_library_has_not_published_stays_a_plain_link(bob, practices, write):
    """A card would show a proposal's title to every reader: an unpublished one gets none."""
    proposal = ResourceFactory(title="Une proposition en attente", status=Status.PROPOSED)

    html = write(bob, practices, title="Un lien vers une proposition",
                 body=f"{settings.SITE_URL}/ressources/{proposal.pk}/").posts.get().body_html

    assert "resource-card" not in html and "Une proposition en attente" not in html
    assert f'href="{settings.SITE_URL}/ressources/{proposal.pk}/"' in html
