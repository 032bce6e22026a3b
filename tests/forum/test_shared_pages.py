"""Topic pages and topic lists are shared between readers (forum.pages): what one reader
loaded first never hides a later change from another, and never carries one reader's
rights or state to another."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comcep import roles
from comcep.roles import Role
from forum import services
from forum.models import TopicKind


def page(client, topic) -> str:
    response = client.get(reverse("forum:topic", args=[topic.pk]) + "?page=1")
    assert response.status_code == 200
    return response.text


def category_page(client, category) -> str:
    response = client.get(reverse("forum:category", args=[category.slug]))
    assert response.status_code == 200
    return response.text


def test_a_warm_topic_page_shows_every_later_change(client_for, alice, bob, mod, practices, write, reply):
    topic = write(alice, practices, kind=TopicKind.QUESTION, body="Question de départ.")
    answer = reply(alice, topic, "Première version.")
    bob_client = client_for(bob)
    assert "Première version." in page(bob_client, topic)

    reply(mod, topic, "Une réponse arrivée après.")
    assert "Une réponse arrivée après." in page(bob_client, topic)

    services.edit_post(post=answer, body="Version corrigée.")
    text = page(bob_client, topic)
    assert "Version corrigée." in text and "Première version." not in text

    services.thank_post(actor=mod.member, post=answer)
    assert "Merci · 1" in page(bob_client, topic)

    services.hide_post(actor=mod.member, post=answer, reason="Hors sujet")
    assert "Version corrigée." not in page(bob_client, topic)
    services.restore_post(actor=mod.member, post=answer)
    assert "Version corrigée." in page(bob_client, topic)


def test_the_accepted_answer_shows_on_a_warm_page_and_list(client_for, alice, bob, practices, write, reply):
    topic = write(alice, practices, kind=TopicKind.QUESTION)
    answer = reply(bob, topic, "La réponse.")
    bob_client = client_for(bob)
    assert "post-accepted" not in page(bob_client, topic)
    assert "résolue" not in category_page(bob_client, practices)

    services.accept_answer(actor=alice.member, topic=topic, post=answer)

    assert "post-accepted" in page(bob_client, topic)
    assert "résolue" in category_page(bob_client, practices)


def test_a_page_first_loaded_by_a_moderator_shows_nothing_hidden_to_a_member(client_for, alice, bob, mod,
                                                                             practices, write, reply):
    topic = write(bob, practices)
    hidden = reply(alice, topic, "Propos à masquer.")
    services.hide_post(actor=mod.member, post=hidden, reason="Nom de collègue cité")

    seen_by_moderator = page(client_for(mod), topic)
    assert "Propos à masquer." in seen_by_moderator and "Rétablir" in seen_by_moderator

    seen_by_member = page(client_for(bob), topic)
    assert "Propos à masquer." not in seen_by_member
    assert "Nom de collègue cité" not in seen_by_member
    assert "Rétablir" not in seen_by_member

    seen_by_author = page(client_for(alice), topic)
    assert "Propos à masquer." in seen_by_author and "Nom de collègue cité" in seen_by_author
    assert "Rétablir" not in seen_by_author


def test_one_readers_actions_and_thanks_never_reach_another(client_for, alice, bob, mod, practices, write,
                                                           reply):
    topic = write(mod, practices)
    post = reply(alice, topic, "Mon message.")
    services.thank_post(actor=bob.member, post=post)
    edit_url = reverse("forum:post_edit", args=[post.pk])

    seen_by_author = page(client_for(alice), topic)
    assert edit_url in seen_by_author

    seen_by_bob = page(client_for(bob), topic)
    assert edit_url not in seen_by_bob
    assert 'aria-pressed="true"' in seen_by_bob  # bob's own thanks, shown as given

    seen_by_moderator = page(client_for(mod), topic)
    assert edit_url not in seen_by_moderator
    assert 'aria-pressed="true"' not in seen_by_moderator


def test_badges_follow_role_changes_on_a_warm_page(client_for, alice, bob, practices, write):
    topic = write(alice, practices)
    bob_client = client_for(bob)
    assert "badge-expert" not in page(bob_client, topic)

    roles.grant_role(alice, Role.EXPERT, actor=None)
    assert "badge-expert" in page(bob_client, topic)

    roles.revoke_role(alice, Role.EXPERT, actor=None)
    assert "badge-expert" not in page(bob_client, topic)


def test_a_warm_topic_list_shows_new_topics_pins_and_locks(client_for, alice, bob, mod, practices, write):
    first = write(alice, practices, title="Premier sujet")
    bob_client = client_for(bob)
    assert "Premier sujet" in category_page(bob_client, practices)

    second = write(alice, practices, title="Second sujet")
    text = category_page(bob_client, practices)
    assert "Second sujet" in text and text.index("Second sujet") < text.index("Premier sujet")

    services.set_topic_state(actor=mod.member, topic=first, pinned=True, locked=True)
    text = category_page(bob_client, practices)
    assert text.index("Premier sujet") < text.index("Second sujet")
    assert "épinglé" in text and "verrouillé" in text
    assert second.pk


def test_read_marks_on_a_shared_list_are_each_readers_own(client_for, alice, bob, practices, write):
    topic = write(alice, practices, title="Un sujet à lire")
    bob_client = client_for(bob)
    assert '<span class="new">nouveau</span>' not in category_page(client_for(alice), practices)

    assert '<span class="new">nouveau</span>' in category_page(bob_client, practices)
    page(bob_client, topic)
    assert '<span class="new">nouveau</span>' not in category_page(bob_client, practices)


def test_each_language_gets_its_own_shared_page(client_for, alice, bob, practices, write, reply):
    topic = write(alice, practices)
    reply(bob, topic)
    assert "1 réponse" in category_page(client_for(alice), practices)

    bob_client = client_for(bob)
    bob_client.cookies["django_language"] = "en"
    english = category_page(bob_client, practices)

    assert "1 reply" in english and "réponse" not in english


@pytest.mark.django_db(transaction=True)
def test_opening_a_page_outside_any_transaction_marks_it_read(client_for, alice, bob, practices, write,
                                                               reply):
    from forum.models import TopicRead

    topic = write(alice, practices)
    reply(alice, topic)

    page(client_for(bob), topic)

    assert TopicRead.objects.get(member=bob.member, topic=topic).last_read_number == 2


def test_a_tag_renamed_in_the_admin_leaves_every_warm_topic_list(client_for, alice, bob, practices, write):
    from taggit.models import Tag

    write(alice, practices, title="Un sujet étiqueté", tags=["jeanne-dupont"])
    bob_client = client_for(bob)
    assert "#jeanne-dupont" in category_page(bob_client, practices)

    tag = Tag.objects.get(name="jeanne-dupont")
    tag.name, tag.slug = "collegue", "collegue"
    tag.save()
    assert "#jeanne-dupont" not in category_page(bob_client, practices)
    assert "#collegue" in category_page(bob_client, practices)

    tag.delete()
    assert "#collegue" not in category_page(bob_client, practices)


def test_the_header_counts_unread_notifications_on_topic_pages_and_lists(client_for, alice, bob, practices,
                                                                         write, reply):
    topic = write(alice, practices)
    alice_client = client_for(alice)
    assert 'class="count"' not in page(alice_client, topic)

    reply(bob, topic, "Une réponse qui notifie.")

    # The number is read as words inside the link, not as an aria-label on a span (ignored).
    unread = 'class="count" aria-hidden="true">1</span><span class="visually-hidden">(1 non lue)<'
    assert unread in page(alice_client, topic)
    assert unread in category_page(alice_client, practices)
