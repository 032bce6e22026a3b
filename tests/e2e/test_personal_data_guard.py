"""The personal data guard in a browser, at phone and desktop widths: a reply carrying a
phone number is questioned, the passage highlighted; the author confirms and it is published."""

import pytest
from playwright.sync_api import expect

from forum import services
from forum.models import Category, Post, StartPolicy
from tests import factories
from tests.e2e.conftest import sign_in

PHONE = "06 12 34 56 78"


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
@pytest.mark.django_db(transaction=True)
def test_a_reply_with_a_phone_number_is_questioned_highlighted_then_confirmed(
        page, live_server, viewport, screenshot, alice, bob):
    category = Category.objects.create(slug="echanges", name="Échanges de pratiques",
                                       start_policy=StartPolicy.MEMBERS)
    topic = services.create_topic(actor=alice.member, category=category, title="Relancer un bénéficiaire",
                                  body="Comment relancez-vous ?", rate_limit=False)
    body = f"Je l'ai rappelée au {PHONE} <b>hier</b>, sans réponse."

    sign_in(page, live_server, bob.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/forum/sujet/{topic.pk}/repondre/")
    page.get_by_label("Votre réponse").fill(body)
    page.get_by_role("button", name="Publier ma réponse").click()

    mark = page.locator("mark.personal-data")
    expect(mark).to_have_text(PHONE)
    expect(mark).to_be_visible()
    expect(page.locator(".error-summary")).to_contain_text("données personnelles")
    # What was typed is still there, and shown as text, never as markup.
    expect(page.get_by_label("Votre réponse")).to_have_value(body)
    expect(page.locator(".personal-data-finding")).to_contain_text("<b>hier</b>")
    assert fits_the_screen(page)
    screenshot("1-questioned")
    assert Post.objects.filter(topic=topic).count() == 1

    page.get_by_label("J'ai vérifié : ce texte ne contient pas de données personnelles "
                      "d'un bénéficiaire").check()
    page.get_by_role("button", name="Publier ma réponse").click()

    expect(page.locator("#p2 .post-body")).to_contain_text(f"Je l'ai rappelée au {PHONE}")
    screenshot("2-published")
    assert Post.objects.filter(topic=topic).count() == 2
