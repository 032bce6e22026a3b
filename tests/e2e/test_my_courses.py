"""« Mes cours » in a browser, at phone and desktop widths: a finished course and one in progress."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from privatespace import courses
from tests import factories
from tests.e2e.conftest import sign_in
from tests.privatespace.factories import make_course

WIDTHS = pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@WIDTHS
@pytest.mark.django_db(transaction=True)
def test_my_courses_shows_how_far_the_member_got_and_what_is_finished(page, live_server, viewport,
                                                                     screenshot, alice, bob):
    finished = make_course(alice, title="Accueillir la personne", publish=True)
    follow = courses.follow_course(finished, actor=bob)
    for lesson in finished.ordered_lessons():
        courses.complete_lesson(follow, lesson)
    ongoing = make_course(alice, title="Conduire un premier entretien", modules=3, publish=True)
    follow = courses.follow_course(ongoing, actor=bob)
    first, second, _third = ongoing.ordered_lessons()
    courses.complete_lesson(follow, first)
    courses.record_visit(follow, second)

    sign_in(page, live_server, bob.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/espace-prive/cours/mes-cours/")

    done = page.locator("article", has_text="Accueillir la personne")
    expect(done).to_contain_text("2 leçons terminées sur 2")
    expect(done).to_contain_text("Terminé le")
    expect(done.get_by_role("progressbar")).to_have_attribute("value", "2")
    done.get_by_role("link", name="Revoir").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Leçon 1.1")

    page.go_back()
    current = page.locator("article", has_text="Conduire un premier entretien")
    expect(current).to_contain_text("1 leçon terminée sur 3")
    expect(current).not_to_contain_text("Terminé")
    expect(current.get_by_role("link", name="Reprendre")).to_have_attribute(
        "href", f"/espace-prive/lecons/{second.pk}/")
    screenshot("my-courses")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
