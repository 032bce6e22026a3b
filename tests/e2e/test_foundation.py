"""A visitor opens Comcep and a demo member signs in, at phone, tablet and desktop widths."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import open_menu_if_folded, sign_in


@pytest.mark.django_db(transaction=True)
def test_a_member_signs_in_and_lands_in_the_community(page, live_server, viewport, screenshot,
                                                      alice):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("La communauté")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    screenshot("home")

    # Nothing overflows the screen sideways, even at 360 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    sign_in(page, live_server, "alice.martin@apec.fr", factories.PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lande Bretonne")
    expect(page.locator("body")).not_to_contain_text("Martin")
    screenshot("community")

    open_menu_if_folded(page)
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_the_skip_link_and_the_menu_work_with_the_keyboard(page, live_server, reference_data):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    toggle = page.locator(".nav-toggle")
    expect(page.get_by_role("link", name="Se connecter").first).to_be_visible()
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
