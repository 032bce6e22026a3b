"""The topic list and a 50-post topic page run a fixed number of queries, whatever the data size.

The budget counts everything a request does: session, user, roles, member and
the session tracking of allauth, plus the forum's own queries.
"""

import pytest
from django.urls import reverse

from forum import services
from tests import factories

BUDGET = 10


def fill(category, *, topics: int, posts_per_topic: int, authors: int):
    people = [factories.make_member().member for _ in range(authors)]
    made = []
    for t in range(topics):
        topic = services.create_topic(actor=people[t % authors], category=category,
                                      title=f"Sujet numéro {t} sur l'orientation",
                                      body="Premier message.", tags=["vae", f"tag{t % 3}"],
                                      rate_limit=False)
        for p in range(posts_per_topic - 1):
            services.create_post(actor=people[(t + p + 1) % authors], topic=topic,
                                 body=f"Réponse {p} avec @[{people[p % authors].pseudonym}]",
                                 rate_limit=False)
        made.append(topic)
    return made


@pytest.mark.parametrize("topics,authors", [(3, 2), (40, 8)])
def test_the_topic_list_has_a_flat_query_budget(client_for, alice, practices, topics, authors,
                                               django_assert_max_num_queries):
    fill(practices, topics=topics, posts_per_topic=2, authors=authors)
    client = client_for(alice)
    client.get(reverse("forum:index"))  # warms the session cache and the unread count

    with django_assert_max_num_queries(BUDGET):
        response = client.get(reverse("forum:category", args=[practices.slug]))
    assert response.status_code == 200
    assert response.text.count('class="topic-row') == min(topics, 30)

    with django_assert_max_num_queries(BUDGET):
        assert client.get(reverse("forum:index")).status_code == 200


@pytest.mark.parametrize("posts,authors", [(5, 2), (50, 12)])
def test_a_topic_page_has_a_flat_query_budget(client_for, alice, practices, posts, authors,
                                             django_assert_max_num_queries):
    topic = fill(practices, topics=1, posts_per_topic=posts, authors=authors)[0]
    client = client_for(alice)
    client.get(reverse("forum:index"))

    with django_assert_max_num_queries(BUDGET):
        response = client.get(reverse("forum:topic", args=[topic.pk]) + "?page=1")
    assert response.status_code == 200
    assert response.text.count('<article class="post') == posts


@pytest.mark.parametrize("topics,authors", [(3, 2), (40, 8)])
def test_a_search_with_every_filter_has_a_flat_query_budget(client_for, alice, practices, topics, authors,
                                                            django_assert_max_num_queries):
    fill(practices, topics=topics, posts_per_topic=3, authors=authors)
    client = client_for(alice)
    client.get(reverse("forum:index"))
    author = practices.topics.order_by("pk").first().author.pseudonym

    with django_assert_max_num_queries(BUDGET):
        response = client.get(reverse("forum:search"), {
            "q": "orientation", "category": practices.pk, "tag": "vae", "author": author,
            "since": "2020-01-01", "until": "2099-12-31",
        })
    assert response.status_code == 200
    assert response.text.count('<li class="card">') == len(
        [t for t in practices.topics.all() if t.author.pseudonym == author])  # their first posts
