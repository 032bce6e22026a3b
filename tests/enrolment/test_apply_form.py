"""The application form says each region's phase, and keeps what was typed when it refuses."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comcep.models import Region
from enrolment.models import Application
from tests import factories
from tests.forms import application_form as form_data

pytestmark = pytest.mark.django_db

APPLY = reverse("enrolment:apply")


def test_each_region_is_shown_with_its_phase_before_sending(visitor, reference_data):
    Region.objects.filter(code="52").update(phase="open")
    Region.objects.filter(code="53").update(phase="pilot")

    page = visitor.get(APPLY)

    assert "Pays de la Loire — ouverte" in page.text
    assert "Bretagne — pilote (sur invitation)" in page.text
    assert "— fermée (liste d&#x27;attente)" in page.text


@pytest.mark.parametrize("refusal", ["pilot_without_invitation", "operator_not_in_region",
                                     "passwords_differ", "charter_unticked"])
def test_a_refused_form_keeps_everything_typed_but_the_password(visitor, reference_data, refusal):
    Region.objects.filter(code="53").update(phase="pilot")
    data = form_data(first_name="Mathilde", last_name="Ségur", structure_name="Agence de Vannes",
                     job_title="Conseillère en évolution professionnelle",
                     email="mathilde.segur@apec.fr")
    if refusal == "pilot_without_invitation":
        data["region"] = factories.region("53").pk
    elif refusal == "operator_not_in_region":
        factories.operator("apec").regions.set([factories.region("52")])
        data["region"] = factories.region("84").pk
    elif refusal == "passwords_differ":
        data["password2"] = "un-autre-mot-de-passe"
    else:
        del data["charter"]

    page = visitor.post(APPLY, data)

    assert page.status_code == 200 and not Application.objects.exists()
    for typed in ("Mathilde", "Ségur", "Agence de Vannes",
                  "Conseillère en évolution professionnelle", "mathilde.segur@apec.fr"):
        assert f'value="{typed}"' in page.text, typed
    assert f'<option value="{data["region"]}" selected>' in page.text
    assert "un-mot-de-passe-solide" not in page.text
    assert "sauf le mot de passe" in page.text
