"""The applicant's side: applying, confirming the email, following the application, appealing."""

from __future__ import annotations

import re

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from comcep.models import OutboxMessage, Region, User
from enrolment import services
from enrolment.models import Application, ApplicationEvent, PilotInvitation, Status
from tests import factories
from tests.enrolment.factories import make_application
from tests.forms import application_form as form_data

pytestmark = pytest.mark.django_db




@pytest.fixture
def open_region(reference_data):
    Region.objects.filter(code__in=["52", "11"]).update(phase="open")


def confirmation_link(email: str) -> str:
    message = OutboxMessage.objects.filter(to_email=email, kind__startswith="email_confirmation"
                                           ).latest("pk")
    return re.search(r"https?://\S+/compte/confirm-email/\S+/", message.body_text).group(0)


def test_the_landing_page_button_leads_to_the_application_form(visitor, reference_data):
    home = visitor.get("/")
    assert reverse("enrolment:apply") in home.text

    page = visitor.get(reverse("enrolment:apply"))
    assert page.status_code == 200
    assert "Demander mon adhésion" in page.text


def test_applying_creates_an_account_that_waits_for_its_email_to_be_confirmed(visitor, open_region):
    response = visitor.post(reverse("enrolment:apply"), form_data())

    assert response.status_code == 302
    application = Application.objects.get(email="claire.fontaine@apec.fr")
    assert application.status == Status.SUBMITTED
    assert application.user.groups.count() == 0  # no role until admitted
    # Nobody is told before the address is confirmed.
    assert not OutboxMessage.objects.filter(kind__startswith="enrolment_").exists()
    assert OutboxMessage.objects.filter(kind__startswith="email_confirmation").exists()


def test_confirming_the_email_sends_the_application_to_the_operator(visitor, open_region, oscar):
    visitor.post(reverse("enrolment:apply"), form_data())
    link = confirmation_link("claire.fontaine@apec.fr")
    path = link.split("testserver", 1)[-1]

    response = visitor.post(path, follow=True)

    application = Application.objects.get(email="claire.fontaine@apec.fr")
    assert application.status == Status.PENDING
    assert response.redirect_chain[-1][0] == reverse("enrolment:status")
    assert "Historique" in response.text
    assert OutboxMessage.objects.filter(kind="enrolment_received",
                                        to_email="claire.fontaine@apec.fr").exists()
    assert OutboxMessage.objects.filter(kind="enrolment_new_application", to_email=oscar.email).exists()


def test_the_applicant_signs_in_to_their_status_page(client_for, open_region):
    application = make_application(status=Status.PENDING)
    client = client_for(application.user)

    response = client.get("/", follow=True)

    assert response.redirect_chain[-1][0] == reverse("enrolment:status")
    assert "Apec" in response.text and "en attente" in response.text


def test_a_second_application_with_the_same_email_changes_nothing(visitor, open_region):
    make_application(email="claire.fontaine@apec.fr")

    response = visitor.post(reverse("enrolment:apply"), form_data(email="Claire.Fontaine@APEC.fr"))

    # Answered like a new application (tests/enrolment/test_oracle.py): nothing says it exists.
    assert response.status_code == 302
    assert "existe déjà" not in visitor.get(response["Location"]).text
    assert Application.objects.count() == 1
    assert User.objects.filter(email__iexact="claire.fontaine@apec.fr").count() == 1


def test_an_operator_that_does_not_serve_the_region_is_refused(visitor, open_region):
    regional = factories.operator("apec")
    regional.kind = "regional"
    regional.save()
    regional.regions.set([factories.region("53")])

    response = visitor.post(reverse("enrolment:apply"), form_data())

    assert response.status_code == 200
    assert "intervient pas dans cette région" in response.text
    assert not Application.objects.exists() and not User.objects.filter(
        email="claire.fontaine@apec.fr").exists()


def test_a_pilot_region_takes_only_invited_people(visitor, reference_data, paula):
    Region.objects.filter(code="53").update(phase="pilot")
    bretagne = factories.region("53")

    refused = visitor.post(reverse("enrolment:apply"), form_data(region=bretagne.pk))
    assert "phase pilote" in refused.text
    assert not Application.objects.exists()

    services.invite_pilot_member(email="claire.fontaine@apec.fr", region=bretagne, actor=paula)
    accepted = visitor.post(reverse("enrolment:apply"), form_data(region=bretagne.pk))
    assert accepted.status_code == 302
    assert OutboxMessage.objects.filter(kind="enrolment_pilot_invitation").exists()


def test_a_closed_region_waitlists_the_application_and_opening_it_releases_it(
        reference_data, paula, oscar):
    application = make_application(status=Status.WAITLISTED, region_code="84")
    assert application.status == Status.WAITLISTED
    assert OutboxMessage.objects.filter(kind="enrolment_waitlisted").exists()
    assert not OutboxMessage.objects.filter(kind="enrolment_new_application").exists()

    released = services.set_region_phase(factories.region("84"), "open", actor=paula)

    application.refresh_from_db()
    assert released == 1 and application.status == Status.PENDING
    assert OutboxMessage.objects.filter(kind="enrolment_released",
                                        to_email=application.email).exists()
    assert OutboxMessage.objects.filter(kind="enrolment_new_application", to_email=oscar.email).exists()


def test_the_platform_manager_opens_a_region_from_its_page(client_for, reference_data, paula):
    application = make_application(status=Status.WAITLISTED, region_code="84")
    region = factories.region("84")

    response = client_for(paula).post(reverse("enrolment:region_phase", args=[region.pk]),
                                      {"phase": "open", "expected": 1}, follow=True)

    assert "1 candidature en attente transmise aux opérateurs" in response.text
    application.refresh_from_db()
    assert application.status == Status.PENDING


def test_inviting_a_waitlisted_person_to_a_pilot_region_releases_their_application(
        client_for, reference_data, paula):
    application = make_application(status=Status.WAITLISTED, region_code="53")
    Region.objects.filter(code="53").update(phase="pilot")

    client_for(paula).post(reverse("enrolment:invite"),
                           {"email": application.email.upper(), "region": factories.region("53").pk})

    application.refresh_from_db()
    assert application.status == Status.PENDING
    assert PilotInvitation.objects.count() == 1


def test_the_appeal_link_lets_the_refused_person_appeal_once(visitor, open_region):
    application = make_application(status=Status.REFUSED)
    url = reverse("enrolment:appeal", args=[services.appeal_token(application)])

    page = visitor.get(url)
    assert "Nous ne trouvons pas cette personne" in page.text
    sent = visitor.post(url, {"text": "Je suis bien en poste."})
    again = visitor.post(url, {"text": "Encore."})

    application.refresh_from_db()
    assert sent.status_code == 200 and application.status == Status.APPEALED
    assert again.status_code == 409
    assert application.events.filter(action="appeal").count() == 1
    assert OutboxMessage.objects.filter(kind="enrolment_appeal_received").exists()


def test_a_forged_appeal_link_changes_nothing(visitor, open_region):
    application = make_application(status=Status.REFUSED)
    forged = signing.dumps({"a": application.pk}, salt="not-the-appeal-salt")

    response = visitor.post(reverse("enrolment:appeal", args=[forged]), {"text": "Appel"})

    assert response.status_code == 400
    assert "est pas valide" in response.text
    application.refresh_from_db()
    assert application.status == Status.REFUSED


def test_an_expired_appeal_link_changes_nothing(visitor, open_region, settings):
    application = make_application(status=Status.REFUSED)
    token = services.appeal_token(application)
    settings.ENROLMENT_APPEAL_LINK_DAYS = -1  # every link is now older than allowed

    response = visitor.post(reverse("enrolment:appeal", args=[token]), {"text": "Appel"})

    assert response.status_code == 400
    assert "a expiré" in response.text
    application.refresh_from_db()
    assert application.status == Status.REFUSED
    assert not ApplicationEvent.objects.filter(action="appeal").exists()


def test_the_applicant_timeline_hides_internal_steps(client_for, open_region):
    application = make_application(status=Status.REASON_GIVEN)

    page = client_for(application.user).get(reverse("enrolment:status"))

    assert "Appel déposé" in page.text
    assert "Contrat terminé en février." not in page.text  # the operator's answer is for the platform
    # The page shows dates in Paris time: between 23:00 and midnight UTC it is already tomorrow.
    assert timezone.localtime(timezone.now()).strftime("%d/%m/%Y") in page.text


def test_an_admitted_applicant_lands_on_the_pseudonym_page(client_for, open_region):
    application = make_application(status=Status.ADMITTED)

    response = client_for(application.user).get("/", follow=True)

    assert response.redirect_chain[-1][0] == reverse("choose_pseudonym")


def test_a_refused_applicant_appeals_from_their_status_page(client_for, open_region):
    application = make_application(status=Status.REFUSED)
    client = client_for(application.user)

    status_page = client.get(reverse("enrolment:status")).text
    assert reverse("enrolment:appeal_mine") in status_page
    empty = client.post(reverse("enrolment:appeal_mine"), {"text": "  "})
    sent = client.post(reverse("enrolment:appeal_mine"), {"text": "Je suis bien conseillère CEP."})

    application.refresh_from_db()
    assert empty.status_code == 200 and "text" in empty.context["form"].errors
    assert sent.status_code == 200 and application.status == Status.APPEALED
    assert application.appeal_text == "Je suis bien conseillère CEP."
    assert OutboxMessage.objects.filter(kind="enrolment_appeal_received").exists()
    assert reverse("enrolment:appeal_mine") not in client.get(reverse("enrolment:status")).text


def test_an_applicant_cannot_appeal_after_the_delay_from_the_status_page(client_for, open_region, settings):
    application = make_application(status=Status.REFUSED)
    Application.objects.filter(pk=application.pk).update(
        status_changed_at=timezone.now() - timezone.timedelta(days=31))
    settings.ENROLMENT_APPEAL_LINK_DAYS = 30
    client = client_for(application.user)

    assert reverse("enrolment:appeal_mine") not in client.get(reverse("enrolment:status")).text
    response = client.post(reverse("enrolment:appeal_mine"), {"text": "Trop tard ?"})

    assert response.status_code == 400 and "délai" in response.text
    application.refresh_from_db()
    assert application.status == Status.REFUSED


def test_only_a_refused_application_can_be_appealed_from_the_status_page(client_for, open_region):
    application = make_application(status=Status.PENDING)

    response = client_for(application.user).post(reverse("enrolment:appeal_mine"), {"text": "Appel"})

    assert response.status_code == 409
    application.refresh_from_db()
    assert application.status == Status.PENDING
    assert not ApplicationEvent.objects.filter(action="appeal").exists()


def test_a_visitor_is_sent_to_sign_in_before_appealing_from_the_status_page(visitor, open_region):
    response = visitor.post(reverse("enrolment:appeal_mine"), {"text": "Appel"})

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
