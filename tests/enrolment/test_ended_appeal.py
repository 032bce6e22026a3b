"""A member whose operator ended the membership appeals to the platform manager."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from comcep.models import ClosedAccount, OutboxMessage, User
from enrolment import services, transitions
from enrolment.models import Status
from tests.enrolment.factories import make_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended(reference_data, oscar):
    application = make_application(status=Status.ADMITTED, first_name="Élise", last_name="Morel",
                                   manager=oscar)
    transitions.end_membership(application, actor=oscar, category="left_operator",
                               text="Départ signalé par l'agence.")
    return application


def appeal_url(application):
    return reverse("enrolment:appeal", args=[services.appeal_token(application)])


def test_the_ending_email_carries_the_appeal_link(ended):
    email = OutboxMessage.objects.get(kind="enrolment_membership_ended", to_email=ended.email)

    # The link is signed with the second it was written at: read it back rather than sign again.
    token = re.search(r"/candidature/appel/([^/\s]+)/", email.body_text)[1]
    assert services.application_from_appeal_token(token) == ended


def test_the_former_member_appeals_through_the_link_once(visitor, ended, paula):
    page = visitor.get(appeal_url(ended))
    sent = visitor.post(appeal_url(ended), {"text": "Je suis toujours en poste à Nantes."})
    again = visitor.post(appeal_url(ended), {"text": "Encore."})

    assert "Faire appel de la fin de votre adhésion" in page.text
    assert "a quitté l&#x27;opérateur" in page.text
    assert "Départ signalé" not in page.text  # the operator's details are not the member's to read
    ended.refresh_from_db()
    assert sent.status_code == 200 and ended.status == Status.APPEALED
    assert again.status_code == 409
    assert OutboxMessage.objects.filter(kind="enrolment_new_appeal", to_email=paula.email).exists()


def test_overturning_it_reopens_the_account_under_the_same_pseudonym(visitor, ended, paula, oscar):
    visitor.post(appeal_url(ended), {"text": "Je suis toujours en poste."})
    ended.refresh_from_db()
    transitions.request_reason(ended, actor=paula)
    transitions.give_reason(ended, actor=oscar, text="Erreur de l'agence.")

    transitions.overturn(ended, actor=paula, text="Toujours en poste.")

    user = User.objects.get(pk=ended.user_id)
    assert ended.status == Status.ADMITTED and user.is_active
    assert not ClosedAccount.objects.filter(user=user).exists()
    outcome = OutboxMessage.objects.filter(kind="enrolment_appeal_outcome",
                                           to_email=ended.email).latest("pk")
    assert "annulé la fin de votre adhésion" in outcome.body_text
    assert "nouveau mot de passe" in outcome.body_text


def test_upholding_it_keeps_the_account_closed(visitor, ended, paula):
    visitor.post(appeal_url(ended), {"text": "Je suis toujours en poste."})
    ended.refresh_from_db()

    transitions.uphold(ended, actor=paula, text="Départ confirmé par l'opérateur.")

    assert ended.status == Status.UPHELD
    assert not User.objects.get(pk=ended.user_id).is_active
    outcome = OutboxMessage.objects.filter(kind="enrolment_appeal_outcome",
                                           to_email=ended.email).latest("pk")
    assert "confirmé la fin de votre adhésion" in outcome.body_text


def test_a_forged_link_appeals_nothing(visitor, ended):
    response = visitor.post(reverse("enrolment:appeal", args=["forged"]), {"text": "x"})

    ended.refresh_from_db()
    assert response.status_code == 400 and ended.status == Status.ENDED
