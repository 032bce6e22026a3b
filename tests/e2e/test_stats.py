"""The statistics and the faster enrolment work, in Chromium, at phone and desktop widths:
the platform manager reads the dashboard and opens a region; an operator manager approves
several applications at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from comcep.models import Region
from enrolment.models import Application, Status
from tests.e2e.test_enrolment import PASSWORD, SECRET, both_widths, fits_the_screen, sign_in_with_totp
from tests.enrolment.factories import make_application
from tests.factories import with_totp


@pytest.fixture
def managers(reference_data, oscar, paula):
    for user in (oscar, paula):
        user.set_password(PASSWORD)
        user.save()
        with_totp(user, SECRET)
    return oscar, paula


@both_widths
@pytest.mark.django_db(transaction=True)
def test_the_platform_manager_reads_the_dashboard_and_opens_a_region(
        page, live_server, viewport, screenshot, managers):
    _oscar, paula = managers
    for _ in range(2):
        make_application(status=Status.WAITLISTED, region_code="84")
    sign_in_with_totp(page, live_server, paula.email, PASSWORD)

    page.goto(live_server.url + "/gestion/statistiques/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tableau de bord")
    expect(page.locator("svg.stats-chart").first).to_be_visible()
    fits_the_screen(page)
    screenshot(f"stats-dashboard-{viewport}")

    page.goto(live_server.url + "/candidature/plateforme/regions/")
    region = Region.objects.get(code="84")
    page.locator(f"#phase-{region.pk}").select_option("open")
    page.locator(f"#phase-{region.pk}").locator("xpath=..").get_by_role("button").click()
    expect(page.get_by_text("2 candidatures en liste d'attente seront transmises")).to_be_visible()
    screenshot(f"stats-region-preview-{viewport}")
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_text("2 candidatures en attente transmises")).to_be_visible()
    assert Application.objects.filter(region=region, status=Status.PENDING).count() == 2


@both_widths
@pytest.mark.django_db(transaction=True)
def test_an_operator_manager_approves_several_applications_at_once(
        page, live_server, viewport, screenshot, managers):
    oscar, _paula = managers
    for name in ("Anne", "Bruno"):
        make_application(status=Status.PENDING, first_name=name, last_name="Lambert",
                         manager=oscar)
    sign_in_with_totp(page, live_server, oscar.email, PASSWORD)

    page.goto(live_server.url + "/candidature/operateur/")
    page.get_by_role("link", name="Sélectionner toutes les candidatures").click()
    fits_the_screen(page)
    screenshot(f"stats-bulk-selected-{viewport}")
    page.get_by_role("button", name="Accepter les candidatures cochées").click()
    expect(page.get_by_text("2 candidatures acceptées")).to_be_visible()
    assert Application.objects.filter(status=Status.ADMITTED).count() == 2
