"""A topic or a reply sent twice (double click, resent request) is published once."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from comcep.models import SubmissionToken
from forum.models import Post, Topic
from tests.forms import token_in

REFUSED = "Ce formulaire a déjà servi"



@pytest.fixture
def topic(alice, practices, write):
    return write(alice, practices, title="Le bilan de compétences")


def test_each_reply_form_carries_a_fresh_token(client_for, bob, topic):
    client = client_for(bob)
    topic_page = reverse("forum:topic", args=[topic.pk]) + "?page=1"
    reply_page = reverse("forum:reply", args=[topic.pk])

    tokens = {token_in(client.get(topic_page)), token_in(client.get(topic_page)),
              token_in(client.get(reply_page)), token_in(client.get(reply_page))}

    assert len(tokens) == 4


def test_the_same_reply_sent_twice_is_published_once(client_for, bob, topic):
    client = client_for(bob)
    token = token_in(client.get(reverse("forum:topic", args=[topic.pk]) + "?page=1"))
    data = {"body": "Je réponds une seule fois.", "submission_token": token}

    first = client.post(reverse("forum:reply", args=[topic.pk]), data)
    second = client.post(reverse("forum:reply", args=[topic.pk]), data)

    post = Post.objects.get(topic=topic, author=bob.member)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("forum:post", args=[post.pk])
    topic.refresh_from_db()
    assert topic.post_count == 2


def test_the_same_topic_sent_twice_is_opened_once(client_for, alice, practices):
    client = client_for(alice)
    url = reverse("forum:topic_new", args=[practices.slug])
    data = {"title": "Articuler bilan et CEP", "kind": "discussion", "tags": "bilan",
            "body": "Comment faites-vous ?", "submission_token": token_in(client.get(url))}

    first = client.post(url, data)
    second = client.post(url, data)

    topic = Topic.objects.get()
    assert first["Location"] == second["Location"] == reverse("forum:topic", args=[topic.pk])
    assert second.status_code == 302
    practices.refresh_from_db()
    assert (practices.topic_count, practices.post_count) == (1, 1)
    # The replay lands where the first did, with the same confirmation and no error.
    page = client.get(second["Location"], follow=True).content.decode()
    assert "Votre sujet est publié." in page and REFUSED not in page


def _post_at_the_same_moment(clients, url, data) -> list:
    barrier = threading.Barrier(len(clients))
    responses = [None] * len(clients)

    def send(index, client):
        barrier.wait()
        try:
            responses[index] = client.post(url, data)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return responses


@pytest.mark.django_db(transaction=True)
def test_two_identical_replies_sent_at_the_same_moment_make_one_post(client_for, bob, topic):
    clients = [client_for(bob) for _ in range(4)]
    token = token_in(clients[0].get(reverse("forum:reply", args=[topic.pk])))

    responses = _post_at_the_same_moment(
        clients, reverse("forum:reply", args=[topic.pk]),
        {"body": "Envoyé quatre fois à la fois.", "submission_token": token})

    post = Post.objects.get(topic=topic, author=bob.member)
    assert [r.status_code for r in responses] == [302] * 4
    assert {r["Location"] for r in responses} == {reverse("forum:post", args=[post.pk])}
    topic.refresh_from_db()
    assert topic.post_count == 2


@pytest.mark.django_db(transaction=True)
def test_two_identical_topics_sent_at_the_same_moment_open_one(client_for, alice, practices):
    clients = [client_for(alice) for _ in range(3)]
    url = reverse("forum:topic_new", args=[practices.slug])
    token = token_in(clients[0].get(url))

    responses = _post_at_the_same_moment(clients, url, {
        "title": "Un sujet envoyé trois fois", "kind": "discussion", "body": "Bonjour.",
        "submission_token": token})

    topic = Topic.objects.get()
    assert {r["Location"] for r in responses} == {reverse("forum:topic", args=[topic.pk])}
    practices.refresh_from_db()
    assert practices.topic_count == 1


def test_a_token_replayed_by_another_member_is_refused_and_creates_nothing(client_for, alice, bob,
                                                                             topic):
    token = token_in(client_for(bob).get(reverse("forum:reply", args=[topic.pk])))
    client_for(bob).post(reverse("forum:reply", args=[topic.pk]),
                         {"body": "Ma réponse.", "submission_token": token})

    response = client_for(alice).post(reverse("forum:reply", args=[topic.pk]),
                                      {"body": "Ce que j'ai écrit.", "submission_token": token})

    page = response.content.decode()
    assert response.status_code == 200
    assert REFUSED in page
    assert "Ce que j&#x27;ai écrit." in page  # what she typed is kept
    assert reverse("forum:post", args=[Post.objects.get(author=bob.member).pk]) not in page
    assert not Post.objects.filter(author=alice.member).exclude(number=1).exists()
    # The form shown again carries a fresh token: sending it again publishes.
    again = client_for(alice).post(reverse("forum:reply", args=[topic.pk]),
                                   {"body": "Ce que j'ai écrit.", "submission_token": token_in(response)})
    assert again.status_code == 302
    assert Post.objects.filter(author=alice.member, body="Ce que j'ai écrit.").count() == 1


def test_a_token_of_topic_a_is_refused_on_topic_b(client_for, alice, bob, practices, write, topic):
    other = write(alice, practices, title="Un autre sujet")
    client = client_for(bob)
    token = token_in(client.get(reverse("forum:reply", args=[topic.pk])))
    client.post(reverse("forum:reply", args=[topic.pk]), {"body": "Sur A.", "submission_token": token})

    response = client.post(reverse("forum:reply", args=[other.pk]),
                           {"body": "Sur B.", "submission_token": token})

    assert response.status_code == 200
    assert REFUSED in response.content.decode() and "Sur B." in response.content.decode()
    other.refresh_from_db()
    assert other.post_count == 1
    assert not Post.objects.filter(topic=other, author=bob.member).exists()


def test_a_reply_token_is_refused_for_a_new_topic(client_for, bob, practices, topic):
    client = client_for(bob)
    token = token_in(client.get(reverse("forum:reply", args=[topic.pk])))
    client.post(reverse("forum:reply", args=[topic.pk]), {"body": "Réponse.", "submission_token": token})

    response = client.post(reverse("forum:topic_new", args=[practices.slug]), {
        "title": "Un nouveau sujet", "kind": "discussion", "body": "Bonjour.", "submission_token": token})

    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert Topic.objects.count() == 1


def test_a_stale_token_with_a_new_text_is_refused_rather_than_lost(client_for, bob, topic):
    """The back button shows a form already sent: what is typed there must not vanish."""
    client = client_for(bob)
    token = token_in(client.get(reverse("forum:reply", args=[topic.pk])))
    client.post(reverse("forum:reply", args=[topic.pk]), {"body": "Premier.", "submission_token": token})

    response = client.post(reverse("forum:reply", args=[topic.pk]),
                           {"body": "Un second message, différent.", "submission_token": token})

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert "Un second message, différent." in response.content.decode()
    assert Post.objects.filter(author=bob.member).count() == 1


def test_a_form_without_token_still_publishes(client_for, bob, topic):
    """An old form (opened before tokens) or a script without the field is a normal submission."""
    client = client_for(bob)

    response = client.post(reverse("forum:reply", args=[topic.pk]), {"body": "Sans jeton."})

    assert response.status_code == 302
    assert Post.objects.filter(author=bob.member, body="Sans jeton.").count() == 1
    assert not SubmissionToken.objects.exists()


def test_a_post_refused_by_the_rate_limit_frees_its_token(client_for, bob, topic, reply):
    from datetime import timedelta

    from django.utils import timezone

    from forum.services import NEW_MEMBER_POSTS

    for n in range(NEW_MEMBER_POSTS):
        reply(bob, topic, f"Message {n}.")
    client = client_for(bob)
    token = token_in(client.get(reverse("forum:reply", args=[topic.pk])))
    data = {"body": "Encore un.", "submission_token": token}

    limited = client.post(reverse("forum:reply", args=[topic.pk]), data)
    assert limited.status_code == 200 and token_in(limited) == token
    assert not SubmissionToken.objects.exists()

    # An hour later the same form, sent again, publishes: the refusal did not keep the token.
    Post.objects.filter(author=bob.member).update(created_at=timezone.now() - timedelta(hours=2))
    again = client.post(reverse("forum:reply", args=[topic.pk]), data)
    assert again.status_code == 302
    assert Post.objects.filter(author=bob.member, body="Encore un.").count() == 1
