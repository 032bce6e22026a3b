"""Accessibility in Chromium, as a keyboard and screen-reader user meets the pages.

A form sent back with errors puts the focus on its summary, whose links reach the fields and
whose fields name their errors; the header's focus ring stands out on its blue; the regions
page and a quiz fit a 360 px phone, each radio beside its label; the @mention suggestions are
driven with the arrow keys and Enter; an appeal's page repeats no id.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from enrolment import demo
from enrolment.models import Status
from forum.models import Category, StartPolicy
from privatespace import courses
from tests import factories
from tests.e2e.conftest import sign_in
from tests.enrolment.factories import make_application
from tests.privatespace.factories import make_course

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
both_widths = pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
phone = pytest.mark.parametrize("viewport", ["phone"], indirect=True)

# What a page says about its errors: the focused element, the summary's targets, and every
# aria-describedby id that names no element.
ERROR_STATE = """() => {
  const summary = document.querySelector("[data-error-summary]");
  const links = summary ? [...summary.querySelectorAll("a[href^='#']")] : [];
  const described = [...document.querySelectorAll("[aria-describedby]")];
  return {
    focused: document.activeElement && document.activeElement.hasAttribute("data-error-summary"),
    role: summary && summary.getAttribute("role"),
    title: summary && summary.querySelector(".error-summary-title").textContent.trim(),
    targets: links.map(a => {
      const el = document.getElementById(a.getAttribute("href").slice(1));
      return el ? el.tagName.toLowerCase() : null;
    }),
    invalid: [...document.querySelectorAll("[aria-invalid=true]")].map(el => el.id),
    dangling: described.flatMap(el => el.getAttribute("aria-describedby").split(/\\s+/)
                                        .filter(id => !document.getElementById(id))),
    describedInvalid: [...document.querySelectorAll("[aria-invalid=true]")].map(el =>
        (el.getAttribute("aria-describedby")
         || el.closest("fieldset")?.getAttribute("aria-describedby") || "")
          .split(/\\s+/).some(id => id.endsWith("_error") && document.getElementById(id))),
  };
}"""

DUPLICATE_IDS = """() => {
  const ids = [...document.querySelectorAll("[id]")].map(el => el.id);
  return ids.filter((id, i) => ids.indexOf(id) !== i);
}"""


def totp_code() -> str:
    return demo.totp_code(SECRET)


def sign_in_with_totp(page, live_server, user) -> None:
    user.set_password(factories.PASSWORD)
    user.save()
    factories.with_totp(user, SECRET)
    sign_in(page, live_server, user.email, factories.PASSWORD)
    page.locator("#id_code").fill(totp_code())
    page.locator("#id_code").press("Enter")
    expect(page.locator("#id_code")).to_have_count(0)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def assert_errors_reachable(page, *, count: int) -> None:
    state = page.evaluate(ERROR_STATE)
    assert state["focused"], "the focus is not on the error summary"
    assert state["role"] == "alert"
    expected = f"Le formulaire contient {count} erreur" + ("s" if count > 1 else "")
    assert state["title"] == expected
    assert state["targets"] and None not in state["targets"], state["targets"]
    assert set(state["targets"]) <= {"input", "select", "textarea"}
    assert state["dangling"] == [], state["dangling"]
    assert state["invalid"] and all(state["describedInvalid"]), state


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    def parse(css: str) -> tuple[int, int, int]:
        return tuple(int(float(x)) for x in re.findall(r"[\d.]+", css)[:3])
    la, lb = sorted((relative_luminance(parse(a)), relative_luminance(parse(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.fixture
def practices(reference_data):
    return Category.objects.create(slug="echanges", name="Échanges de pratiques",
                                   start_policy=StartPolicy.MEMBERS)


@both_widths
@pytest.mark.django_db(transaction=True)
def test_a_topic_sent_without_a_title_focuses_the_summary_and_keeps_what_was_typed(
        page, live_server, viewport, screenshot, alice, practices):
    sign_in(page, live_server, alice.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/forum/categorie/{practices.slug}/nouveau-sujet/")
    # Spaces only: the browser lets it through, the server finds the title empty.
    page.get_by_label("Titre").fill("     ")
    page.get_by_label("Mots-clés").fill("vae, financement")
    page.get_by_label("Message").fill("Quelles pistes de financement ?")
    page.get_by_role("button", name="Publier le sujet").click()

    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert_errors_reachable(page, count=1)
    expect(page.get_by_label("Mots-clés")).to_have_value("vae, financement")
    expect(page.get_by_label("Message")).to_have_value("Quelles pistes de financement ?")
    screenshot("summary")
    assert no_horizontal_scroll(page)

    # The summary's link leads to the title, which says what is wrong.
    page.locator("[data-error-summary] a").first.click()
    expect(page.locator("#id_title")).to_be_focused()
    expect(page.get_by_role("textbox", name="Titre")).to_have_accessible_description(
        re.compile("obligatoire"))


@both_widths
@pytest.mark.django_db(transaction=True)
def test_the_application_form_sent_incomplete_lists_each_error_as_a_link_to_its_field(
        page, live_server, viewport, screenshot, reference_data):
    page.goto(f"{live_server.url}/candidature/")
    page.locator("#id_first_name").fill("Claire")
    page.locator("#id_email").fill("claire.fontaine@apec.fr")
    page.locator("#id_password1").fill("un-mot-de-passe-solide")
    page.get_by_role("button", name="Envoyer ma demande").click()

    expect(page.locator("[data-error-summary]")).to_be_focused()
    count = page.locator("[data-error-summary] li").count()
    assert count >= 6  # name, operator, region, structure, job, confirmation, charter
    assert_errors_reachable(page, count=count)
    expect(page.locator("#id_first_name")).to_have_value("Claire")
    expect(page.locator("#id_email")).to_have_value("claire.fontaine@apec.fr")
    expect(page.locator("#id_password1")).to_have_value("")
    screenshot("summary")
    assert no_horizontal_scroll(page)

    # Each link reaches its field.
    for i in range(count):
        link = page.locator("[data-error-summary] a").nth(i)
        target = link.get_attribute("href")[1:]
        link.click()
        expect(page.locator(f"[id='{target}']")).to_be_focused()
        page.locator("[data-error-summary]").focus()


@both_widths
@pytest.mark.django_db(transaction=True)
def test_the_focus_ring_of_every_header_control_stands_out_on_the_blue(
        page, live_server, viewport, alice):
    sign_in(page, live_server, alice.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/communaute/")
    background = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => {
          const el = document.activeElement;
          if (!el.closest('.site-header')) return null;
          const style = getComputedStyle(el);
          return {text: el.textContent.trim(), toggle: el.classList.contains('nav-toggle'),
                  expanded: el.getAttribute('aria-expanded'), color: style.outlineColor,
                  style: style.outlineStyle, width: parseFloat(style.outlineWidth),
                  visible: el.matches(':focus-visible')};
        }""")
        if focused is None:
            if seen:
                break
            continue
        seen.append(focused)
        assert focused["visible"] and focused["style"] != "none" and focused["width"] >= 2, focused
        ratio = contrast(focused["color"], background)
        assert ratio >= 3, f"{focused['text']}: {ratio:.2f}:1"
        if focused["toggle"] and focused["expanded"] == "false":
            page.keyboard.press("Enter")  # the phone's folded menu opens
    names = [item["text"] for item in seen]
    assert "Comcep" in names and "Se déconnecter" in names and "Forum" in names, names
    if viewport == "phone":
        assert any(item["toggle"] for item in seen)


@phone
@pytest.mark.django_db(transaction=True)
def test_the_regions_page_fits_a_phone(page, live_server, viewport, screenshot, paula):
    sign_in_with_totp(page, live_server, paula)
    page.goto(f"{live_server.url}/candidature/plateforme/regions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ouverture des régions")
    screenshot("regions")

    assert no_horizontal_scroll(page)
    # Each "Appliquer" stays inside its card.
    outside = page.evaluate("""() => [...document.querySelectorAll('.region-row')].filter(card => {
        const box = card.getBoundingClientRect();
        const button = card.querySelector('button').getBoundingClientRect();
        return button.right > box.right + 0.5 || button.left < box.left - 0.5;
      }).length""")
    assert outside == 0


@phone
@pytest.mark.django_db(transaction=True)
def test_a_quiz_on_a_phone_keeps_each_radio_beside_its_label(page, live_server, viewport, screenshot,
                                                            alice):
    course = make_course(alice)
    lesson = course.modules.first().lessons.first()
    courses.add_question(lesson, prompt="Quel dispositif proposer en premier ?", choices=[
        ("Le projet de transition professionnelle, avec l'accord de l'employeur", True, ""),
        ("Une validation des acquis de l'expérience engagée sans diagnostic préalable", False, ""),
    ])
    sign_in(page, live_server, alice.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/espace-prive/lecons/{lesson.pk}/")
    expect(page.locator("#quiz")).to_contain_text("Quel dispositif proposer en premier ?")
    screenshot("quiz")

    assert no_horizontal_scroll(page)
    misplaced = page.evaluate("""() => [...document.querySelectorAll('.ps-choice')].filter(choice => {
        const radio = choice.querySelector('input[type=radio]').getBoundingClientRect();
        const label = choice.querySelector('label').getBoundingClientRect();
        return !(label.left >= radio.right && label.top < radio.bottom);
      }).map(choice => choice.textContent.trim())""")
    assert misplaced == []
    # A target a finger can hit.
    sizes = page.evaluate("""() => [...document.querySelectorAll('.ps-choice input')].map(r => {
        const box = r.getBoundingClientRect(); return Math.min(box.width, box.height); })""")
    assert sizes and min(sizes) >= 24


@both_widths
@pytest.mark.django_db(transaction=True)
def test_a_mention_is_chosen_with_the_arrow_keys_and_enter(page, live_server, viewport, screenshot,
                                                          alice, mod, practices):
    sign_in(page, live_server, alice.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/forum/categorie/{practices.slug}/nouveau-sujet/")
    body = page.get_by_label("Message")
    body.click()
    page.keyboard.type("Demandez à @Pha")

    option = page.get_by_role("option", name="Phare du Forum")
    expect(option).to_be_visible()
    expect(page.get_by_role("listbox")).to_have_attribute("id", re.compile("mention-menu"))
    page.keyboard.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    screenshot("menu")
    expect(body).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    page.keyboard.press("Enter")

    expect(body).to_have_value("Demandez à @[Phare du Forum] ")
    expect(body).to_be_focused()
    expect(page.get_by_role("listbox")).to_be_hidden()

    # Escape closes the suggestions and leaves the text as typed.
    page.keyboard.type("et @Pha")
    expect(option).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(body).to_have_value("Demandez à @[Phare du Forum] et @Pha")


@both_widths
@pytest.mark.django_db(transaction=True)
def test_an_image_is_inserted_with_the_description_its_author_gave(page, live_server, viewport, alice,
                                                                   practices, settings, tmp_path):
    from tests.privatespace.helpers import png_bytes

    settings.MEDIA_ROOT = tmp_path
    sign_in(page, live_server, alice.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/forum/categorie/{practices.slug}/nouveau-sujet/")
    page.get_by_label("Ajouter une image").set_input_files(
        files=[{"name": "schema.png", "mimeType": "image/png", "buffer": png_bytes()}])
    page.get_by_role("button", name="Insérer l'image").click()
    # No description yet: the author is asked for one, nothing is sent.
    expect(page.get_by_label("Description de l'image")).to_be_focused()
    expect(page.get_by_label("Message")).to_have_value("")

    page.get_by_label("Description de l'image").fill("Schéma des trois étapes du CEP")
    page.get_by_role("button", name="Insérer l'image").click()
    expect(page.get_by_label("Message")).to_have_value(
        re.compile(r"^!\[Schéma des trois étapes du CEP\]\(/forum/images/\d+\.\w+\)\n$"))


@both_widths
@pytest.mark.django_db(transaction=True)
def test_an_appeal_page_with_both_forms_repeats_no_id(page, live_server, viewport, oscar, paula):
    application = make_application(status=Status.APPEALED, manager=oscar, platform_manager=paula)
    sign_in_with_totp(page, live_server, paula)
    page.goto(f"{live_server.url}/candidature/plateforme/{application.pk}/")
    expect(page.get_by_role("button", name="Demander son motif à l'opérateur")).to_be_visible()
    expect(page.get_by_role("button", name="Enregistrer la décision")).to_be_visible()

    assert page.evaluate(DUPLICATE_IDS) == []
    expect(page.get_by_role("textbox", name="Message à l'opérateur (facultatif)")).to_have_count(1)
    expect(page.get_by_role("textbox", name="Motivation (transmise à la personne)")).to_have_count(1)
    expect(page.get_by_role("group", name="Décision")).to_be_visible()

    # Sent without a decision: the page comes back with the motivation kept, the group named
    # with its error, and the focus on the summary.
    page.get_by_role("textbox", name="Motivation (transmise à la personne)").fill("Contrat vérifié.")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert_errors_reachable(page, count=1)
    expect(page.get_by_role("textbox", name="Motivation (transmise à la personne)")).to_have_value(
        "Contrat vérifié.")
    assert page.evaluate(DUPLICATE_IDS) == []


@phone
@pytest.mark.django_db(transaction=True)
def test_tags_permalinks_and_choices_are_targets_a_finger_can_hit(page, live_server, viewport, alice,
                                                                  practices):
    from forum import services

    topic = services.create_topic(actor=alice.member, category=practices, title="Financer une VAE",
                                  body="Quelles pistes ?", kind="discussion", tags=["vae", "cpf"])
    sign_in(page, live_server, alice.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/forum/sujet/{topic.pk}/")
    heights = page.evaluate("""() => [...document.querySelectorAll('main a.tag, main .post-link')]
        .map(a => ({text: a.textContent.trim(), h: a.getBoundingClientRect().height}))""")
    assert len(heights) >= 3 and all(item["h"] >= 24 for item in heights), heights
    # Made a flex box for its height, the permalink still reads « #1 · 8 décembre… »: the
    # space after the dot is not swallowed.
    gap = page.evaluate("""() => {
        const link = document.querySelector('main .post-link'), text = link.firstChild;
        const range = document.createRange(), dot = text.textContent.indexOf('·');
        range.setStart(text, dot);
        range.setEnd(text, dot + 1);
        return link.querySelector('time').getBoundingClientRect().left
               - range.getBoundingClientRect().right; }""")
    assert gap >= 2, gap

    page.goto(f"{live_server.url}/forum/notifications/")
    radios = page.evaluate("""() => [...document.querySelectorAll('main input[type=radio]')]
        .map(r => Math.min(r.getBoundingClientRect().width, r.getBoundingClientRect().height))""")
    assert radios and min(radios) >= 24, radios


@phone
@pytest.mark.django_db(transaction=True)
def test_the_time_of_an_action_is_styled_like_the_other_fields(page, live_server, viewport, rita):
    rita.set_password(factories.PASSWORD)
    rita.save()
    sign_in(page, live_server, rita.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/ressources/actions/gerer/nouvelle/")
    look = """selector => { const s = getComputedStyle(document.querySelector(selector));
        return [s.borderTopWidth, s.borderTopColor, s.paddingTop, s.display, s.width]; }"""
    time_field, text_field = page.evaluate(look, "input[type=time]"), page.evaluate(look, "#id_title")
    assert time_field == text_field
    assert no_horizontal_scroll(page)
