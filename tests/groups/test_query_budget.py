"""A group's page (its discussion's topic list, its latest files) and the forum's topic list of
its discussion run the same number of queries, at most ``BUDGET``, whatever the number of
topics, posts, members and files.

The budget counts everything a request does: session, user, roles, member, the group's
membership, the extras shown with the group (its coming meetings), plus the topic list.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum import services as forum_services
from groups import services
from tests import factories

pytestmark = pytest.mark.django_db

BUDGET = 10


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def grow(group, people, *, topics: int, files: int) -> None:
    """``topics`` more topics of two posts each and ``files`` more shared files, by ``people``."""
    start = group.category.topics.count()
    for t in range(start, start + topics):
        author, replier = people[t % len(people)], people[(t + 1) % len(people)]
        topic = forum_services.create_topic(actor=author.member, category=group.category,
                                            title=f"Trame d'atelier numéro {t}", body="Premier message.",
                                            tags=["ateliers", f"tag{t % 3}"], rate_limit=False)
        forum_services.create_post(actor=replier.member, topic=topic,
                                   body=f"Réponse avec @[{author.member.pseudonym}]", rate_limit=False)
    for f in range(files):
        services.upload_file(actor=people[f % len(people)].member, group=group, title=f"Compte rendu {f}",
                             uploaded=SimpleUploadedFile("notes.txt", b"compte rendu", "text/plain"))


def queries_for(client, url) -> tuple[int, str]:
    client.get(url)  # warms the session and the shared caches of the list: the next is a reader's
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.text


@pytest.mark.parametrize("page", ["groups:detail", "forum:category"])
def test_a_group_s_page_and_its_discussion_run_a_constant_number_of_queries(
        client_for, alice, make_group, page):
    people = [factories.make_member() for _ in range(2)]
    group = make_group(alice, members=people)
    url = (reverse("groups:detail", args=[group.slug]) if page == "groups:detail"
           else reverse("forum:category", args=[group.category.slug]))
    client = client_for(alice)
    grow(group, [alice, *people], topics=3, files=1)
    small, text = queries_for(client, url)
    assert text.count('class="topic-row') == 3

    people += [factories.make_member() for _ in range(6)]
    for person in people[2:]:
        services.join(actor=person.member, group=group)
    grow(group, [alice, *people], topics=37, files=7)
    large, text = queries_for(client, url)

    assert text.count('class="topic-row') == 30  # a full page of the 40 topics
    assert large == small
    assert large <= BUDGET
