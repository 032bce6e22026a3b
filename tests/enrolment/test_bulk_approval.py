"""Approving several applications at once from the operator queue."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comcep.models import OutboxMessage
from enrolment.models import ApplicationEvent, Status
from tests.enrolment.factories import make_application

pytestmark = pytest.mark.django_db

BULK = reverse("enrolment:operator_bulk_approve")


@pytest.fixture
def three_pending(reference_data, oscar):
    return [make_application(status=Status.PENDING, first_name=name, last_name="Lambert",
                             manager=oscar) for name in ("Anne", "Bruno", "Chloé")]


def statuses(applications):
    for application in applications:
        application.refresh_from_db()
    return [application.status for application in applications]


def test_ticked_applications_are_each_approved_with_their_own_event_and_email(
        client_for, oscar, three_pending):
    response = client_for(oscar).post(BULK, {"applications": [a.pk for a in three_pending[:2]]},
                                      follow=True)

    assert statuses(three_pending) == [Status.ADMITTED, Status.ADMITTED, Status.PENDING]
    assert "2 candidatures acceptées" in response.text
    for application in three_pending[:2]:
        assert ApplicationEvent.objects.filter(application=application, action="approve",
                                               actor=oscar).count() == 1
        assert OutboxMessage.objects.filter(to_email=application.email,
                                            kind__contains="admitted").count() == 1


def test_the_same_batch_sent_twice_decides_nothing_twice(client_for, oscar, three_pending):
    client = client_for(oscar)
    ids = [a.pk for a in three_pending]

    client.post(BULK, {"applications": ids})
    again = client.post(BULK, {"applications": ids}, follow=True)

    assert statuses(three_pending) == [Status.ADMITTED] * 3
    assert ApplicationEvent.objects.filter(action="approve").count() == 3
    assert OutboxMessage.objects.filter(kind__contains="admitted").count() == 3
    assert again.text.count("déjà traitée entre-temps") == 3


def test_a_batch_with_another_operator_s_application_is_refused_whole(
        client_for, olga, three_pending):
    theirs = make_application(status=Status.PENDING, operator_slug="france-travail",
                              first_name="Denis", last_name="Roux", manager=olga)

    response = client_for(olga).post(
        BULK, {"applications": [theirs.pk, three_pending[0].pk]}, follow=True)

    assert statuses([theirs, *three_pending]) == [Status.PENDING] * 4
    assert "aucune n&#x27;a été acceptée" in response.text or "aucune n'a été acceptée" in response.text
    assert "Anne" not in response.text
    assert not ApplicationEvent.objects.filter(action="approve").exists()


def test_an_id_that_does_not_exist_gets_the_same_refusal(client_for, oscar, three_pending):
    response = client_for(oscar).post(BULK, {"applications": [three_pending[0].pk, 999999]},
                                      follow=True)

    assert statuses(three_pending[:1]) == [Status.PENDING]
    assert "ne relève pas de vous" in response.text


def test_nobody_but_an_operator_manager_may_send_a_batch(client_for, alice, paula, visitor,
                                                         three_pending):
    ids = [a.pk for a in three_pending]
    for client in (client_for(alice), client_for(paula), visitor):
        response = client.post(BULK, {"applications": ids})
        assert response.status_code in (302, 403, 404)
    assert statuses(three_pending) == [Status.PENDING] * 3


def test_an_empty_batch_is_told_to_tick_something(client_for, oscar, three_pending):
    response = client_for(oscar).post(BULK, {}, follow=True)

    assert "Cochez au moins une candidature" in response.text


def test_select_all_draws_every_pending_row_ticked_without_javascript(client_for, oscar,
                                                                      three_pending):
    client = client_for(oscar)

    plain = client.get(reverse("enrolment:operator_queue"))
    ticked = client.get(reverse("enrolment:operator_queue"), {"tout": "1"})

    assert plain.text.count('name="applications"') == 3 and " checked" not in plain.text
    assert ticked.text.count(" checked>") == 3
    assert "<legend>" in ticked.text and "Tout désélectionner" in ticked.text
