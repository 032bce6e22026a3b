"""Forms as a screen reader meets them: each error tied to its field, a summary of the errors
at the top of a form sent back, groups of choices named by a fieldset's legend, one id per
element on a page, the navigation entry of the page marked, what was typed kept."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enrolment.models import Status
from forum.models import Category, StartPolicy
from tests.enrolment.factories import make_application
from tests.factories import with_totp
from tests.privatespace.factories import make_course
from tests.privatespace.helpers import png_bytes


class Page(HTMLParser):
    """The ids of a page, who points at which id, and its fieldsets with their legends."""

    def __init__(self, html: str):
        super().__init__()
        self.ids: list[str] = []
        self.described: dict[str, list[str]] = {}  # element's id or name → ids it names
        self.label_for: list[str] = []
        self.links: list[str] = []
        self.fieldsets: list[dict] = []
        self._open_fieldsets: list[dict] = []
        self._in_legend = False
        self.summaries: list[dict] = []
        self.current: list[tuple[str, str]] = []
        self._in_link: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if attrs.get("aria-describedby"):
            key = attrs.get("id") or attrs.get("name") or tag
            self.described[key] = attrs["aria-describedby"].split()
        if tag == "label":
            self.label_for.append(attrs.get("for"))
        if tag == "a":
            self.links.append(attrs.get("href", ""))
            if "aria-current" in attrs:
                self._in_link = attrs["aria-current"]
                self.current.append((attrs["aria-current"], ""))
        if tag == "fieldset":
            fieldset = {"legend": "", "inputs": [], "describedby": attrs.get("aria-describedby", "")}
            self.fieldsets.append(fieldset)
            self._open_fieldsets.append(fieldset)
        if tag == "legend":
            self._in_legend = True
        if tag == "input" and self._open_fieldsets:
            self._open_fieldsets[-1]["inputs"].append((attrs.get("type"), attrs.get("name")))
        if "data-error-summary" in attrs:
            self.summaries.append({"id": attrs.get("id"), "role": attrs.get("role"),
                                   "tabindex": attrs.get("tabindex")})

    def handle_endtag(self, tag):
        if tag == "fieldset" and self._open_fieldsets:
            self._open_fieldsets.pop()
        if tag == "legend":
            self._in_legend = False
        if tag == "a":
            self._in_link = None

    def handle_data(self, data):
        if self._in_legend and self._open_fieldsets:
            self._open_fieldsets[-1]["legend"] += data
        if self._in_link is not None:
            state, text = self.current[-1]
            self.current[-1] = (state, text + data)

    def duplicate_ids(self) -> set[str]:
        return {i for i in self.ids if self.ids.count(i) > 1}

    def fieldset_named(self, legend: str) -> dict:
        found = [f for f in self.fieldsets if f["legend"].strip().startswith(legend)]
        assert found, f"no fieldset with the legend {legend!r} in {[f['legend'] for f in self.fieldsets]}"
        return found[0]

    def summary_targets(self) -> list[str]:
        return [href[1:] for href in self.links if href.startswith("#") and href != "#main"]


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def assert_errors_tied_to_their_fields(page: Page) -> None:
    """Every aria-describedby names elements of the page, and every summary link a field."""
    assert page.described, "no field points at its error"
    for element, ids in page.described.items():
        missing = [i for i in ids if i not in page.ids]
        assert not missing, f"{element} is described by {missing}, absent from the page"
    targets = page.summary_targets()
    assert targets, "the summary links to no field"
    assert all(target in page.ids for target in targets), targets
    assert page.duplicate_ids() == set()


@pytest.fixture
def practices(reference_data):
    return Category.objects.create(slug="echanges", name="Échanges de pratiques",
                                   start_policy=StartPolicy.MEMBERS)


class TestErrorsTiedToTheirFields:
    def test_a_topic_without_a_title_names_the_error_on_the_field_and_in_a_summary(
            self, client_for, alice, practices):
        response = client_for(alice).post(reverse("forum:topic_new", args=[practices.slug]), {
            "title": "", "kind": "discussion", "tags": "vae", "body": "Un message gardé."})
        text = html(response)
        page = Page(text)

        assert page.described["id_title"] == ["id_title_error"]
        assert 'id="id_title_error"' in text
        assert_errors_tied_to_their_fields(page)
        assert page.summary_targets() == ["id_title"]
        assert page.summaries == [{"id": "error-summary", "role": "alert", "tabindex": "-1"}]
        assert "Le formulaire contient 1 erreur" in text and "1 erreurs" not in text
        # What was typed is shown again.
        assert "Un message gardé." in text and 'value="vae"' in text

    def test_two_errors_are_counted_in_the_plural_and_each_linked(self, client_for, alice, practices):
        response = client_for(alice).post(reverse("forum:topic_new", args=[practices.slug]), {
            "title": "", "kind": "discussion", "tags": "", "body": ""})
        page = Page(html(response))

        assert "Le formulaire contient 2 erreurs" in html(response)
        assert page.summary_targets() == ["id_title", "id_body"]
        # The body has a help text and an error: both are read with it.
        assert page.described["id_body"] == ["id_body_helptext", "id_body_error"]
        assert_errors_tied_to_their_fields(page)

    def test_the_application_form_keeps_what_was_typed_but_not_the_passwords(self, visitor,
                                                                             reference_data):
        response = visitor.post(reverse("enrolment:apply"), {
            "first_name": "Claire", "last_name": "", "email": "claire.fontaine@apec.fr",
            "structure_name": "Centre Apec de Nantes", "job_title": "Consultante CEP",
            "password1": "un-mot-de-passe-solide", "password2": "un-mot-de-passe-solide"})
        text = html(response)
        page = Page(text)

        assert_errors_tied_to_their_fields(page)
        assert "id_last_name" in page.summary_targets()
        assert 'value="Claire"' in text and 'value="Centre Apec de Nantes"' in text
        assert 'value="claire.fontaine@apec.fr"' in text
        assert "un-mot-de-passe-solide" not in text

    def test_a_form_shown_fresh_has_no_summary(self, client_for, alice, practices):
        text = html(client_for(alice).get(reverse("forum:topic_new", args=[practices.slug])))

        assert "data-error-summary" not in text and "_error" not in " ".join(Page(text).ids)


class TestGroupsOfChoices:
    def test_email_frequency_is_a_fieldset_named_by_its_legend(self, client_for, alice):
        page = Page(html(client_for(alice).get(reverse("forum:notifications"))))

        group = page.fieldset_named("Recevoir les notifications par e-mail")
        assert group["inputs"] and all(kind == "radio" and name == "email_frequency"
                                       for kind, name in group["inputs"])
        assert "" not in page.label_for and None not in page.label_for

    def test_a_group_sent_back_with_an_error_is_described_by_it(self, client_for, paula,
                                                                 reference_data):
        with_totp(paula)
        application = make_application(status=Status.APPEALED, platform_manager=paula)
        response = client_for(paula).post(
            reverse("enrolment:platform_decide", args=[application.pk]),
            {"text": "Motivation écrite avant d'oublier la décision."})
        text = html(response)
        page = Page(text)

        group = page.fieldset_named("Décision")
        assert group["describedby"] == "id_decision_decision_error"
        assert page.summary_targets() == ["id_decision_decision_0"]
        assert_errors_tied_to_their_fields(page)
        assert "Motivation écrite avant d&#x27;oublier la décision." in text

    def test_the_lesson_content_and_the_right_answer_are_fieldsets(self, client_for, alice):
        course = make_course(alice)
        lesson = course.modules.first().lessons.first()
        page = Page(html(client_for(alice).get(reverse("privatespace:edit_lesson", args=[lesson.pk]))))

        assert {"radio"} == {kind for kind, _name in page.fieldset_named("Contenu")["inputs"]}
        answers = page.fieldset_named("Bonne réponse")["inputs"]
        assert answers == [("radio", "correct")] * 4
        assert "" not in page.label_for

    def test_the_themes_of_an_action_are_a_fieldset_of_checkboxes(self, client_for, rita):
        from resources.models import Theme

        Theme.objects.create(slug="bilan", name="Bilan de compétences")
        Theme.objects.create(slug="vae", name="VAE")
        page = Page(html(client_for(rita).get(reverse("resources:action_create"))))

        assert page.fieldset_named("Thèmes")["inputs"] == [("checkbox", "themes")] * 2
        assert "" not in page.label_for

    def test_the_appeal_decision_is_a_fieldset(self, client_for, oscar, paula, reference_data):
        with_totp(oscar), with_totp(paula)
        application = make_application(status=Status.REASON_GIVEN, manager=oscar,
                                        platform_manager=paula)
        page = Page(html(client_for(paula).get(
            reverse("enrolment:platform_detail", args=[application.pk]))))

        assert [kind for kind, _ in page.fieldset_named("Décision")["inputs"]] == ["radio", "radio"]


class TestOneIdPerElement:
    def test_the_appeal_page_with_both_forms_repeats_no_id(self, client_for, oscar, paula,
                                                           reference_data):
        with_totp(oscar), with_totp(paula)
        application = make_application(status=Status.APPEALED, manager=oscar, platform_manager=paula)
        text = html(client_for(paula).get(reverse("enrolment:platform_detail", args=[application.pk])))
        page = Page(text)

        assert "Demander son motif" in text and "Enregistrer la décision" in text
        assert page.duplicate_ids() == set()
        assert {"id_request_text", "id_decision_text"} <= set(page.ids)
        assert all(target in page.ids for target in page.label_for if target)

    def test_a_decision_sent_back_names_its_own_field_not_the_other_forms(
            self, client_for, oscar, paula, reference_data):
        with_totp(oscar), with_totp(paula)
        application = make_application(status=Status.APPEALED, manager=oscar, platform_manager=paula)
        response = client_for(paula).post(
            reverse("enrolment:platform_decide", args=[application.pk]), {"decision": "overturn",
                                                                          "text": ""}, follow=True)
        page = Page(html(response))

        assert page.described.get("id_decision_text") == ["id_decision_text_error"]
        assert_errors_tied_to_their_fields(page)


class TestNavigation:
    def test_the_entry_of_the_page_is_marked_current_and_only_it(self, client_for, alice, practices):
        client = client_for(alice)
        index = Page(html(client.get(reverse("forum:index"))))
        notifications = Page(html(client.get(reverse("forum:notifications"))))

        assert index.current == [("page", "Forum")]
        assert [(state, text.split()[0]) for state, text in notifications.current] == [
            ("page", "Notifications")]

    def test_a_page_inside_a_section_marks_the_section(self, client_for, alice, practices):
        page = Page(html(client_for(alice).get(reverse("forum:category", args=[practices.slug]))))

        assert page.current == [("true", "Forum")]

    def test_the_unread_count_is_text_inside_the_link(self, client_for, alice, bob, practices):
        from forum import services

        topic = services.create_topic(actor=alice.member, category=practices, title="Un sujet lu",
                                      body="Bonjour", kind="discussion", tags=[])
        services.create_post(actor=bob.member, topic=topic, body="Une réponse qui notifie.")
        text = html(client_for(alice).get(reverse("forum:index")))

        link = re.search(r'<a href="/forum/notifications/" class="notifications-link"[^>]*>(.*?)</a>',
                         text, re.S).group(1)
        assert '<span class="visually-hidden">(1 non lue)</span>' in link
        assert "aria-label" not in link


class TestImageDescription:
    def test_the_authors_description_becomes_the_alt_text(self, client_for, alice, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        response = client_for(alice).post(reverse("forum:attachment_upload"), {
            "image": SimpleUploadedFile("schema.png", png_bytes(), "image/png"),
            "description": "Schéma [des] étapes *du* CEP\n"})

        markdown = response.json()["markdown"]
        assert markdown.startswith(r"![Schéma \[des\] étapes \*du\* CEP](/forum/images/")

    def test_no_description_leaves_the_alt_empty_not_the_word_image(self, client_for, alice,
                                                                   settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        response = client_for(alice).post(reverse("forum:attachment_upload"), {
            "image": SimpleUploadedFile("schema.png", png_bytes(), "image/png")})

        assert response.json()["markdown"].startswith("![](/forum/images/")

    def test_the_editor_asks_for_a_description(self, client_for, alice, practices):
        text = html(client_for(alice).get(reverse("forum:topic_new", args=[practices.slug])))

        assert 'for="forum-image-description"' in text and 'id="forum-image-description"' in text
