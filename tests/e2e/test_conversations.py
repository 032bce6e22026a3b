"""Private conversations in a browser, at phone and desktop widths.

Alice writes to Bob from his forum profile; Bob reads it in his list (unread) and replies;
Alice then blocks Bob from his profile, and Bob can no longer start a conversation with her.
"""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import VIEWPORTS, sign_in


@pytest.fixture
def as_person(browser, live_server, viewport):
    """as_person(user) → a page of a new browser signed in as that user, at the same width."""
    contexts = []

    def open_as(user):
        context = browser.new_context(viewport=VIEWPORTS[viewport], locale="fr-FR")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, live_server, user.email, factories.PASSWORD)
        return page

    yield open_as
    for context in contexts:
        context.close()


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.django_db(transaction=True)
def test_a_conversation_from_a_profile_a_reply_and_a_block(page, live_server, viewport, screenshot,
                                                           as_person, alice, bob):
    # Alice writes to Bob from his profile.
    sign_in(page, live_server, alice.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/forum/membres/{bob.member.public_id}/")
    page.get_by_role("link", name="Écrire un message privé").click()
    expect(page.get_by_label("Avec")).to_have_value("Bob le Bâtisseur")
    page.get_by_label("Objet (facultatif)").fill("Un atelier CV")
    page.get_by_label("Message").fill("Bonjour, **tu** animes encore l'atelier CV ?")
    screenshot("1-new-conversation")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Un atelier CV")
    expect(page.locator(".post-body strong")).to_have_text("tu")
    assert fits_the_screen(page)

    # Bob sees it unread in his list and replies.
    bob_page = as_person(bob)
    bob_page.goto(f"{live_server.url}/conversations/")
    expect(bob_page.locator(".conversation-row.unread")).to_contain_text("Un atelier CV")
    assert fits_the_screen(bob_page)
    bob_page.get_by_role("link", name="Un atelier CV").click()
    bob_page.get_by_label("Votre message").fill("Oui, tous les mardis.")
    bob_page.get_by_role("button", name="Envoyer").click()
    expect(bob_page.locator(".conversation-message").nth(1)).to_contain_text("tous les mardis")

    # Alice reads the reply, then blocks Bob from his profile.
    page.goto(f"{live_server.url}/conversations/")
    page.get_by_role("link", name="Un atelier CV").click()
    expect(page.locator(".conversation-thread")).to_contain_text("Oui, tous les mardis.")
    screenshot("2-conversation")
    assert fits_the_screen(page)
    page.goto(f"{live_server.url}/forum/membres/{bob.member.public_id}/")
    page.get_by_role("button", name="Bloquer").click()
    expect(page.get_by_role("button", name="Débloquer")).to_be_visible()

    # Bob cannot start another conversation with her, and reads no word of a block.
    bob_page.goto(f"{live_server.url}/conversations/nouvelle/")
    bob_page.get_by_label("Avec").fill("Lande Bretonne")
    bob_page.get_by_label("Message").fill("Encore moi.")
    bob_page.get_by_role("button", name="Envoyer").click()
    expect(bob_page.locator("main")).to_contain_text("cette personne ne peut pas être ajoutée")
    expect(bob_page.get_by_label("Message")).to_have_value("Encore moi.")
    assert "bloqu" not in bob_page.locator("main").inner_text().lower()
    assert fits_the_screen(bob_page)
