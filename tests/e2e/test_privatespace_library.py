"""The private space and the library in a browser, at phone and desktop widths: favourite a
video from its page and find it in the private space; build a course with a library video
lesson and watch it as another member.

The video is made ready in the test's setup by the resources service itself (real ffmpeg on
a generated clip), as the library's own tests do; the worker's pipeline has its own tests.
"""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from privatespace.models import Course, Lesson
from resources import services as resource_services
from resources import transcoding
from resources.models import Kind
from tests import factories
from tests.e2e.conftest import sign_in, wait_for_js
from tests.resources.factories import ResourceFactory

WIDTHS = pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
VTT = b"WEBVTT\n\n00:00.000 --> 00:01.500\nBonjour et bienvenue.\n"
TITLE = "Séquence : le premier entretien"


@pytest.fixture
def ready_video(settings, tmp_path, mod):
    """A published library video, processed and captioned."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    clip = transcoding.generate_test_clip(tmp_path / "clip.mp4", seconds=2, width=640, height=360)
    resource = ResourceFactory(kind=Kind.VIDEO, title=TITLE, summary="Accueillir la personne.")
    copy = tmp_path / "upload.mp4"
    shutil.copyfile(clip, copy)
    video = resource_services.attach_video(resource, copy, original_size=clip.stat().st_size, queue=False)
    assert resource_services.process_video(video.pk) == "ready"
    resource_services.attach_caption(video, VTT, actor=mod)
    return resource


def fits_the_screen(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def check_the_player(page, live_server) -> None:
    player = page.locator("video#player")
    expect(player).to_be_visible()
    expect(player.locator("track[kind=subtitles]")).to_have_attribute("srclang", "fr")
    source = player.locator("source").first.get_attribute("src")
    served = page.request.get(f"{live_server.url}{source}", headers={"Range": "bytes=0-1023"})
    assert served.status == 206 and served.headers["content-type"] == "video/mp4"
    # Debian's Chromium plays H.264/AAC; a build without those codecs stops at the checks above.
    h264 = 'video/mp4; codecs="avc1.4D401F, mp4a.40.2"'
    if page.evaluate("type => document.createElement('video').canPlayType(type)", h264):
        wait_for_js(page, "document.querySelector('video#player').readyState >= 1", timeout=30_000)
        duration = page.evaluate("document.querySelector('video#player').duration")
        assert duration == pytest.approx(2, abs=0.5)


@WIDTHS
@pytest.mark.django_db(transaction=True)
def test_a_member_favourites_a_video_from_its_page_and_finds_it_in_the_private_space(
        page, live_server, viewport, screenshot, alice, ready_video):
    sign_in(page, live_server, "alice.martin@apec.fr", factories.PASSWORD)
    page.goto(f"{live_server.url}{ready_video.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)

    page.get_by_role("button", name="Ajouter à mes favoris").click()
    expect(page.get_by_role("button", name="Dans mes favoris")).to_have_attribute("aria-pressed", "true")
    screenshot("saved")
    fits_the_screen(page)

    page.goto(f"{live_server.url}/espace-prive/favoris/")
    card = page.locator(".ps-favourite-card", has_text=TITLE)
    expect(card).to_contain_text("séquence vidéo")
    screenshot("favourites")
    fits_the_screen(page)
    card.get_by_role("link", name=TITLE, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    check_the_player(page, live_server)


@WIDTHS
@pytest.mark.django_db(transaction=True)
def test_a_member_builds_a_course_with_a_library_video_that_another_member_watches(
        page, live_server, viewport, screenshot, alice, bob, ready_video):
    sign_in(page, live_server, "alice.martin@apec.fr", factories.PASSWORD)
    page.goto(f"{live_server.url}/espace-prive/cours/nouveau/")
    page.locator("#id_title").fill("Accueillir en vidéo")
    page.get_by_label("Résumé").fill("Une séquence filmée à regarder.")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_label("Titre du module").fill("Le premier contact")
    page.get_by_role("button", name="Ajouter le module").click()
    page.get_by_role("link", name="Ajouter une leçon — Le premier contact").click()

    page.get_by_label("Titre de la leçon").fill("Regarder l'entretien")
    page.get_by_label("élément de la bibliothèque", exact=True).check()
    # The live search offers published resources as one types.
    page.get_by_label("Chercher dans la bibliothèque").fill("entretien")
    found = page.locator("#library-found")
    found.get_by_label(TITLE).check()
    screenshot("lesson-form")
    fits_the_screen(page)
    page.get_by_role("button", name="Enregistrer la leçon").click()
    expect(page.locator(".messages")).to_contain_text("Leçon ajoutée")
    lesson = Lesson.objects.get()
    assert lesson.library_id == ready_video.pk

    page.goto(f"{live_server.url}/espace-prive/cours/{Course.objects.get().pk}/construire/")
    page.get_by_role("button", name="Publier pour la communauté").click()
    expect(page.locator(".messages")).to_contain_text("Le cours est publié")

    # bob, another member, follows the course and watches the video in the lesson.
    page.context.clear_cookies()
    sign_in(page, live_server, bob.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/espace-prive/cours/")
    page.get_by_role("link", name="Accueillir en vidéo").click()
    page.get_by_role("button", name="Suivre ce cours").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Regarder l'entretien")
    check_the_player(page, live_server)
    expect(page.locator(".ps-library-card")).to_contain_text(TITLE)
    screenshot("lesson")
    fits_the_screen(page)
    page.get_by_role("button", name="Terminer le cours").click()
    expect(page.locator(".messages")).to_contain_text("Bravo, vous avez terminé le cours !")
