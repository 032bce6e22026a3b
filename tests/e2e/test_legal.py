"""The legal pages and « Mes données » in a browser, at phone and desktop widths: a visitor
reads the texts from the footer; a member asked to accept a new charter at sign-in accepts it,
lands where they were going, then finds their data page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from comcep import legal
from comcep.models import LegalDocumentKind
from tests import factories
from tests.e2e.conftest import sign_in

WIDTHS = pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)


def fits_the_screen(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@WIDTHS
@pytest.mark.django_db(transaction=True)
def test_a_visitor_reads_every_legal_text_from_the_footer(page, live_server, viewport, screenshot,
                                                          reference_data):
    for link, heading in [("Mentions légales", "Mentions légales"),
                          ("Confidentialité", "Notice de confidentialité"),
                          ("Données conservées", "Ce que la plateforme conserve"),
                          ("Charte de la communauté", "Charte de la communauté"),
                          ("Accessibilité", "Déclaration d'accessibilité")]:
        page.goto(f"{live_server.url}/")
        page.locator(".site-footer").get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        fits_the_screen(page)
    page.goto(f"{live_server.url}/confidentialite/")
    expect(page.get_by_role("table")).to_contain_text("jours")
    screenshot("privacy")


@WIDTHS
@pytest.mark.django_db(transaction=True)
def test_a_member_accepts_a_new_charter_then_opens_their_data_page(page, live_server, viewport,
                                                                   screenshot, alice, paula):
    legal.publish(kind=LegalDocumentKind.CHARTER, actor=paula,
                  body="# Charte\n\nNouvelle règle\u00a0: on cite ses sources.")
    sign_in(page, live_server, "alice.martin@apec.fr", factories.PASSWORD)
    expect(page.get_by_text("Nouvelle règle")).to_be_visible()
    fits_the_screen(page)
    screenshot("charter")
    page.get_by_role("button", name="J'accepte la charte").click()
    expect(page.locator(".messages")).to_contain_text("vous avez accepté la charte")

    page.locator(".site-footer").get_by_role("link", name="Mes données").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes données")
    page.get_by_label("Votre mot de passe, pour confirmer").fill("pas-le-bon")
    page.get_by_label("Je comprends que la fermeture est définitive").check()
    page.get_by_role("button", name="Fermer définitivement mon compte").click()
    expect(page.get_by_role("alert").first).to_contain_text("Ce mot de passe n'est pas le bon.")
    fits_the_screen(page)
    screenshot("my-data")
