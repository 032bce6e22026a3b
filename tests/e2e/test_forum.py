"""The forum in a browser, at phone, tablet and desktop widths.

Alice opens a question; Bob replies quoting her and mentioning the moderator;
Alice is notified, accepts Bob's answer; a flag on a post reaches the moderation
queue, the moderator hides it with a reason, and its author sees that reason.
"""

import pytest
from playwright.sync_api import expect

from comcep.roles import Role
from forum.models import Category, Post, StartPolicy
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
def test_a_question_is_asked_answered_with_a_quote_and_a_mention_and_accepted(
        page, live_server, viewport, screenshot, as_person, alice, bob, mod):
    Category.objects.create(slug="echanges", name="Échanges de pratiques", start_policy=StartPolicy.MEMBERS)

    # Alice opens a question.
    sign_in(page, live_server, alice.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/forum/")
    page.get_by_role("link", name="Échanges de pratiques").first.click()
    page.get_by_role("link", name="Nouveau sujet").click()
    page.get_by_label("Titre").fill("Financer une VAE en cours de CEP ?")
    page.get_by_label("Type").select_option("question")
    page.get_by_label("Mots-clés").fill("vae, financement")
    page.get_by_label("Message").fill("Quelles **pistes** de financement proposez-vous ?")
    screenshot("1-new-topic")
    page.get_by_role("button", name="Publier le sujet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Financer une VAE")
    expect(page.locator(".post-body strong")).to_have_text("pistes")
    assert fits_the_screen(page)

    # Bob quotes her and mentions the moderator, picked from the suggestions.
    bob_page = as_person(bob)
    bob_page.goto(f"{live_server.url}/forum/")
    bob_page.get_by_role("link", name="Financer une VAE en cours de CEP ?").click()
    bob_page.get_by_role("link", name="Citer").first.click()
    body = bob_page.locator("textarea[name=body]")
    assert "Lande Bretonne" in body.input_value()
    body.focus()
    bob_page.keyboard.press("Control+End")
    bob_page.keyboard.type("Le projet de transition professionnelle, et demandez à @Pha")
    bob_page.get_by_role("option", name="Phare du Forum").click()
    assert "@[Phare du Forum]" in body.input_value()
    screenshot_page(bob_page, screenshot, "2-reply-with-quote")
    bob_page.get_by_role("button", name="Publier ma réponse").click()
    reply = bob_page.locator("article.post").nth(1)
    expect(reply.locator("blockquote")).to_contain_text("Quelles pistes")
    expect(reply.get_by_role("link", name="@Phare du Forum")).to_be_visible()

    # Alice sees a notification and follows it to the reply.
    page.goto(f"{live_server.url}/forum/")
    expect(page.locator(".notifications-link .count").first).to_have_text("1")
    page.goto(f"{live_server.url}/forum/notifications/")
    page.get_by_role("link", name="Bob le Bâtisseur vous a cité·e").click()
    expect(page.locator("article.post").nth(1)).to_contain_text("projet de transition")
    screenshot("3-notified")

    # She accepts his answer.
    page.get_by_role("button", name="Accepter cette réponse").click()
    expect(page.locator("article.post-accepted")).to_contain_text("réponse acceptée")
    expect(page.get_by_role("heading", level=1)).to_contain_text("résolue")
    assert fits_the_screen(page)
    screenshot("4-accepted")

    # The moderator was told of the mention.
    mod_page = as_person(mod)
    mod_page.goto(f"{live_server.url}/forum/notifications/")
    expect(mod_page.get_by_role("link", name="Bob le Bâtisseur vous a mentionné·e")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_a_flagged_post_is_hidden_by_a_moderator_and_its_author_sees_why(
        page, live_server, viewport, screenshot, as_person, alice, bob, mod):
    from forum import services

    category = Category.objects.create(slug="questions", name="Questions vives du métier")
    topic = services.create_topic(actor=alice.member, category=category, title="La neutralité du conseil",
                                  body="Comment la garantir ?", rate_limit=False)
    services.create_post(actor=bob.member, topic=topic, body="Mon chef d'agence à Vannes est incompétent.",
                         rate_limit=False)

    # Alice flags Bob's post.
    sign_in(page, live_server, alice.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/forum/sujet/{topic.pk}/?page=1")
    page.locator("article.post").nth(1).get_by_role("link", name="Signaler").click()
    page.get_by_label("propos irrespectueux ou agressifs").check()
    page.get_by_label("Précisions (facultatif)").fill("Vise une personne reconnaissable.")
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.locator(".messages")).to_contain_text("l'équipe d'animation va examiner")

    # The moderator finds it in the queue and hides it with a reason.
    mod_page = as_person(mod)
    mod_page.goto(f"{live_server.url}/forum/moderation/")
    expect(mod_page.locator(".flagged")).to_contain_text("Vise une personne reconnaissable.")
    mod_page.get_by_label("Raison (montrée à l'auteur·rice)").fill("Propos visant une personne identifiable.")
    screenshot_page(mod_page, screenshot, "1-moderation-queue")
    mod_page.get_by_role("button", name="Masquer le message").click()
    expect(mod_page.locator(".messages")).to_contain_text("Le message est masqué")
    assert Post.objects.get(number=2).is_hidden

    # Its author sees it hidden, with the reason; Alice sees only that it was hidden.
    bob_page = as_person(bob)
    bob_page.goto(f"{live_server.url}/forum/sujet/{topic.pk}/?page=1")
    expect(bob_page.locator(".hidden-note")).to_contain_text("Propos visant une personne identifiable.")
    screenshot_page(bob_page, screenshot, "2-author-sees-reason")
    page.reload()
    expect(page.locator(".hidden-note")).to_contain_text("Message masqué")
    expect(page.locator("body")).not_to_contain_text("incompétent")
    assert fits_the_screen(bob_page)

    # Bob rewrites it and asks for a review; another moderator restores the new text.
    bob_page.get_by_role("link", name="Modifier et demander une relecture, ou contester").click()
    bob_page.get_by_label("J'ai modifié mon message : relisez-le").check()
    bob_page.get_by_label("Votre message modifié").fill("L'organisation de mon agence me pose question.")
    bob_page.get_by_role("button", name="Envoyer ma demande").click()
    expect(bob_page.locator(".messages")).to_contain_text("Votre demande est envoyée")
    colleague = factories.make_member(pseudonym="Vigie Bienveillante", role=Role.MODERATOR)
    colleague_page = as_person(colleague)
    colleague_page.goto(f"{live_server.url}/forum/moderation/")
    expect(colleague_page.locator("#relectures ~ article")).to_contain_text("me pose question")
    colleague_page.get_by_label("Rétablir le message modifié").check()
    colleague_page.get_by_role("button", name="Décider").click()
    expect(colleague_page.locator(".messages")).to_contain_text("Décision enregistrée")
    page.reload()
    expect(page.locator("article.post").nth(1)).to_contain_text("me pose question")


def screenshot_page(page, screenshot, step):
    """The screenshot fixture shoots the main page; this shoots another persona's over it."""
    path = screenshot(step)
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["desktop"], indirect=True)
def test_a_reply_sent_twice_from_the_browser_publishes_one_post(live_server, viewport, screenshot,
                                                                 as_person, alice, bob):
    """Chromium itself drops an identical form submission while the first is pending, so a double
    click there sends one request; a network that retries, or another browser, sends two. The
    second one here is the very request the page's form sent, with the browser's cookies."""
    import re

    from forum import services

    category = Category.objects.create(slug="echanges", name="Échanges de pratiques", position=0)
    topic = services.create_topic(actor=alice.member, category=category, title="Un double envoi",
                                  body="Répondez une fois.", rate_limit=False)
    bob_page = as_person(bob)
    bob_page.goto(f"{live_server.url}/forum/sujet/{topic.pk}/?page=1")
    form = bob_page.locator("form[data-draft-topic]")
    form.locator("#id_body").fill("Une seule réponse, même envoyée deux fois.")
    sent = {name: form.locator(f"input[name={name}]").input_value()
            for name in ("csrfmiddlewaretoken", "submission_token")}

    form.get_by_role("button", name="Publier ma réponse").click()
    bob_page.wait_for_url(re.compile(r"/forum/sujet/\d+/\?page=1#p\d+$"))
    again = bob_page.request.post(f"{live_server.url}/forum/sujet/{topic.pk}/repondre/", max_redirects=0,
                                  form={**sent, "body": "Une seule réponse, même envoyée deux fois."})

    post = Post.objects.get(topic=topic, author=bob.member)
    assert again.status == 302 and again.headers["location"] == f"/forum/message/{post.pk}/"
    bob_page.reload()
    expect(bob_page.locator("article.post")).to_have_count(2)
    screenshot_page(bob_page, screenshot, "reply-once")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_topic_opens_at_the_first_unread_post_without_a_redirect(live_server, viewport, as_person,
                                                                   alice, bob):
    from forum import services

    category = Category.objects.create(slug="echanges", name="Échanges de pratiques", position=0)
    topic = services.create_topic(actor=alice.member, category=category, title="Un long fil",
                                  body="Le début du fil.", rate_limit=False)
    for n in range(2, 13):
        services.create_post(actor=bob.member, topic=topic, body=f"Réponse numéro {n}.\n\n" * 8,
                             rate_limit=False)
    services.mark_read(alice.member, topic, 8)
    page = as_person(alice)

    response = page.goto(f"{live_server.url}/forum/sujet/{topic.pk}/")

    assert response.request.redirected_from is None
    assert page.url.endswith(f"/forum/sujet/{topic.pk}/")
    expect(page.locator("#p9")).to_be_in_viewport()
    expect(page.locator("#p1")).not_to_be_in_viewport()
