"""What the pages look like at phone, tablet and desktop widths: links drawn as buttons are the
same box as buttons, the list filters fold on a phone so that the first result is on the first
screen, and words wrap whole where a narrow column used to cut them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from enrolment import demo
from enrolment.models import Application, Status
from privatespace import services as privatespace
from resources.models import Chapter, Kind, Public, ServiceLevel, Video, VideoRendition
from tests import factories
from tests.e2e.conftest import VIEWPORTS, sign_in
from tests.enrolment.factories import make_application
from tests.factories import with_totp
from tests.privatespace.helpers import pdf_upload
from tests.resources.factories import ResourceFactory, ThemeFactory

ALL_WIDTHS = pytest.mark.parametrize("viewport", list(VIEWPORTS), indirect=True)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

# The box of an element and of its visible text (a visually hidden part left out).
BOX = """element => {
  const box = element.getBoundingClientRect(), style = getComputedStyle(element);
  const rects = [];
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    if (!node.textContent.trim() || node.parentElement.closest('.visually-hidden')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    rects.push(...[...range.getClientRects()].filter(r => r.width > 2 && r.height > 2));
  }
  return {
    height: box.height, paddingTop: style.paddingTop, paddingBottom: style.paddingBottom,
    lineHeight: style.lineHeight, fontSize: style.fontSize, alignItems: style.alignItems,
    above: Math.min(...rects.map(r => r.top)) - box.top,
    below: box.bottom - Math.max(...rects.map(r => r.bottom)),
  };
}"""

# Every place under ``root`` where a line ends between two letters of a word, which the
# browser does only when it breaks a word (no hyphenation dictionary in the test's Chromium).
WORDS_CUT = """root => {
  const cut = [], letter = /[\\p{L}\\p{N}]/u;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const text = node.textContent;
    if (!node.parentElement.getClientRects().length) continue;
    let previous = null;
    for (let i = 0; i < text.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (!rect) continue;
      if (previous !== null && rect.top > previous + 2 && letter.test(text[i - 1]) && letter.test(text[i])) {
        const start = text.slice(0, i).search(/\\S+$/), end = text.slice(i).search(/\\s|$/);
        const token = !!node.parentElement.closest('.ps-file-name');
        cut.push({word: text.slice(start, i + end), tokenAllowed: token});
      }
      previous = rect.top;
    }
  }
  return cut;
}"""


def box(locator) -> dict:
    return locator.evaluate(BOX)


def assert_same_box(link, button) -> None:
    drawn_link, drawn_button = box(link), box(button)
    for key in ("height", "paddingTop", "paddingBottom", "lineHeight", "fontSize", "alignItems"):
        assert drawn_link[key] == drawn_button[key], (key, drawn_link, drawn_button)
    for drawn in (drawn_link, drawn_button):
        # The text sits in the middle of its box, not at the top.
        assert abs(drawn["above"] - drawn["below"]) <= 1.5, drawn


def words_cut(page, selector: str) -> list[dict]:
    return [cut for root in page.locator(selector).all() for cut in root.evaluate(WORDS_CUT)]


@pytest.fixture
def library(alice):
    droit = ThemeFactory(slug="droit", name="Droit de la formation")
    ResourceFactory(kind=Kind.LEGAL, title="Le compte personnel de formation",
                    summary="L'éligibilité des formations au CPF.", themes=[droit],
                    service_level=ServiceLevel.LEVEL_2, public=Public.EMPLOYEES)
    for index in range(4):
        ResourceFactory(kind=Kind.LINK, title=f"Lien utile {index}", url="https://example.org/")
    return droit


@ALL_WIDTHS
@pytest.mark.django_db(transaction=True)
def test_a_link_drawn_as_a_button_is_the_same_box_as_a_button(page, live_server, viewport, alice,
                                                             library, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    sign_in(page, live_server, "alice.martin@apec.fr", factories.PASSWORD)
    page.goto(f"{live_server.url}/ressources/")
    search = page.locator("form[role=search]")
    assert_same_box(search.get_by_role("link", name="Tout effacer"),
                    search.get_by_role("button", name="Rechercher"))

    # The small ones too: a folder's « Renommer » link beside its « Supprimer » button.
    folder = privatespace.create_folder(actor=alice, name="Outils d'entretien")
    page.goto(f"{live_server.url}/espace-prive/fichiers/?dossier={folder.pk}")
    actions = page.locator(".ps-folder-actions")
    assert_same_box(actions.get_by_role("link", name="Renommer le dossier"),
                    actions.get_by_role("button", name="Supprimer le dossier"))


@ALL_WIDTHS
@pytest.mark.django_db(transaction=True)
def test_the_library_s_filters_fold_on_a_phone_and_the_first_result_shows(page, live_server,
                                                                         viewport, screenshot,
                                                                         library):
    sign_in(page, live_server, "alice.martin@apec.fr", factories.PASSWORD)
    page.goto(f"{live_server.url}/ressources/")
    fold = page.locator("details.filters-fold")
    kind = page.get_by_label("Type")
    first = page.locator(".resource-list > li").first
    if viewport == "phone":
        assert not fold.evaluate("details => details.open")
        expect(kind).to_be_hidden()
        expect(page.get_by_role("searchbox", name="Rechercher")).to_be_visible()
        top = first.bounding_box()["y"] + page.evaluate("window.scrollY")
        assert top < page.viewport_size["height"], f"first result at {top} px"
        screenshot("folded")
        # With the keyboard: the summary takes the focus and opens the filters.
        fold.locator("summary").focus()
        page.keyboard.press("Enter")
    else:
        expect(fold).to_have_attribute("open", "")
    expect(kind).to_be_visible()
    kind.select_option(label="texte juridique")
    page.get_by_role("button", name="Rechercher").click()

    # A filter is set: the fold stands open, at every width, and says how many.
    expect(page.locator(".resource-list article")).to_have_count(1)
    expect(fold).to_have_attribute("open", "")
    expect(fold.locator("summary")).to_have_text("Filtrer · 1 actif")
    expect(kind).to_be_visible()
    screenshot("filtered")


@ALL_WIDTHS
@pytest.mark.django_db(transaction=True)
def test_the_operator_queue_s_filters_fold_on_a_phone(page, live_server, viewport, screenshot,
                                                      reference_data, oscar):
    oscar.set_password(factories.PASSWORD)
    oscar.save()
    with_totp(oscar, SECRET)
    for first_name in ("Claire", "Karim", "Lucie"):
        make_application(status=Status.PENDING, first_name=first_name, last_name="Fontaine",
                         manager=oscar)
    Application.objects.update(job_title="Conseiller·ère en évolution professionnelle",
                               structure_name="Centre interprofessionnel d'accompagnement")
    sign_in(page, live_server, oscar.email, factories.PASSWORD)
    page.locator("#id_code").fill(demo.totp_code(SECRET))
    page.locator("#id_code").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Candidatures à valider")

    fold = page.locator("details.filters-fold")
    status = page.get_by_label("État")
    first = page.locator(".queue > li").first
    if viewport == "phone":
        assert not fold.evaluate("details => details.open")
        expect(status).to_be_hidden()
        top = first.bounding_box()["y"] + page.evaluate("window.scrollY")
        assert top + first.bounding_box()["height"] < page.viewport_size["height"], top
        screenshot("folded")
        fold.locator("summary").click()
    else:
        expect(fold).to_have_attribute("open", "")
    expect(status).to_be_visible()
    status.select_option(label="toutes")
    page.get_by_role("button", name="Appliquer").click()
    expect(fold).to_have_attribute("open", "")
    expect(fold.locator("summary")).to_have_text("Filtrer · 1 actif")
    expect(page.locator(".queue > li")).to_have_count(3)
    screenshot("filtered")

    # An application's facts, in a card of half the page from 700 px: its words wrap whole.
    page.locator(".queue > li a").first.click()
    expect(page.locator(".facts")).to_contain_text("Conseiller·ère en évolution professionnelle")
    assert [cut for cut in words_cut(page, ".facts") if "@" not in cut["word"]] == []


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
@pytest.mark.parametrize("width", [360, 480, 600])
@pytest.mark.django_db(transaction=True)
def test_a_video_s_words_wrap_whole_on_a_phone(page, live_server, viewport, screenshot, width,
                                               alice):
    page.set_viewport_size({"width": width, "height": 740})
    resource = ResourceFactory(
        kind=Kind.VIDEO, title="Entretien de professionnalisation : accompagnement intercommunautaire",
        summary="L'accompagnement des reconversions professionnelles interrégionales.",
        source="Association départementale d'accompagnement professionnalisant",
        legal_reference="https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000037385656",
        tags=["accompagnement-intercommunautaire-des-reconversions-professionnelles"])
    video = Video.objects.create(resource=resource, state="ready", duration=754.0,
                                 poster="poster.jpg")
    VideoRendition.objects.create(video=video, height=360, width=640, path=f"{video.folder}/360p.mp4")
    Chapter.objects.create(video=video, title="Présentation des interlocuteurs institutionnels", start=95)

    sign_in(page, live_server, "alice.martin@apec.fr", factories.PASSWORD)
    page.goto(f"{live_server.url}/ressources/{resource.pk}/")
    expect(page.locator(".video-player figcaption")).to_contain_text("Durée : 12\u00a0min 34\u00a0s")
    cut = words_cut(page, "main")
    # Only the address, one token longer than the line, may break.
    assert [c["word"] for c in cut if "legifrance" not in c["word"]] == [], cut
    screenshot("detail")

    # Its card in the library, thumbnail beside it.
    page.goto(f"{live_server.url}/ressources/")
    assert words_cut(page, ".resource-list") == []
    screenshot("card")


@pytest.mark.parametrize("viewport", ["phone", "tablet"], indirect=True)
@pytest.mark.django_db(transaction=True)
def test_the_files_table_keeps_words_whole_and_long_names_inside(page, live_server, viewport,
                                                                 screenshot, alice, settings,
                                                                 tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = privatespace.create_folder(actor=alice, name="Outils d'entretien professionnalisant")
    for name in ("Grille d'entretien professionnalisation reconversion.pdf",
                 "compte-rendu_entretien-professionnel_intercommunalite_2026-12-01_definitif.pdf"):
        privatespace.upload_file(actor=alice, uploaded=pdf_upload(name), folder=folder)
    privatespace.upload_file(actor=alice, uploaded=pdf_upload("Trame d'accompagnement.pdf"))

    sign_in(page, live_server, "alice.martin@apec.fr", factories.PASSWORD)
    page.goto(f"{live_server.url}/espace-prive/fichiers/")
    table = page.locator("table.ps-files")
    expect(table.get_by_role("link")).to_have_count(3)
    cut = words_cut(page, "table.ps-files")
    # Ordinary words are never cut; the name made of one long token breaks where it must.
    assert [c for c in cut if not c["tokenAllowed"] or " " in c["word"]] == [], cut
    right = page.evaluate("document.querySelector('table.ps-files').getBoundingClientRect().right")
    assert right <= page.viewport_size["width"]
    # The folder and the size are still there, under the name on a phone.
    expect(table).to_contain_text("Outils d'entretien professionnalisant")
    expect(table).to_contain_text("hors dossier" if viewport == "phone" else "—")
    screenshot("files")


@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
@pytest.mark.django_db(transaction=True)
def test_the_header_s_links_and_its_sign_out_button_line_up(page, live_server, viewport, alice):
    sign_in(page, live_server, "alice.martin@apec.fr", factories.PASSWORD)
    page.goto(f"{live_server.url}/communaute/")
    toggle = page.locator(".nav-toggle")
    if toggle.is_visible():
        toggle.click()
    nav = page.locator("#site-nav")
    link = box(nav.get_by_role("link", name="Mon compte"))
    button = box(nav.get_by_role("button", name="Se déconnecter"))
    # Each text in the middle of its 44 px target, so that on one line they share a baseline.
    for drawn in (link, button):
        assert abs(drawn["above"] - drawn["below"]) <= 1.5, drawn
