"""The application form from the side of someone probing it: does this person use Comcep?

Submitting the form with an address that already has an application (or an account) must
answer exactly what a new address gets; the owner of the address is told instead, by email,
once an hour at most.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comcep.models import OutboxMessage, OutboxStatus, Region, User
from enrolment import services
from enrolment.models import Application, Status
from tests.conftest import wait_until
from tests.enrolment.factories import make_application
from tests.enrolment.test_applying import form_data

# The tokens differ from one browser to the next, whatever was submitted.
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|"X-CSRFToken": "[^"]*"')
USED = "camille.dupont@apec.fr"


@pytest.fixture
def open_region(reference_data):
    Region.objects.filter(code__in=["52", "11"]).update(phase="open")


def probe(email: str) -> dict:
    """What a visitor sees when applying with ``email``, from a browser of their own."""
    browser = Client(enforce_csrf_checks=False)
    browser.get(reverse("enrolment:apply"))
    response = browser.post(reverse("enrolment:apply"), form_data(email=email))
    followed = browser.get(response["Location"]) if response.status_code == 302 else response
    body = CSRF.sub("", followed.content.decode())
    # The confirmation message names the address typed in: the visitor knows it anyway.
    body = re.sub(re.escape(email), "ADDRESS", body, flags=re.IGNORECASE)
    return {
        "status": response.status_code,
        "location": response.get("Location"),
        "final_status": followed.status_code,
        "cookies": sorted(response.cookies.keys()),
        "session_keys": sorted(browser.session.keys()),
        "body": body,
    }


def warnings_to(email: str) -> int:
    return OutboxMessage.objects.filter(kind="enrolment_repeated", to_email__iexact=email).count()


@pytest.mark.django_db
def test_a_used_address_gets_exactly_the_answer_a_new_one_gets(open_region):
    make_application(email=USED, status=Status.PENDING)

    new = probe("quelquun.dautre@apec.fr")
    used = probe(USED)
    used_in_capitals = probe(USED.upper())
    other_new = probe("encore.quelquun@apec.fr")

    assert new["status"] == 302 and new["location"] == reverse("account_email_verification_sent")
    assert "Vérifiez votre adresse e-mail" in new["body"]
    assert used == new
    # Once the warning was sent, a repeated attempt still looks like a new application.
    assert used_in_capitals == other_new == new
    # No second application, no second account, no confirmation link for the used address.
    assert Application.objects.filter(email__iexact=USED).count() == 1
    assert User.objects.filter(email__iexact=USED).count() == 1
    assert not OutboxMessage.objects.filter(to_email__iexact=USED,
                                            kind__startswith="email_confirmation").exists()
    assert warnings_to(USED) == 1


@pytest.mark.django_db
def test_the_address_of_an_account_without_application_is_hidden_too(open_region, alice):
    new = probe("quelquun.dautre@apec.fr")
    member = probe(alice.email)

    assert member == new
    assert not Application.objects.filter(email__iexact=alice.email).exists()
    warning = OutboxMessage.objects.get(kind="enrolment_repeated")
    assert warning.to_email == alice.email and warning.recipient == alice


@pytest.mark.django_db
def test_the_warning_says_what_to_do_and_names_nobody(open_region):
    make_application(email=USED, status=Status.PENDING, first_name="Camille",
                     last_name="Dupont")

    probe(USED)

    warning = OutboxMessage.objects.get(kind="enrolment_repeated", to_email=USED)
    assert "avec votre adresse e-mail" in warning.subject
    text = warning.body_text
    assert "Si c'était vous" in text and "ignorez ce message" in text
    assert reverse("account_login") in text and reverse("account_reset_password") in text
    # Nothing the visitor typed travels in it (they may be an impostor).
    assert "Fontaine" not in text and "Claire" not in text and "Nantes" not in text


@pytest.mark.django_db
def test_warnings_are_rate_limited_per_address(open_region):
    make_application(email=USED, status=Status.PENDING)

    for _attempt in range(5):
        probe(USED)
    assert warnings_to(USED) == 1

    # An hour later, the owner hears of a new attempt again.
    OutboxMessage.objects.filter(kind="enrolment_repeated").update(
        created_at=timezone.now() - services.REPEATED_WARNING_INTERVAL - timedelta(minutes=1))
    probe(USED)
    assert warnings_to(USED) == 2


@pytest.mark.worker
def test_the_worker_delivers_one_warning_and_a_second_attempt_sends_none(worker, open_region):
    make_application(email=USED, status=Status.PENDING)

    probe(USED)

    wait_until(lambda: OutboxMessage.objects.filter(
        kind="enrolment_repeated", to_email=USED, status=OutboxStatus.SENT).count() == 1,
        timeout=60, message="the warning was not delivered by the worker")
    wait_until(lambda: any("Si c'était vous" in mail for mail in worker.sent_mail()),
               message="the warning did not reach the mail backend")

    probe(USED)

    # Give the worker the time to send anything it was handed: nothing new goes out.
    message_count = len(worker.sent_mail())
    wait_until(lambda: not OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exists(),
               timeout=60)
    assert OutboxMessage.objects.filter(kind="enrolment_repeated").count() == 1
    assert len(worker.sent_mail()) == message_count
    warnings = [mail for mail in worker.sent_mail() if "Si c'était vous" in mail]
    assert len(warnings) == 1 and f"To: {USED}" in warnings[0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_attempts_at_the_same_moment_send_one_warning(open_region, round_):
    from tests.enrolment.test_concurrency import race

    make_application(email=USED, status=Status.PENDING)

    outcomes = race(*[lambda: services.warn_address_owner(USED)] * 4)

    assert outcomes == ["won"] * 4
    assert warnings_to(USED) == 1
