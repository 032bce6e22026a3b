"""A member searching the library finds a resource by its tags, accents and capitals folded:
the resource tagged #posture #éthique answers « posture », « ethique », « ÉTHIQUE »."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resources import services
from resources.models import Kind, Resource

TITLE = "Se confier en entretien"


@pytest.fixture
def tagged(mod):
    resource = Resource(kind=Kind.DOCUMENT, title=TITLE, summary="Jusqu'où aller avec la personne ?")
    return services.propose_resource(resource, actor=mod, tags=["posture", "éthique"])  # published


def found(client, **params) -> bool:
    response = client.get(reverse("resources:list"), params)
    assert response.status_code == 200
    return TITLE in response.content.decode()


@pytest.mark.parametrize("q", ["posture", "ethique", "ÉTHIQUE", "posture ethique"])
def test_a_resource_is_found_by_the_words_of_its_tags(client_for, alice, tagged, q):
    assert found(client_for(alice), q=q)


@pytest.mark.parametrize("tag", ["ethique", "Éthique", "ETHIQUE", "posture", "POSTURE"])
def test_the_tag_filter_folds_accents_and_capitals(client_for, alice, tagged, tag):
    assert found(client_for(alice), tag=tag)


def test_the_tag_filter_still_tells_tags_apart(client_for, alice, tagged):
    assert not found(client_for(alice), tag="éthiques")
    assert not found(client_for(alice), tag="post")
