"""Lifting a pseudonym in Chromium: one platform manager asks, another approves, the first
sees the identity once. At phone and desktop widths; each manager on their own device."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from comcep.models import IdentityDisclosure, OutboxMessage
from tests import factories
from tests.e2e.test_enrolment import (
    SECRET,
    fits_the_screen,
    person,
    sign_in_with_totp,
    snap,
)
from tests.factories import with_totp

both_widths = pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)


@both_widths
def test_two_managers_lift_a_pseudonym_and_the_identity_shows_once(page, browser, live_server,
                                                                    viewport, screenshot,
                                                                    reference_data):
    canary = factories.make_member(pseudonym="Hibou-Canari", first_name="Camille",
                                   last_name="Canary", email="camille.canary@apec.fr")
    asker = with_totp(factories.make_platform_manager(first_name="Paula"), SECRET)
    approver = with_totp(factories.make_platform_manager(first_name="Pierre"), SECRET)

    sign_in_with_totp(page, live_server, asker.email, factories.PASSWORD)
    page.goto(live_server.url + "/gestion/levees-de-pseudonyme/")
    page.get_by_role("link", name="Déposer une demande").click()
    page.get_by_label("Profil du membre concerné").fill(
        f"{live_server.url}/forum/membres/{canary.member.public_id}/")
    page.get_by_label("Fondement juridique").select_option("judicial")
    page.get_by_label("Précisions sur le fondement").fill("Réquisition du parquet nº 2026/42")
    page.get_by_label("Adresse du contenu concerné").fill("/forum/message/12/")
    screenshot("request")
    page.get_by_role("button", name="Déposer la demande").click()
    expect(page.locator(".messages")).to_contain_text("Demande enregistrée")
    expect(page.locator("main")).to_contain_text("attend la décision d'une autre personne")
    fits_the_screen(page)
    disclosure = IdentityDisclosure.objects.get()

    other = person(browser, viewport)
    sign_in_with_totp(other, live_server, approver.email, factories.PASSWORD)
    other.goto(live_server.url + "/gestion/levees-de-pseudonyme/")
    other.get_by_role("link", name=re.compile(f"Demande nº {disclosure.pk}")).click()
    other.get_by_label("Approuver la levée").check()
    other.get_by_role("button", name="Enregistrer la décision").click()
    expect(other.locator(".messages")).to_contain_text("Levée approuvée")
    expect(other.locator("main")).not_to_contain_text("Camille")
    fits_the_screen(other)
    snap(other, f"identity-escrow-approved-{viewport}")

    page.reload()
    page.get_by_role("button", name="Consulter l'identité").click()
    expect(page.locator("main")).to_contain_text("Camille Canary")
    expect(page.locator("main")).to_contain_text("camille.canary@apec.fr")
    expect(page.locator("main")).not_to_contain_text("Hibou-Canari")
    fits_the_screen(page)
    screenshot("identity")

    page.go_back()
    page.reload()
    expect(page.locator("main")).to_contain_text("Identité déjà consultée")
    expect(page.locator("main")).not_to_contain_text("Camille")
    screenshot("already-seen")
    assert OutboxMessage.objects.filter(kind="identity_disclosed",
                                        to_email="camille.canary@apec.fr").count() == 1
    other.context.close()
