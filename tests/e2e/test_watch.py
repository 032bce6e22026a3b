"""The regulatory watch in a browser at phone, tablet and desktop widths, with a real worker: a
member follows a legal text, sees its new version arrive in her notifications, reads it, and
opens a forum question about it with the text cited."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from forum.models import Category, Topic
from resources import watch
from resources.models import Kind, LegalVersion, LibraryNotice, VersionStatus
from tests import factories
from tests.conftest import start_worker, stop_worker, wait_until
from tests.e2e.conftest import sign_in
from tests.resources.factories import ResourceFactory


@pytest.fixture
def running_worker(tmp_path):
    worker = start_worker(tmp_path / "worker")
    yield worker
    stop_worker(worker)


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_follow_a_text_see_its_new_version_arrive_and_open_a_question(page, live_server, viewport, screenshot,
                                                                      running_worker, alice, mod):
    Category.objects.create(slug="questions-vives", name="Questions vives du métier", position=0)
    text = ResourceFactory(kind=Kind.LEGAL, title="Le projet de transition professionnelle",
                           url="https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000037385634")
    sign_in(page, live_server, alice.email, factories.PASSWORD)

    page.goto(f"{live_server.url}{text.get_absolute_url()}")
    page.get_by_role("button", name="Suivre ce texte").click()
    expect(page.get_by_text("Vous suivez ce texte")).to_be_visible()
    expect(page.get_by_role("button", name="Ne plus suivre ce texte")).to_be_visible()
    assert fits_the_screen(page)
    screenshot("1-following")
    page.get_by_role("link", name="Ma veille").click()
    expect(page.get_by_role("heading", name="Ce que je suis")).to_be_visible()
    expect(page.locator(".follow-item")).to_contain_text("Le projet de transition professionnelle")
    assert fits_the_screen(page)
    screenshot("1b-my-watch")

    # A moderator publishes a new version; the worker tells her.
    version = watch.add_version(text, LegalVersion(
        effective_on=date(2027, 1, 1), status=VersionStatus.UPCOMING,
        change_summary="L'ancienneté requise passe à un an.", text="Nouvelle rédaction."), actor=mod)
    wait_until(lambda: LibraryNotice.objects.filter(member=alice.member).exists(), timeout=60,
               message="the worker told nobody")

    page.goto(f"{live_server.url}/forum/notifications/")
    notice = page.get_by_role("link",
                              name=re.compile("Veille : nouvelle version de « Le projet de transition"))
    expect(notice).to_be_visible()
    assert fits_the_screen(page)
    screenshot("2-notified")
    notice.click()
    page.wait_for_url(re.compile(rf"/ressources/{text.pk}/#version-{version.pk}$"))
    expect(page.locator(f"#version-{version.pk}")).to_contain_text("L'ancienneté requise passe à un an.")

    # One click opens the question, the text cited in it.
    page.get_by_role("link", name="Poser une question sur ce texte").click()
    expect(page.locator("#id_title")).to_have_value(
        "Question sur « Le projet de transition professionnelle »")
    body = page.locator("#id_body")
    expect(body).to_have_value(re.compile(rf"^/ressources/{text.pk}/"))
    body.fill(body.input_value() + "Faut-il compter les CDD dans l'ancienneté ?")
    assert fits_the_screen(page)
    screenshot("3-question")
    page.get_by_role("button", name="Publier le sujet").click()
    page.wait_for_url(re.compile(r"/forum/sujet/\d+/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Question sur « Le projet de transition")
    expect(page.locator("main")).to_contain_text("Faut-il compter les CDD")
    expect(page.locator("main").get_by_text("Le projet de transition professionnelle").first).to_be_visible()
    assert Topic.objects.get().kind == "question"
    screenshot("4-asked")
