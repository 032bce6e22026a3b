"""Comparing two versions of a legal text, word by word, and who may not."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from resources.models import Kind, LegalVersion, VersionStatus
from resources.services import DiffPart, compare_versions
from tests.resources.factories import ResourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def legal_text(reference_data):
    return ResourceFactory(kind=Kind.LEGAL, title="La démission-reconversion",
                           legal_reference="article L5422-1 du Code du travail")


@pytest.fixture
def versions(legal_text):
    old = LegalVersion.objects.create(
        resource=legal_text, effective_on=date(2019, 11, 1), status=VersionStatus.REPEALED,
        change_summary="Création du dispositif.",
        text="Le salarié justifie de cinq années d'activité continue avant sa démission.")
    new = LegalVersion.objects.create(
        resource=legal_text, effective_on=date(2025, 1, 1), status=VersionStatus.IN_FORCE,
        change_summary="Le projet est validé par la commission.",
        text="Le salarié justifie de cinq années d'activité salariée avant sa démission.")
    return old, new


def compare_url(text, old, new):
    return reverse("resources:compare_versions", args=[text.pk]) + f"?de={old.pk}&a={new.pk}"


def test_the_words_removed_and_added_are_marked(versions):
    old, new = versions
    assert compare_versions(old, new) == [
        DiffPart("same", "Le salarié justifie de cinq années d'activité"),
        DiffPart("del", "continue"),
        DiffPart("ins", "salariée"),
        DiffPart("same", "avant sa démission."),
    ]


def test_a_member_reads_what_changed_in_either_order(client_for, alice, legal_text, versions):
    old, new = versions
    for url in (compare_url(legal_text, old, new), compare_url(legal_text, new, old)):
        page = client_for(alice).get(url).content.decode()
        assert "Ce qui a changé dans le texte" in page
        assert "De la version du 1 novembre 2019 à celle du 1 janvier 2025." in page
        assert "<del>" in page and "continue" in page.split("<del>")[1].split("</del>")[0]
        assert "salariée" in page.split("<ins>")[1].split("</ins>")[0]


def test_the_text_page_offers_the_comparison(client_for, alice, legal_text, versions):
    page = client_for(alice).get(reverse("resources:detail", args=[legal_text.pk])).content.decode()
    assert "Comparer deux versions" in page
    assert reverse("resources:compare_versions", args=[legal_text.pk]) in page


def test_versions_read_only_by_their_official_link_say_so(client_for, alice, legal_text):
    old = LegalVersion.objects.create(resource=legal_text, effective_on=date(2020, 1, 1),
                                      change_summary="Première.", official_url="https://www.legifrance.gouv.fr/a")
    new = LegalVersion.objects.create(resource=legal_text, effective_on=date(2021, 1, 1),
                                      change_summary="Seconde.", official_url="https://www.legifrance.gouv.fr/b")
    response = client_for(alice).get(compare_url(legal_text, old, new))
    assert response.status_code == 200
    assert "lisez-les sur leur lien officiel" in response.content.decode()


def test_a_visitor_is_not_shown_the_comparison(visitor, legal_text, versions):
    response = visitor.get(compare_url(legal_text, *versions))
    assert response.status_code in (302, 403, 404)
    assert "activité".encode() not in response.content


def test_an_operator_manager_who_cannot_see_the_library_is_refused(client_for, oscar, legal_text, versions):
    response = client_for(oscar).get(compare_url(legal_text, *versions))
    assert response.status_code in (302, 403, 404)
    assert "activité".encode() not in response.content


def test_versions_of_another_text_or_unknown_ids_are_a_404(client_for, alice, legal_text, versions):
    old, new = versions
    other = ResourceFactory(kind=Kind.LEGAL, title="Autre texte")
    foreign = LegalVersion.objects.create(resource=other, effective_on=date(2024, 1, 1),
                                          change_summary="Ailleurs.", text="Un tout autre texte.")
    client = client_for(alice)
    url = reverse("resources:compare_versions", args=[legal_text.pk])
    assert client.get(f"{url}?de={old.pk}&a={foreign.pk}").status_code == 404
    assert client.get(f"{url}?de={old.pk}&a=999999").status_code == 404
    assert client.get(f"{url}?de=abc&a={new.pk}").status_code == 404
    assert client.get(url).status_code == 404


def test_a_proposal_nobody_may_see_is_a_404(client_for, bob, alice, legal_text, versions):
    from resources.models import Status

    legal_text.status = Status.PROPOSED
    legal_text.proposed_by = alice
    legal_text.save()
    assert client_for(bob).get(compare_url(legal_text, *versions)).status_code == 404
