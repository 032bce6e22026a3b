"""The platform manager's side: regions, invitations, demo data, and who gets told."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comcep.demo import seed_accounts
from comcep.models import OutboxMessage
from enrolment import demo, services
from enrolment.emails import operator_managers
from enrolment.models import Application, ApplicationEvent, PilotInvitation, Status
from tests import factories
from tests.enrolment.factories import make_application
from tests.factories import with_totp

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [2, 20])
def test_the_regions_page_costs_the_same_at_any_size(client_for, paula, reference_data, size,
                                                     django_assert_max_num_queries):
    bretagne = factories.region("53")
    for n in range(size):
        services.invite_pilot_member(email=f"pilote{n}@apec.fr", region=bretagne, actor=paula)
        make_application(status=Status.WAITLISTED, region_code="84")
    client = client_for(paula)
    client.get(reverse("enrolment:regions"))

    with django_assert_max_num_queries(7):
        response = client.get(reverse("enrolment:regions"))
    assert response.status_code == 200
    assert PilotInvitation.objects.count() == size


def test_only_the_managers_whose_scope_covers_the_region_are_told(reference_data, oscar):
    nantes_only = with_totp(factories.make_operator_manager(operator_slug="apec", region_codes=["52"]))
    rennes_only = with_totp(factories.make_operator_manager(operator_slug="apec", region_codes=["53"]))
    application = make_application(status=Status.PENDING, region_code="52", manager=oscar)

    told = set(operator_managers(application))

    assert told == {oscar, nantes_only}
    assert not OutboxMessage.objects.filter(to_email=rennes_only.email).exists()


def test_the_status_page_is_only_the_applicant_s_own(client_for, visitor, alice, reference_data):
    make_application(status=Status.PENDING)

    assert visitor.get(reverse("enrolment:status")).status_code == 302
    assert client_for(alice).get(reverse("enrolment:status")).status_code == 404


def test_the_demo_seed_gives_the_managers_a_queue_and_runs_twice(settings, reference_data):
    accounts = seed_accounts()
    demo.seed(accounts)
    counts = (Application.objects.count(), ApplicationEvent.objects.count())
    demo.seed(accounts)

    assert (Application.objects.count(), ApplicationEvent.objects.count()) == counts
    apec = Application.objects.filter(operator__slug="apec")
    assert apec.filter(status=Status.PENDING).count() == 3
    assert apec.filter(status=Status.APPEALED).exists()
    assert Application.objects.filter(status=Status.WAITLISTED).exists()
    assert Application.objects.filter(status=Status.REASON_REQUESTED).exists()
