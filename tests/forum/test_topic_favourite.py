"""A topic page has one favourite button for the topic: the private space's, the same as on a
post's or a resource's page; the posts' own favourites lead to each post's page."""

from __future__ import annotations

import re

from django.urls import reverse

from privatespace import services as private_services


def topic_page(client, topic) -> str:
    return client.get(f"{topic.get_absolute_url()}?page=1").content.decode()


def favourite_forms(page: str) -> list[str]:
    actions = f"{reverse('privatespace:add_favourite')}|{reverse('privatespace:favourites')}\\d+/retirer/"
    return re.findall(rf'<form method="post" action="(?:{actions})".*?</form>', page, re.S)


def test_a_topic_page_has_one_favourite_button_and_it_saves_the_topic(client_for, alice, bob, practices,
                                                                        write, reply):
    topic = write(bob, practices, title="Financer une VAE")
    replies = [reply(bob, topic, "Le projet de transition."), reply(bob, topic, "Le CPF.")]
    client = client_for(alice)

    page = topic_page(client, topic)

    [button] = favourite_forms(page)
    assert "Ajouter à mes favoris" in button
    token = re.search(r'name="token" value="([^"]+)"', button)[1]
    assert private_services.object_from_token(alice, token) == topic
    for post in replies:  # a post is saved from its own page, which shows the same button
        assert f'href="{reverse("forum:post_favourite", args=[post.pk])}"' in page
        post_page = client.get(reverse("forum:post_favourite", args=[post.pk])).content.decode()
        assert len(favourite_forms(post_page)) == 1


def test_a_saved_topic_shows_one_pressed_button_with_its_note_link_beside_it(client_for, alice, bob,
                                                                               practices, write):
    topic = write(bob, practices, title="Financer une VAE")
    client = client_for(alice)
    token = re.search(r'name="token" value="([^"]+)"', topic_page(client, topic))[1]
    client.post(reverse("privatespace:add_favourite"), {"token": token})

    [button] = favourite_forms(topic_page(client, topic))

    assert 'aria-pressed="true"' in button and "Dans mes favoris" in button
    assert "Note et collection" in button  # on the button's line, whatever styles the page loads
