"""A legal text's versions and its official link, as a member reads them."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from resources.models import Kind, LegalVersion, VersionStatus
from tests.resources.factories import ResourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def legal_text(reference_data):
    return ResourceFactory(kind=Kind.LEGAL, title="Le projet de transition professionnelle",
                           legal_reference="article L6323-17-1 du Code du travail",
                           url="https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000037385634")


def test_a_member_sees_the_official_link_and_every_version(client, alice, legal_text):
    LegalVersion.objects.create(resource=legal_text, effective_on=date(2019, 1, 1),
                                change_summary="Le PTP remplace le CIF.", status=VersionStatus.REPEALED,
                                text="Ancienne rédaction.")
    LegalVersion.objects.create(resource=legal_text, effective_on=date(2027, 1, 1),
                                change_summary="Ancienneté requise abaissée.", status=VersionStatus.UPCOMING,
                                official_url="https://www.legifrance.gouv.fr/jorf/id/JORFTEXT0001")
    client.force_login(alice)
    page = client.get(reverse("resources:detail", args=[legal_text.pk])).content.decode()
    assert legal_text.url in page
    assert "Le PTP remplace le CIF." in page and "abrogée" in page
    assert page.index("Ancienneté requise abaissée.") < page.index("Le PTP remplace le CIF.")
    assert "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT0001" in page


def test_a_version_without_text_nor_link_is_refused(legal_text):
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalVersion.objects.create(resource=legal_text, effective_on=date(2026, 1, 1),
                                    change_summary="Rien à lire.")


def test_a_visitor_cannot_read_the_versions(visitor, legal_text):
    response = visitor.get(reverse("resources:detail", args=[legal_text.pk]))
    assert response.status_code in (302, 403, 404)
    assert b"Versions du texte" not in response.content
