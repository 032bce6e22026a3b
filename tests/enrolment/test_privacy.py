"""The privacy contract: no pseudonym anywhere an operator manager can reach."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comcep import services
from comcep.models import Member, OutboxMessage
from enrolment import transitions
from enrolment.models import Status
from tests.enrolment.factories import make_application

pytestmark = pytest.mark.django_db

PSEUDONYM = "Goéland Discret"


@pytest.fixture
def admitted_member(reference_data, oscar, paula):
    """Admitted by oscar, then chose a pseudonym, then went through an appeal trail too."""
    application = make_application(status=Status.ADMITTED, manager=oscar)
    services.set_pseudonym(Member.objects.get(user=application.user), PSEUDONYM)
    return application


def operator_pages(application):
    yield reverse("enrolment:operator_queue")
    yield reverse("enrolment:operator_queue") + "?status=all"
    yield reverse("enrolment:operator_queue") + "?status=admitted&q=Fontaine"
    yield reverse("enrolment:operator_detail", args=[application.pk])


def test_no_page_an_operator_manager_reaches_holds_the_pseudonym(client_for, oscar, admitted_member):
    client = client_for(oscar)
    for url in operator_pages(admitted_member):
        response = client.get(url)
        assert response.status_code == 200, url
        assert PSEUDONYM not in response.text, url
        if "status=" in url or "/operateur/" + str(admitted_member.pk) in url:
            assert "Fontaine" in response.text, url  # they do see whom they validated


def test_the_pseudonym_stays_out_of_everything_after_the_membership_ends(client_for, oscar,
                                                                         admitted_member):
    client = client_for(oscar)
    response = client.post(reverse("enrolment:operator_end_membership", args=[admitted_member.pk]),
                           {"category": "left_operator", "text": "Départ."}, follow=True)

    assert PSEUDONYM not in response.text
    for url in operator_pages(admitted_member):
        assert PSEUDONYM not in client.get(url).text


def test_no_email_to_an_operator_manager_holds_a_pseudonym_or_an_identity(oscar, paula,
                                                                          reference_data):
    member = make_application(status=Status.ADMITTED, manager=oscar)
    services.set_pseudonym(Member.objects.get(user=member.user), PSEUDONYM)
    appealing = make_application(status=Status.APPEALED, manager=oscar, platform_manager=paula)
    transitions.request_reason(appealing, actor=paula)
    transitions.end_membership(member, actor=oscar, category="left_operator", text="Départ.")

    to_managers = OutboxMessage.objects.filter(to_email__in=[oscar.email, paula.email])
    assert to_managers.count() >= 3
    for message in to_managers:
        for secret in (PSEUDONYM, "Fontaine", member.email, appealing.email):
            assert secret not in message.subject + message.body_text + message.body_html


def test_applicant_emails_carry_no_pseudonym(reference_data, admitted_member):
    for message in OutboxMessage.objects.filter(to_email=admitted_member.email):
        assert PSEUDONYM not in message.body_text + message.body_html


def test_the_applicant_s_timeline_shows_neither_the_operator_s_answer_nor_internal_steps(
        client_for, reference_data, oscar, paula):
    application = make_application(status=Status.REASON_GIVEN, manager=oscar, platform_manager=paula)
    transitions.note(application, "reminded", actor=None, actor_role="system")

    page = client_for(application.user).get(reverse("enrolment:status")).text

    assert "Contrat terminé en février." not in page  # the operator's answer is for the platform
    assert "Je travaille bien au centre de Nantes" in page  # their own appeal
    assert "Rappel envoyé" not in page
