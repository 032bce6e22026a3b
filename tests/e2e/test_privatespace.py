"""The private space in a browser, at phone and desktop widths: upload a file;
build a two-module course with a text lesson and a quiz, publish it, and
follow it to the end as another member. Favouriting a library video and a
course with a video lesson are in test_privatespace_library.py.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from privatespace import courses
from privatespace.models import Course, PrivateFile
from tests import factories
from tests.e2e.conftest import sign_in
from tests.privatespace.helpers import PDF_BYTES

# A real PDF with nothing to strip: uploads are cleaned of metadata, and this one comes back as sent.
PDF = PDF_BYTES
WIDTHS = pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def fits_the_screen(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@WIDTHS
@pytest.mark.django_db(transaction=True)
def test_a_member_uploads_a_file_into_a_folder(page, live_server, viewport, screenshot, alice):
    sign_in(page, live_server, "alice.martin@apec.fr", factories.PASSWORD)
    page.goto(f"{live_server.url}/espace-prive/fichiers/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mes fichiers")

    page.get_by_label("Nouveau dossier").fill("Outils d'entretien")
    page.get_by_role("button", name="Créer le dossier").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Outils d'entretien")

    page.locator("#id_upload").set_input_files(
        files=[{"name": "grille.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_label("Nom affiché (facultatif)").fill("Grille d'entretien")
    page.get_by_role("button", name="Envoyer", exact=True).click()

    expect(page.locator(".messages")).to_contain_text("« Grille d'entretien » est enregistré")
    expect(page.get_by_role("link", name="Grille d'entretien")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_be_visible()
    fits_the_screen(page)
    screenshot("files")

    page.get_by_role("link", name="Grille d'entretien").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grille d'entretien")
    href = page.get_by_role("link", name="Ouvrir ou télécharger").get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.status == 200 and response.body() == PDF
    screenshot("file-detail")

    # A file of the wrong kind is refused with a clear message, and nothing is kept.
    page.goto(f"{live_server.url}/espace-prive/fichiers/")
    page.locator("#id_upload").set_input_files(
        files=[{"name": "virus.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00binary"}])
    page.get_by_role("button", name="Envoyer", exact=True).click()
    expect(page.locator(".error")).to_contain_text("Ce type de fichier n'est pas accepté")
    assert PrivateFile.objects.count() == 1


@WIDTHS
@pytest.mark.django_db(transaction=True)
def test_a_member_builds_and_publishes_a_course_that_another_follows_to_the_end(
        page, live_server, viewport, screenshot, alice, bob):
    sign_in(page, live_server, "alice.martin@apec.fr", factories.PASSWORD)
    page.goto(f"{live_server.url}/espace-prive/cours/nouveau/")
    page.locator("#id_title").fill("Le premier entretien CEP")
    page.get_by_label("Résumé").fill("Accueillir, écouter, co-construire.")
    page.get_by_role("button", name="Enregistrer").click()

    for module_title, lesson_title, text in [
        ("Accueillir", "Le premier contact", "## Écouter\n\nLaissez la personne **raconter**."),
        ("Co-construire", "Le plan d'action", "Un plan en *trois* étapes."),
    ]:
        page.get_by_label("Titre du module").fill(module_title)
        page.get_by_role("button", name="Ajouter le module").click()
        page.get_by_role("link", name=f"Ajouter une leçon — {module_title}").click()
        page.get_by_label("Titre de la leçon").fill(lesson_title)
        page.get_by_label("Texte (Markdown)").fill(text)
        page.get_by_role("button", name="Enregistrer la leçon").click()
        if module_title == "Accueillir":
            page.locator("#id_prompt").fill("Que faire en premier ?")
            page.locator("#id_choice_0").fill("Écouter la personne")
            page.locator("#id_feedback_0").fill("Oui : l'écoute d'abord.")
            page.locator("#id_choice_1").fill("Proposer une formation")
            page.locator("#id_feedback_1").fill("Trop tôt.")
            page.locator("input[name=correct][value='0']").check()
            page.get_by_role("button", name="Ajouter la question").click()
            expect(page.locator("#quiz")).to_contain_text("Que faire en premier ?")
            screenshot("lesson-form")
        page.goto(f"{live_server.url}/espace-prive/cours/{Course.objects.get().pk}/construire/")

    screenshot("builder")
    fits_the_screen(page)
    page.get_by_role("button", name="Publier pour la communauté").click()
    expect(page.locator(".messages")).to_contain_text("Le cours est publié")

    # bob, another member, finds it, follows it and goes to the end.
    page.context.clear_cookies()
    sign_in(page, live_server, bob.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/espace-prive/cours/")
    page.get_by_role("link", name="Le premier entretien CEP").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Le premier entretien CEP")
    # One click saves it to bob's favourites; htmx swaps the button in place.
    page.get_by_role("button", name="Ajouter à mes favoris").click()
    expect(page.get_by_role("button", name="Dans mes favoris")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Suivre ce cours").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Le premier contact")
    page.get_by_label("Proposer une formation").check()
    page.get_by_role("button", name="Valider mes réponses").click()
    expect(page.locator(".ps-feedback")).to_contain_text("Trop tôt.")
    page.get_by_label("Écouter la personne").check()
    page.get_by_role("button", name="Valider mes réponses").click()
    expect(page.locator(".ps-feedback")).to_contain_text("Oui : l'écoute d'abord.")
    screenshot("quiz")
    fits_the_screen(page)
    page.get_by_role("button", name="Terminer et continuer").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Le plan d'action")
    page.get_by_role("button", name="Terminer le cours").click()
    expect(page.locator(".messages")).to_contain_text("Bravo, vous avez terminé le cours !")
    expect(page.locator("main")).to_contain_text("2 leçons terminées sur 2")
    screenshot("finished")
    page.goto(f"{live_server.url}/espace-prive/favoris/")
    expect(page.locator("main")).to_contain_text("Le premier entretien CEP")
    screenshot("favourites")

    # The author sees one follower, by pseudonym.
    page.context.clear_cookies()
    sign_in(page, live_server, "alice.martin@apec.fr", factories.PASSWORD)
    page.goto(f"{live_server.url}/espace-prive/cours/{Course.objects.get().pk}/apprenants/")
    expect(page.locator("table")).to_contain_text("Bob le Bâtisseur")
    expect(page.locator("table")).to_contain_text("2 / 2")


def lesson_titles(page) -> list[str]:
    return page.locator(".ps-lessons > li > a").all_inner_texts()


@pytest.mark.django_db(transaction=True)
def test_lessons_reorder_by_drag_and_drop_and_with_the_keyboard(page, live_server, alice):
    page.set_viewport_size({"width": 1280, "height": 800})
    course = courses.create_course(actor=alice, title="Cours à ordonner")
    module = courses.add_module(course, title="Module")
    for title in ("Un", "Deux", "Trois"):
        courses.add_lesson(module, actor=alice, content=courses.LessonContent(title=title, body="Texte"))
    sign_in(page, live_server, "alice.martin@apec.fr", factories.PASSWORD)
    page.goto(f"{live_server.url}/espace-prive/cours/{course.pk}/construire/")
    assert lesson_titles(page) == ["Un", "Deux", "Trois"]

    # Drag "Trois" above "Un"; the new order is saved.
    with page.expect_response(lambda r: "/lecons/ordre/" in r.url and r.status == 204):
        page.locator(".ps-lessons > li", has_text="Trois").drag_to(
            page.locator(".ps-lessons > li", has_text="Un"), target_position={"x": 20, "y": 2})
    page.reload()
    assert lesson_titles(page) == ["Trois", "Un", "Deux"]

    # Without a mouse: focus the "down" arrow of "Trois" and press Enter.
    page.get_by_role("button", name="Descendre Trois").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert lesson_titles(page) == ["Un", "Trois", "Deux"]
