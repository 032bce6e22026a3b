"""An application sent twice (double click, resent request) applies once, and warns nobody."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from comcep.models import OutboxMessage, Region
from enrolment.models import Application
from tests.enrolment.test_applying import form_data
from tests.forms import token_in

APPLY = reverse("enrolment:apply")


@pytest.fixture
def open_region(reference_data):
    Region.objects.filter(code__in=["52", "11"]).update(phase="open")


def token_from(browser: Client) -> str:
    return token_in(browser.get(APPLY))


def warnings() -> int:
    return OutboxMessage.objects.filter(kind="enrolment_repeated").count()


@pytest.mark.django_db
def test_the_same_application_sent_twice_applies_once_and_warns_nobody(open_region):
    browser = Client()
    data = form_data(submission_token=token_from(browser))

    first = browser.post(APPLY, data)
    second = browser.post(APPLY, data)

    assert Application.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("account_email_verification_sent")
    assert warnings() == 0  # without the token, the second one warns the applicant about themselves


@pytest.mark.django_db(transaction=True)
def test_the_same_application_sent_at_the_same_moment_applies_once(open_region):
    browsers = [Client() for _ in range(3)]
    data = form_data(submission_token=token_from(browsers[0]))
    barrier = threading.Barrier(len(browsers))
    responses = [None] * len(browsers)

    def send(index):
        barrier.wait()
        try:
            responses[index] = browsers[index].post(APPLY, data)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert Application.objects.count() == 1
    assert {r["Location"] for r in responses} == {reverse("account_email_verification_sent")}
    assert warnings() == 0


@pytest.mark.django_db
def test_another_visitors_application_with_a_used_token_is_refused(open_region):
    first = Client()
    token = token_from(first)
    first.post(APPLY, form_data(submission_token=token))

    response = Client().post(APPLY, form_data(submission_token=token, first_name="Paul",
                                              email="paul.durand@apec.fr"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce formulaire a déjà servi" in page and "paul.durand@apec.fr" in page
    assert list(Application.objects.values_list("email", flat=True)) == ["claire.fontaine@apec.fr"]
    assert warnings() == 0
