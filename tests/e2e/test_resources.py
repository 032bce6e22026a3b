"""The library in a browser, at phone and desktop widths: find a resource, upload and watch a
video (with a real worker), publish a regional action."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from resources import transcoding
from resources.models import Kind, Public, RegionalAction, ServiceLevel, Status, Video
from tests import factories
from tests.conftest import start_worker, stop_worker
from tests.e2e.conftest import sign_in, wait_for_js
from tests.resources.factories import ResourceFactory, ThemeFactory

WIDTHS = pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@WIDTHS
@pytest.mark.django_db(transaction=True)
def test_a_member_finds_a_resource_by_search_and_filter(page, live_server, viewport, screenshot,
                                                        alice):
    droit = ThemeFactory(slug="droit", name="Droit de la formation")
    ResourceFactory(kind=Kind.LEGAL, title="Le compte personnel de formation",
                    summary="L'éligibilité des formations au CPF.",
                    legal_reference="article L6323-6 du Code du travail", themes=[droit],
                    tags=["cpf"], service_level=ServiceLevel.LEVEL_2, public=Public.EMPLOYEES)
    ResourceFactory(kind=Kind.DOCUMENT, title="Guide sur la formation des salariés",
                    summary="Un guide sur la formation.")
    for index in range(5):
        ResourceFactory(kind=Kind.LINK, title=f"Lien utile {index}", url="https://example.org/")

    sign_in(page, live_server, "alice.martin@apec.fr", factories.PASSWORD)
    page.goto(f"{live_server.url}/ressources/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ressources")
    no_sideways_scroll(page)

    # Accents and plurals are folded.
    page.get_by_role("searchbox", name="Rechercher").fill("eligibilite formations")
    if viewport == "phone":  # the filters fold under the search on a phone
        page.locator("details.filters-fold > summary").click()
    page.get_by_label("Type").select_option(label="texte juridique")
    page.get_by_role("button", name="Rechercher").click()
    results = page.locator(".resource-list article")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Le compte personnel de formation")
    screenshot("results")
    no_sideways_scroll(page)

    results.first.get_by_role("link", name="Le compte personnel de formation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Le compte personnel de formation")
    expect(page.locator("main")).to_contain_text("article L6323-6 du Code du travail")
    screenshot("resource")
    no_sideways_scroll(page)


@pytest.fixture
def media_worker(transactional_db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    running = start_worker(tmp_path / "worker", extra_env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)})
    yield running
    stop_worker(running)


@WIDTHS
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_member_uploads_a_video_and_watches_it_once_ready(page, live_server, viewport, screenshot,
                                                            mod, media_worker, tmp_path):
    clip = transcoding.generate_test_clip(tmp_path / "ma-sequence.mp4", seconds=3)
    mod_email = mod.email
    sign_in(page, live_server, mod_email, factories.PASSWORD)
    page.goto(f"{live_server.url}/ressources/proposer/video/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verser une vidéo")
    page.get_by_label("Titre").fill("Séquence : accueillir la personne")
    page.get_by_label("Résumé").fill("Une séquence de démonstration.")
    page.get_by_label("Fichier vidéo").set_input_files(str(clip))
    screenshot("form")
    page.get_by_role("button", name="Envoyer la vidéo").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Séquence : accueillir la personne")
    screenshot("processing")
    # The page polls the worker's progress and shows the player once a rendition is ready.
    player = page.locator("video#player")
    expect(player).to_be_visible(timeout=120_000)
    expect(page.locator(".video-state")).not_to_contain_text("Traitement en cours", timeout=120_000)
    video = Video.objects.get()
    assert video.state == "ready", video.failure_detail
    source = player.locator("source").first.get_attribute("src")
    served = page.request.get(f"{live_server.url}{source}", headers={"Range": "bytes=0-1023"})
    assert served.status == 206 and served.headers["content-type"] == "video/mp4"
    # Debian's Chromium plays H.264/AAC; a build without those codecs stops at the checks above.
    h264 = 'video/mp4; codecs="avc1.4D401F, mp4a.40.2"'
    if page.evaluate("type => document.createElement('video').canPlayType(type)", h264):
        wait_for_js(page, "document.querySelector('video#player').readyState >= 1", timeout=30_000)
        duration = page.evaluate("document.querySelector('video#player').duration")
        assert duration == pytest.approx(3, abs=0.5)
        page.evaluate("document.querySelector('video#player').currentTime = 1")
        wait_for_js(page, "document.querySelector('video#player').currentTime >= 1")
    screenshot("ready")
    no_sideways_scroll(page)


@WIDTHS
@pytest.mark.django_db(transaction=True)
def test_regional_staff_publish_an_action_that_members_then_see(page, live_server, viewport,
                                                                screenshot, rita, alice):
    sign_in(page, live_server, rita.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/ressources/actions/gerer/")
    page.get_by_role("link", name="Publier une action").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publier une action")
    region = page.get_by_label("Région")
    expect(region.locator("option:checked")).to_have_text("Bretagne")
    expect(region.locator("option", has_text="Pays de la Loire")).to_have_count(0)

    day = timezone.localdate() + timedelta(days=5)
    page.get_by_label("Titre").fill("Atelier : accompagner les reconversions")
    page.get_by_label("Description").fill("Une matinée d'échanges entre conseillers.")
    page.locator("#id_date").fill(day.isoformat())
    page.get_by_label("Heure de début").fill("09:30")
    page.get_by_label("Heure de fin").fill("12:00")
    page.get_by_label("Lieu").fill("Rennes")
    page.get_by_label("Organisateur").fill("GREF Bretagne")
    page.get_by_label("Nombre de places").fill("20")
    screenshot("form")
    page.get_by_role("button", name="Publier l'action").click()

    expect(page.locator(".messages")).to_contain_text("L'action est publiée.")
    expect(page.locator("main")).to_contain_text("Atelier : accompagner les reconversions")
    action = RegionalAction.objects.get()
    assert action.resource.status == Status.PUBLISHED and action.resource.region.code == "53"
    screenshot("published")
    no_sideways_scroll(page)

    # A member of Bretagne sees it in their list and calendar.
    page.context.clear_cookies()
    sign_in(page, live_server, "alice.martin@apec.fr", factories.PASSWORD)
    page.goto(f"{live_server.url}/ressources/actions/")
    expect(page.locator("main")).to_contain_text("Atelier : accompagner les reconversions")
    page.goto(f"{live_server.url}/ressources/actions/calendrier/{day.year}/{day.month}/")
    expect(page.locator("table.month")).to_contain_text("Atelier")
    screenshot("calendar")
    assert re.search(r"09:30", page.locator("table.month").inner_text())


@pytest.mark.django_db(transaction=True)
def test_the_upload_form_refuses_a_long_video_and_a_non_video_before_processing(
    page, live_server, screenshot, alice, tmp_path, settings
):
    page.set_viewport_size({"width": 360, "height": 740})
    settings.RESOURCES_VIDEO_MAX_SECONDS = 1
    clip = transcoding.generate_test_clip(tmp_path / "trop-longue.mp4", seconds=3)
    notes = tmp_path / "notes.txt"
    notes.write_text("Pas une vidéo.")
    sign_in(page, live_server, "alice.martin@apec.fr", factories.PASSWORD)
    page.goto(f"{live_server.url}/ressources/proposer/video/")
    page.get_by_label("Titre").fill("Essai")
    page.get_by_label("Résumé").fill("Essai.")

    page.get_by_label("Fichier vidéo").set_input_files(str(clip))
    page.get_by_role("button", name="Envoyer la vidéo").click()
    expect(page.locator(".upload-error")).to_have_text("Cette vidéo dépasse la durée maximale acceptée.")

    page.get_by_label("Fichier vidéo").set_input_files(str(notes))
    page.get_by_role("button", name="Envoyer la vidéo").click()
    expect(page.locator("#upload-form")).to_contain_text("n'est pas une vidéo acceptée")
    screenshot("refused")
    assert not Video.objects.exists()
