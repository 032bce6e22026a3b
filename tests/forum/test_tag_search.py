"""A member searching the forum finds a topic by its tags, accents and capitals folded: the
topic tagged #posture #éthique answers « posture », « ethique », « ÉTHIQUE »."""

from __future__ import annotations

import pytest
from django.urls import reverse

from forum.models import Category, CategoryAccess

TITLE = "Quand la personne accompagnée se confie"


@pytest.fixture
def tagged(alice, practices, write):
    # Neither word is in the title or the text: only the tags carry them.
    return write(alice, practices, title=TITLE, body="Jusqu'où aller dans l'entretien ?",
                 tags=["posture", "éthique"])


def found(client, **params) -> bool:
    response = client.get(reverse("forum:search"), params)
    assert response.status_code == 200
    return TITLE in response.content.decode()


@pytest.mark.parametrize("q", ["posture", "ethique", "éthique", "ÉTHIQUE", "Posture éthique", "#ethique"])
def test_a_topic_is_found_by_the_words_of_its_tags(client_for, bob, tagged, q):
    assert found(client_for(bob), q=q)


def test_the_words_of_a_query_must_all_be_there(client_for, bob, tagged):
    client = client_for(bob)

    assert not found(client, q="posture financement")  # neither its text nor its tags say it
    assert found(client, q="posture entretien")  # one in its tags, one in its text
    assert not found(client, q="ethique -posture")


def test_the_tag_filter_folds_accents_and_capitals(client_for, bob, tagged):
    client = client_for(bob)

    for tag in ("ethique", "Éthique", "ETHIQUE", "#éthique", "posture"):
        assert found(client, q="entretien", tag=tag), tag
    assert not found(client, q="entretien", tag="éthiques")


def test_a_tagged_topic_comes_before_the_posts_that_only_say_the_word(client_for, bob, tagged, practices,
                                                                       write):
    for n in range(3):
        write(bob, practices, title=f"Ma posture de conseiller n°{n}", body="La posture compte.")

    page = client_for(bob).get(reverse("forum:search"), {"q": "posture"}).content.decode()

    assert page.index(TITLE) < page.index("Ma posture de conseiller")


def test_a_working_groups_tagged_topic_stays_out_of_the_public_search(client_for, alice, bob, write):
    group = Category.objects.create(slug="groupe", name="Groupe éthique", members_only=True)
    CategoryAccess.objects.create(category=group, member=alice.member)
    write(alice, group, title="Notre charte du groupe", body="Un brouillon.", tags=["éthique"])

    assert "Notre charte du groupe" not in client_for(bob).get(
        reverse("forum:search"), {"q": "ethique"}).content.decode()


def test_searching_the_tags_costs_no_query_more(client_for, bob, tagged, practices, write):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    write(bob, practices, title="Le financement de la formation", body="Le compte personnel.")
    client = client_for(bob)
    client.get(reverse("forum:index"))  # warms the session

    counts = []
    for q in ("ethique", "financement"):  # found by its tags; by its text only
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("forum:search"), {"q": q}).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
