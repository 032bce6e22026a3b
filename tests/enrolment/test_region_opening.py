"""Opening a region: the platform manager sees what it releases, then confirms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comcep.models import Region
from enrolment import services
from enrolment.models import Status
from tests import factories
from tests.enrolment.factories import make_application

pytestmark = pytest.mark.django_db


def phase_url(region):
    return reverse("enrolment:region_phase", args=[region.pk])


@pytest.fixture
def waitlisted(reference_data):
    return [make_application(status=Status.WAITLISTED, region_code="84") for _ in range(3)]


def test_choosing_a_phase_shows_how_many_applications_it_releases_and_changes_nothing(
        client_for, paula, waitlisted):
    region = factories.region("84")

    preview = client_for(paula).post(phase_url(region), {"phase": "open"})

    assert preview.status_code == 200
    assert "3 candidatures en liste d'attente seront transmises" in preview.text
    assert 'name="expected" value="3"' in preview.text
    region.refresh_from_db()
    assert region.phase == "closed"
    assert all(a.status == Status.WAITLISTED for a in waitlisted)


def test_confirming_the_number_opens_the_region_and_releases_them(client_for, paula, waitlisted):
    region = factories.region("84")

    done = client_for(paula).post(phase_url(region), {"phase": "open", "expected": 3}, follow=True)

    region.refresh_from_db()
    assert region.phase == "open"
    assert "3 candidatures en attente transmises aux opérateurs" in done.text
    for application in waitlisted:
        application.refresh_from_db()
        assert application.status == Status.PENDING


def test_a_waitlist_that_grew_since_the_preview_is_shown_again_before_anything_moves(
        client_for, paula, waitlisted):
    region = factories.region("84")

    again = client_for(paula).post(phase_url(region), {"phase": "open", "expected": 2})

    assert "La liste d'attente a changé" in again.text
    assert 'name="expected" value="3"' in again.text
    region.refresh_from_db()
    assert region.phase == "closed"


def test_a_pilot_phase_releases_only_the_invited(reference_data, paula, waitlisted):
    region = factories.region("84")
    services.invite_pilot_member(email=waitlisted[0].email, region=region, actor=paula)
    waitlisted[0].refresh_from_db()
    assert waitlisted[0].status == Status.WAITLISTED  # the region is still closed

    assert services.releasable(region, "pilot").count() == 1
    assert services.releasable(region, "open").count() == 3
    assert services.releasable(region, "closed").count() == 0
    Region.objects.filter(pk=region.pk).update(phase="pilot")
    region.refresh_from_db()
    assert services.release_waitlisted(region, actor=paula) == 1


def test_nobody_else_may_preview_or_open_a_region(client_for, alice, oscar, visitor, waitlisted):
    region = factories.region("84")
    for client in (client_for(alice), client_for(oscar), visitor):
        preview = client.post(phase_url(region), {"phase": "open"})
        confirm = client.post(phase_url(region), {"phase": "open", "expected": 3})
        assert preview.status_code in (302, 403, 404) and "seront transmises" not in preview.text
        assert confirm.status_code in (302, 403, 404)
    region.refresh_from_db()
    assert region.phase == "closed"
