"""A privacy sweep: real identities never show, hidden posts show only to their author and moderators."""

import pytest
from django.urls import reverse

from forum import services


@pytest.fixture
def hidden(alice, bob, mod, practices, write, reply):
    topic = write(alice, practices, title="Posture et neutralité du conseil", tags=["posture"])
    post = reply(bob, topic, "Un message masqué : confidentialitéxyz.")
    services.hide_post(actor=mod.member, post=post, reason="Hors charte")
    return topic


def pages(topic, author):
    return [
        reverse("forum:index"),
        reverse("forum:category", args=[topic.category.slug]),
        reverse("forum:tag", args=["posture"]),
        reverse("forum:topic", args=[topic.pk]) + "?page=1",
        reverse("forum:search") + "?q=confidentialitexyz",
        reverse("forum:member", args=[author.member.public_id]),
        reverse("forum:notifications"),
    ]


def test_a_hidden_post_appears_nowhere_for_other_members(client_for, hidden, alice, bob, expert):
    for user in (alice, expert):
        client = client_for(user)
        for url in pages(hidden, bob):
            assert "confidentialitéxyz" not in client.get(url).text, (user, url)


def test_its_author_and_moderators_still_see_it_in_the_topic(client_for, hidden, bob, mod):
    url = reverse("forum:topic", args=[hidden.pk]) + "?page=1"

    assert "confidentialitéxyz" in client_for(bob).get(url).text
    assert "confidentialitéxyz" in client_for(mod).get(url).text


def test_no_forum_page_shows_a_real_name_or_email(client_for, hidden, alice, bob):
    client = client_for(bob)
    for url in pages(hidden, alice):
        text = client.get(url).text
        for secret in (alice.first_name, alice.last_name, alice.email, bob.email):
            assert secret not in text, (url, secret)
