"""The managers' queues, tested from the side of the person who must be refused."""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse

from comcep.models import OutboxMessage
from enrolment.models import Application, Status
from tests import factories
from tests.enrolment.factories import make_application
from tests.factories import with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def apec_application(reference_data, oscar):
    return make_application(status=Status.PENDING, first_name="Claire", last_name="Fontaine",
                            email="claire.fontaine@apec.fr", manager=oscar)


def detail(application):
    return reverse("enrolment:operator_detail", args=[application.pk])


def test_a_manager_sees_the_applications_of_their_operator(client_for, oscar, apec_application):
    page = client_for(oscar).get(reverse("enrolment:operator_queue"))

    assert page.status_code == 200
    assert "Claire Fontaine" in page.text
    assert "1 candidature en attente" in page.text


def test_another_operator_s_manager_sees_nothing_of_it(client_for, olga, apec_application):
    client = client_for(olga)

    queue = client.get(reverse("enrolment:operator_queue"), {"status": "all"})
    searched = client.get(reverse("enrolment:operator_queue"), {"q": "Fontaine", "status": "all"})

    assert "Claire Fontaine" not in queue.text
    assert "Claire" not in searched.text and "Aucune candidature ne correspond" in searched.text
    assert re.search(r"\b0 candidatures? en attente", queue.text)
    assert client.get(detail(apec_application)).status_code == 404
    for action in ["operator_approve", "operator_refuse", "operator_give_reason",
                   "operator_end_membership"]:
        response = client.post(reverse(f"enrolment:{action}", args=[apec_application.pk]),
                               {"category": "other", "text": "x"})
        assert response.status_code == 404, action
    apec_application.refresh_from_db()
    assert apec_application.status == Status.PENDING
    assert not OutboxMessage.objects.filter(to_email=olga.email).exists()


def test_a_manager_limited_to_a_region_sees_nothing_of_the_others(client_for, apec_application):
    bretagne_only = with_totp(factories.make_operator_manager(operator_slug="apec",
                                                              region_codes=["53"]))
    client = client_for(bretagne_only)

    assert "Fontaine" not in client.get(reverse("enrolment:operator_queue"),
                                        {"status": "all"}).text
    assert client.get(detail(apec_application)).status_code == 404


def test_an_application_whose_email_is_unconfirmed_reaches_nobody(client_for, oscar, reference_data):
    unconfirmed = make_application(status=Status.SUBMITTED, last_name="Discrète")
    waitlisted = make_application(status=Status.WAITLISTED, region_code="84", last_name="Patiente")
    client = client_for(oscar)

    queue = client.get(reverse("enrolment:operator_queue"), {"status": "all"})

    assert "Discrète" not in queue.text and "Patiente" not in queue.text
    assert client.get(detail(unconfirmed)).status_code == 404
    assert client.get(detail(waitlisted)).status_code == 404


@pytest.mark.parametrize("persona", ["alice", "rita", "visitor_user"])
def test_people_who_are_not_managers_are_refused_the_queues(
        client_for, visitor, reference_data, apec_application, persona, request):
    client = visitor if persona == "visitor_user" else client_for(request.getfixturevalue(persona))
    for name, args in [("operator_queue", []), ("operator_detail", [apec_application.pk]),
                       ("platform_queue", []), ("platform_detail", [apec_application.pk]),
                       ("regions", [])]:
        response = client.get(reverse(f"enrolment:{name}", args=args))
        if persona == "visitor_user":
            assert response.status_code == 302 and "/compte/login/" in response.url
        else:
            assert response.status_code == 403, name
            assert "Fontaine" not in response.text


def test_an_operator_manager_cannot_reach_the_platform_manager_pages(client_for, oscar,
                                                                    apec_application):
    client = client_for(oscar)
    for name, args in [("platform_queue", []), ("platform_detail", [apec_application.pk]),
                       ("regions", [])]:
        assert client.get(reverse(f"enrolment:{name}", args=args)).status_code == 403


def test_an_operator_manager_is_kept_out_of_the_community(client_for, oscar):
    assert client_for(oscar).get(reverse("community")).status_code == 403


def test_a_manager_without_two_factor_authentication_is_sent_to_set_it_up(client_for, reference_data,
                                                                         apec_application):
    no_mfa = factories.make_operator_manager(operator_slug="apec")
    platform_no_mfa = factories.make_platform_manager()

    for user, url in [(no_mfa, reverse("enrolment:operator_queue")), (no_mfa, detail(apec_application)),
                      (platform_no_mfa, reverse("enrolment:platform_queue"))]:
        response = client_for(user).get(url)
        assert response.status_code == 302
        assert response.url == reverse("mfa_activate_totp")


def test_managers_land_on_their_queue_after_signing_in(client_for, oscar, paula):
    assert client_for(oscar).get("/").url == reverse("enrolment:operator_queue")
    assert client_for(paula).get("/").url == reverse("enrolment:platform_queue")


def test_approving_from_the_detail_page(client_for, oscar, apec_application):
    response = client_for(oscar).post(reverse("enrolment:operator_approve",
                                              args=[apec_application.pk]), follow=True)

    apec_application.refresh_from_db()
    assert apec_application.status == Status.ADMITTED
    assert "Candidature acceptée" in response.text


def test_a_refusal_without_a_reason_is_sent_back(client_for, oscar, apec_application):
    response = client_for(oscar).post(reverse("enrolment:operator_refuse",
                                              args=[apec_application.pk]), {"category": "other"})

    assert response.status_code == 400
    apec_application.refresh_from_db()
    assert apec_application.status == Status.PENDING


def test_the_second_manager_to_decide_is_told_it_was_already_decided(client_for, oscar,
                                                                      apec_application):
    other_apec_manager = with_totp(factories.make_operator_manager(operator_slug="apec"))
    client_for(oscar).post(reverse("enrolment:operator_approve", args=[apec_application.pk]))

    response = client_for(other_apec_manager).post(
        reverse("enrolment:operator_refuse", args=[apec_application.pk]),
        {"category": "other", "text": "Non."}, follow=True)

    assert "déjà été traitée" in response.text
    apec_application.refresh_from_db()
    assert apec_application.status == Status.ADMITTED
    assert apec_application.events.filter(action__in=["approve", "refuse"]).count() == 1


def test_a_domain_outside_the_operator_s_is_flagged(client_for, oscar, reference_data):
    odd = make_application(status=Status.PENDING, email="claire@gmail.com", manager=oscar)

    page = client_for(oscar).get(detail(odd))

    assert "Domaine inhabituel" in page.text


def test_the_whole_appeal_goes_through_both_back_offices(client_for, oscar, paula, reference_data):
    application = make_application(status=Status.APPEALED, manager=oscar, platform_manager=paula)
    pm, om = client_for(paula), client_for(oscar)

    queue = pm.get(reverse("enrolment:platform_queue"))
    assert "Fontaine" in queue.text
    pm.post(reverse("enrolment:platform_request_reason", args=[application.pk]),
            {"text": "Pouvez-vous préciser ?"})
    assert OutboxMessage.objects.filter(kind="enrolment_reason_requested", to_email=oscar.email).exists()
    assert "motif demandé" in om.get(reverse("enrolment:operator_queue")).text.lower()
    om.post(reverse("enrolment:operator_give_reason", args=[application.pk]),
            {"text": "Contrat terminé."})
    page = pm.get(reverse("enrolment:platform_detail", args=[application.pk]))
    assert "Contrat terminé." in page.text
    pm.post(reverse("enrolment:platform_decide", args=[application.pk]),
            {"decision": "overturn", "text": "Contrat en cours vérifié."})

    application.refresh_from_db()
    assert application.status == Status.ADMITTED
    actions = list(application.events.values_list("action", flat=True))
    assert actions == ["submit", "confirm_email", "refuse", "appeal", "request_reason", "give_reason",
                       "overturn"]
    timeline = pm.get(reverse("enrolment:platform_detail", args=[application.pk])).text
    assert "Refus infirmé en appel" in timeline


def test_ending_a_membership_ends_every_session_of_the_account(client, oscar, reference_data):
    application = make_application(status=Status.ADMITTED, manager=oscar)
    from allauth.usersessions.models import UserSession

    member_client = type(client)()
    member_client.post(reverse("account_login"), {"login": application.email,
                                                  "password": factories.PASSWORD})
    assert UserSession.objects.filter(user=application.user).exists()
    assert member_client.get(reverse("choose_pseudonym")).status_code == 200

    manager_client = type(client)()
    manager_client.force_login(oscar, backend="django.contrib.auth.backends.ModelBackend")
    manager_client.post(reverse("enrolment:operator_end_membership", args=[application.pk]),
                        {"category": "left_operator", "text": "Partie en juin."})

    assert not UserSession.objects.filter(user=application.user).exists()
    assert member_client.get(reverse("choose_pseudonym")).status_code == 302


def test_deactivating_an_account_anywhere_ends_its_sessions(client, alice):
    from allauth.usersessions.models import UserSession

    client.post(reverse("account_login"), {"login": alice.email, "password": factories.PASSWORD})
    assert UserSession.objects.filter(user=alice).exists()

    alice.is_active = False
    alice.save()

    assert not UserSession.objects.filter(user=alice).exists()
    assert client.get(reverse("community")).status_code == 302


@pytest.mark.parametrize("size", [3, 30])
def test_the_operator_queue_costs_the_same_at_any_size(client_for, oscar, reference_data, size,
                                                       django_assert_max_num_queries):
    for _ in range(size):
        make_application(status=Status.PENDING, manager=oscar)
    client = client_for(oscar)
    client.get(reverse("enrolment:operator_queue"))  # warm the session

    with django_assert_max_num_queries(11):
        response = client.get(reverse("enrolment:operator_queue"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_the_platform_queue_costs_the_same_at_any_size(client_for, paula, reference_data, size,
                                                       django_assert_max_num_queries):
    for _ in range(size):
        make_application(status=Status.APPEALED, platform_manager=paula)
    client = client_for(paula)
    client.get(reverse("enrolment:platform_queue"))

    with django_assert_max_num_queries(8):
        response = client.get(reverse("enrolment:platform_queue"))
    assert response.status_code == 200
    assert Application.objects.count() == size


def test_a_new_manager_signs_in_sets_up_totp_and_then_reaches_the_queue(client, reference_data):
    from enrolment.demo import totp_code

    newcomer = factories.make_operator_manager(operator_slug="apec")

    signed_in = client.post(reverse("account_login"),
                            {"login": newcomer.email, "password": factories.PASSWORD}, follow=True)
    # The queue sends them to allauth's TOTP activation, which asks for the password again.
    assert [url for url, _status in signed_in.redirect_chain][-2:] == [
        reverse("mfa_activate_totp"),
        reverse("account_reauthenticate") + "?next=%2Fcompte%2F2fa%2Ftotp%2Factivate%2F"]
    assert "deux facteurs" in signed_in.text
    activation = client.post(signed_in.redirect_chain[-1][0], {"password": factories.PASSWORD},
                             follow=True)
    assert activation.redirect_chain[-1][0] == reverse("mfa_activate_totp")

    # The secret as the page shows it, to be typed into an authenticator app.
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', activation.text)[1]
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert client.get(reverse("enrolment:operator_queue")).status_code == 200


def test_the_second_platform_manager_to_decide_an_appeal_is_told(client_for, paula, reference_data):
    colleague = with_totp(factories.make_platform_manager())
    application = make_application(status=Status.REASON_GIVEN, platform_manager=paula)
    url = reverse("enrolment:platform_decide", args=[application.pk])

    client_for(paula).post(url, {"decision": "uphold", "text": "Refus fondé."})
    response = client_for(colleague).post(url, {"decision": "overturn", "text": "Admise."},
                                          follow=True)

    assert "déjà été traitée" in response.text
    application.refresh_from_db()
    assert application.status == Status.UPHELD
    assert application.events.filter(action__in=["uphold", "overturn"]).count() == 1


def _left_pending(days: int, manager) -> Application:
    from datetime import timedelta

    from django.utils import timezone

    application = make_application(status=Status.PENDING, manager=manager)
    Application.objects.filter(pk=application.pk).update(
        status_changed_at=timezone.now() - timedelta(days=days))
    application.refresh_from_db()
    return application


def test_the_platform_manager_chases_the_operator_about_an_escalated_application(
        client_for, oscar, paula, settings):
    settings.ENROLMENT_ESCALATION_DAYS = 10
    application = _left_pending(12, oscar)
    pm = client_for(paula)
    nudge = reverse("enrolment:platform_nudge", args=[application.pk])

    assert nudge in pm.get(reverse("enrolment:platform_detail", args=[application.pk])).text
    first = pm.post(nudge, follow=True)
    second = pm.post(nudge, follow=True)

    assert "relancés par e-mail" in first.text
    assert "déjà été relancé" in second.text
    emails = OutboxMessage.objects.filter(kind="enrolment_nudged")
    assert list(emails.values_list("to_email", flat=True)) == [oscar.email]
    assert "12 jours" in emails.get().subject
    assert "Fontaine" not in emails.get().body_text  # the operator opens the application to see who
    assert application.events.filter(action="nudged", actor=paula).count() == 1
    application.refresh_from_db()
    assert application.status == Status.PENDING  # the decision stays the operator's
    status_page = client_for(application.user).get(reverse("enrolment:status")).text
    assert "relancés" not in status_page  # an internal step


def test_an_application_within_the_operator_s_delay_cannot_be_chased(client_for, oscar, paula, settings):
    settings.ENROLMENT_ESCALATION_DAYS = 10
    application = _left_pending(3, oscar)

    response = client_for(paula).post(reverse("enrolment:platform_nudge", args=[application.pk]))

    assert response.status_code == 403
    assert not OutboxMessage.objects.filter(kind="enrolment_nudged").exists()


def test_only_the_platform_manager_chases_an_operator(client_for, oscar, alice, paula, settings):
    settings.ENROLMENT_ESCALATION_DAYS = 10
    application = _left_pending(12, oscar)
    url = reverse("enrolment:platform_nudge", args=[application.pk])

    assert client_for(oscar).post(url).status_code == 403
    assert client_for(alice).post(url).status_code == 403
    assert not application.events.filter(action="nudged").exists()


@pytest.mark.parametrize(("periods_ago", "accepted"), [(0, True), (1, True), (2, False)])
def test_a_manager_s_code_is_accepted_one_period_late_and_only_once(client, reference_data, periods_ago,
                                                                     accepted):
    from enrolment.demo import totp_code

    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    manager = with_totp(factories.make_operator_manager(operator_slug="apec"), secret)
    code = totp_code(secret, at=time.time() - 30 * periods_ago)

    client.post(reverse("account_login"), {"login": manager.email, "password": factories.PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": code})

    reached = client.get(reverse("enrolment:operator_queue")).status_code == 200
    assert reached is accepted
    if accepted:  # the same code, from another device: refused
        other = type(client)()
        other.post(reverse("account_login"), {"login": manager.email, "password": factories.PASSWORD})
        other.post(reverse("mfa_authenticate"), {"code": code})
        assert other.get(reverse("enrolment:operator_queue")).status_code != 200


def test_the_nudge_is_labelled_in_the_platform_journal(client_for, oscar, paula, settings):
    settings.ENROLMENT_ESCALATION_DAYS = 10
    application = _left_pending(12, oscar)
    pm = client_for(paula)
    pm.post(reverse("enrolment:platform_nudge", args=[application.pk]))

    page = pm.get(reverse("enrolment:platform_detail", args=[application.pk])).text

    assert "Responsables de l&#x27;opérateur relancés" in page
    assert "<strong>nudged</strong>" not in page


@pytest.mark.parametrize(("days", "overdue"), [(9, False), (10, True), (12, True)])
def test_the_escalated_list_and_the_nudge_agree_on_what_is_overdue(oscar, paula, settings, days,
                                                                    overdue):
    from enrolment import permissions

    settings.ENROLMENT_ESCALATION_DAYS = 10
    application = _left_pending(days, oscar)

    assert application.is_overdue is overdue
    assert Application.objects.overdue().filter(pk=application.pk).exists() is overdue
    assert permissions.can_nudge_operator(paula, application) is overdue
