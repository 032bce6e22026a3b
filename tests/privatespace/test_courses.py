"""The course builder, and members following a course to the end."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from comcep.markdown import render_markdown
from privatespace import courses, services
from privatespace.models import Course, CourseFollow, Lesson, LessonProgress, Module, QuizAnswer
from tests import factories
from tests.privatespace.factories import make_course, make_file
from tests.privatespace.helpers import mp4_bytes, pdf_upload, png_upload, text

pytestmark = pytest.mark.django_db


def titles(queryset) -> list[str]:
    return list(queryset.values_list("title", flat=True))


def test_an_author_builds_a_course_with_modules_lessons_and_a_quiz(alice, client_for):
    client = client_for(alice)
    response = client.post(reverse("privatespace:create_course"),
                           {"title": "L'entretien CEP", "summary": "Trois temps", "cover": png_upload()})
    course = Course.objects.get(author=alice)
    assert response["Location"] == reverse("privatespace:course_builder", args=[course.pk])
    assert course.cover.name.startswith("privatespace/covers/")

    client.post(reverse("privatespace:add_module", args=[course.pk]), {"title": "Accueillir"})
    module = course.modules.get()
    client.post(reverse("privatespace:add_lesson", args=[module.pk]),
                {"title": "Le premier contact", "kind": "text", "body": "## Écouter\n\nD'abord **écouter**."})
    lesson = module.lessons.get()
    response = client.post(reverse("privatespace:add_question", args=[lesson.pk]), {
        "prompt": "Que faire en premier ?", "choice_0": "Écouter", "feedback_0": "Oui.",
        "choice_1": "Prescrire", "feedback_1": "Pas encore.", "correct": "0",
    })
    assert response.status_code == 302
    question = lesson.questions.get()
    assert [(c.text, c.is_correct) for c in question.choices.all()] == [
        ("Écouter", True), ("Prescrire", False)]

    page = text(client.get(reverse("privatespace:course_builder", args=[course.pk])))
    assert "Accueillir" in page and "Le premier contact" in page


def test_a_quiz_question_needs_two_answers_and_one_right_one(alice):
    lesson = make_course(alice, quiz=False).ordered_lessons()[0]
    with pytest.raises(ValidationError, match="au moins deux"):
        courses.add_question(lesson, prompt="?", choices=[("Seule", True, "")])
    with pytest.raises(ValidationError, match="une et une seule"):
        courses.add_question(lesson, prompt="?", choices=[("A", True, ""), ("B", True, "")])


def test_a_text_lesson_needs_text_and_a_file_lesson_one_of_the_authors_files(alice, bob, client_for):
    course = make_course(alice, modules=1, quiz=False)
    module = course.modules.get()
    bobs_file = make_file(bob)
    client = client_for(alice)

    response = client.post(reverse("privatespace:add_lesson", args=[module.pk]),
                           {"title": "Vide", "kind": "text"})
    assert "Écrivez le texte de la leçon." in text(response)
    response = client.post(reverse("privatespace:add_lesson", args=[module.pk]),
                           {"title": "Fichier", "kind": "file", "own_file": bobs_file.pk})
    assert response.status_code == 200  # refused: not one of hers
    assert module.lessons.count() == 1


def test_the_cover_must_be_a_real_image(alice, client_for):
    response = client_for(alice).post(reverse("privatespace:create_course"),
                                      {"title": "Cours", "cover": pdf_upload("cover.png")})
    assert "n'est pas accepté" in text(response)
    assert not Course.objects.exists()


def test_lesson_text_is_markdown_with_anything_dangerous_removed():
    html = str(render_markdown("# Titre\n\n<script>alert(1)</script> [lien](javascript:alert(1)) "
                               "[bon](https://comcep.fr) <img src=x onerror=alert(1)>"))
    assert "<h2>Titre</h2>" in html
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert 'href="https://comcep.fr"' in html


def test_the_author_reorders_modules_and_lessons_with_buttons_or_by_drag_and_drop(alice, client_for):
    course = make_course(alice, modules=3, lessons_per_module=3, quiz=False)
    client = client_for(alice)
    first, second, third = course.modules.all()

    client.post(reverse("privatespace:move_module", args=[third.pk]), {"direction": "up"})
    assert titles(course.modules.all()) == ["Module 1", "Module 3", "Module 2"]
    client.post(reverse("privatespace:move_module", args=[first.pk]), {"direction": "up"})  # already first
    assert titles(course.modules.all()) == ["Module 1", "Module 3", "Module 2"]

    response = client.post(reverse("privatespace:reorder_modules", args=[course.pk]),
                           {"order": [second.pk, first.pk, third.pk]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert titles(course.modules.all()) == ["Module 2", "Module 1", "Module 3"]

    lessons = list(first.lessons.all())
    client.post(reverse("privatespace:move_lesson", args=[lessons[0].pk]), {"direction": "down"})
    assert titles(first.lessons.all()) == ["Leçon 1.2", "Leçon 1.1", "Leçon 1.3"]
    client.post(reverse("privatespace:reorder_lessons", args=[first.pk]),
                {"order": [lessons[2].pk, lessons[1].pk, lessons[0].pk]})
    assert titles(first.lessons.all()) == ["Leçon 1.3", "Leçon 1.2", "Leçon 1.1"]
    assert [le.title for le in course.ordered_lessons()][:3] == ["Leçon 2.1", "Leçon 2.2", "Leçon 2.3"]


def test_lessons_of_another_module_are_not_moved_by_a_reorder(alice, client_for):
    course = make_course(alice, modules=2, lessons_per_module=2, quiz=False)
    one, two = course.modules.all()
    stranger = two.lessons.first()
    client_for(alice).post(reverse("privatespace:reorder_lessons", args=[one.pk]),
                           {"order": [stranger.pk] + list(one.lessons.values_list("pk", flat=True))})
    stranger.refresh_from_db()
    assert stranger.module == two


def test_a_course_is_private_until_published_and_shows_when_it_was_updated(alice, bob, client_for):
    course = make_course(alice)
    assert client_for(bob).get(course.get_absolute_url()).status_code == 404
    assert course.title not in text(client_for(bob).get(reverse("privatespace:catalogue")))

    client_for(alice).post(reverse("privatespace:publish_course", args=[course.pk]))
    course.refresh_from_db()
    assert course.is_published
    Course.objects.filter(pk=course.pk).update(updated_at=timezone.now() - timedelta(days=30))

    courses.add_module(course, title="Module ajouté")
    course.refresh_from_db()
    assert course.updated_at > timezone.now() - timedelta(minutes=1)
    page = text(client_for(bob).get(course.get_absolute_url()))
    assert "mis à jour le" in page and course.title in page and "Module ajouté" in page

    client_for(alice).post(reverse("privatespace:publish_course", args=[course.pk]), {"private": "1"})
    assert client_for(bob).get(course.get_absolute_url()).status_code == 404


def test_an_empty_course_cannot_be_published(alice):
    course = courses.create_course(actor=alice, title="Vide")
    with pytest.raises(ValidationError, match="au moins une leçon"):
        courses.publish_course(course, actor=alice)


def test_the_author_previews_as_a_learner_without_recording_progress(alice, client_for):
    course = make_course(alice)
    lesson = course.ordered_lessons()[0]
    page = text(client_for(alice).get(reverse("privatespace:lesson", args=[lesson.pk])))
    assert "Aperçu" in page and "Écouter <strong>d'abord</strong>" in page
    assert "Bonne réponse." in page  # the author sees the quiz's feedback
    assert not CourseFollow.objects.exists()


def test_a_member_follows_a_course_to_the_end_with_progress_quiz_and_resume(alice, bob, client_for):
    course = make_course(alice, publish=True, modules=2, lessons_per_module=1)
    first, second = course.ordered_lessons()
    question = first.questions.get()
    right = question.choices.get(is_correct=True)
    wrong = question.choices.get(is_correct=False)
    client = client_for(bob)

    response = client.post(reverse("privatespace:follow_course", args=[course.pk]))
    assert response["Location"] == reverse("privatespace:lesson", args=[first.pk])

    response = client.post(reverse("privatespace:answer_quiz", args=[first.pk]),
                           {f"question_{question.pk}": wrong.pk}, follow=True)
    assert "Ce n'est pas la bonne réponse. Trop tôt : écoutez d'abord." in text(response)
    response = client.post(reverse("privatespace:answer_quiz", args=[first.pk]),
                           {f"question_{question.pk}": right.pk}, follow=True)
    assert "Bonne réponse. Oui : l'écoute vient d'abord." in text(response)
    assert QuizAnswer.objects.get().is_correct

    response = client.post(reverse("privatespace:complete_lesson", args=[first.pk]))
    assert response["Location"] == reverse("privatespace:lesson", args=[second.pk])
    page = text(client.get(course.get_absolute_url()))
    assert "1 leçon terminée sur 2" in page and "quiz : 1 bonne réponse, 1 question répondue" in page
    assert f'href="{reverse("privatespace:lesson", args=[second.pk])}">Reprendre' in page

    response = client.post(reverse("privatespace:complete_lesson", args=[second.pk]), follow=True)
    page = text(response)
    assert "Bravo, vous avez terminé le cours !" in page and "Cours terminé" in page
    assert "2 leçons terminées sur 2" in page and "(s)" not in page
    assert LessonProgress.objects.count() == 2


def test_completing_a_lesson_twice_counts_once(alice, bob):
    course = make_course(alice, publish=True)
    follow = courses.follow_course(course, actor=bob)
    lesson = course.ordered_lessons()[0]
    courses.complete_lesson(follow, lesson)
    courses.complete_lesson(follow, lesson)
    assert courses.progress_of(follow, course.ordered_lessons()).done == 1


def test_a_private_course_cannot_be_followed_or_progressed(alice, bob, client_for):
    course = make_course(alice)
    lesson = course.ordered_lessons()[0]
    client = client_for(bob)
    assert client.post(reverse("privatespace:follow_course", args=[course.pk])).status_code == 404
    assert client.post(reverse("privatespace:complete_lesson", args=[lesson.pk])).status_code == 404
    assert not CourseFollow.objects.exists()


def test_progress_needs_following_first(alice, bob, client_for):
    course = make_course(alice, publish=True)
    lesson = course.ordered_lessons()[0]
    assert client_for(bob).post(reverse("privatespace:complete_lesson", args=[lesson.pk])).status_code == 404


def test_the_author_sees_how_far_followers_got_by_pseudonym_only(alice, bob, client_for):
    course = make_course(alice, publish=True)
    follow = courses.follow_course(course, actor=bob)
    courses.complete_lesson(follow, course.ordered_lessons()[0])

    page = text(client_for(alice).get(reverse("privatespace:course_followers", args=[course.pk])))

    assert "Bob le Bâtisseur" in page and "1 / 2" in page
    assert bob.email not in page and bob.last_name not in page and bob.first_name not in page
    assert "1 apprenant·e" in text(client_for(alice).get(reverse("privatespace:course_builder",
                                                                  args=[course.pk])))


def test_a_library_lesson_whose_item_is_gone_shows_a_notice(alice, bob, client_for):
    # The library app keeps its items elsewhere; a content type it no longer has
    # stands for an item removed from the library.
    gone = ContentType.objects.get_or_create(app_label="resources", model="videodisparue")[0]
    course = make_course(alice, modules=1, quiz=False)
    lesson = Lesson.objects.create(module=course.modules.get(), title="Vidéo", kind="library",
                                   library_type=gone, library_id=42, library_title="Entretien filmé",
                                   position=5)
    courses.publish_course(course, actor=alice)

    page = text(client_for(bob).get(reverse("privatespace:lesson", args=[lesson.pk])))
    assert "L'élément de la bibliothèque « Entretien filmé » n'est plus disponible." in page


def test_a_library_lesson_is_chosen_among_the_authors_library_favourites(alice):
    favourite = services.add_favourite(alice, alice.member)  # not a library item
    course = make_course(alice, modules=1, quiz=False)
    with pytest.raises(ValidationError, match="bibliothèque"):
        courses.add_lesson(course.modules.get(), actor=alice, content=courses.LessonContent(
            title="Vidéo", kind="library", library_favourite=favourite))


def test_a_file_lesson_whose_file_was_deleted_shows_a_notice(alice, bob, client_for):
    private_file = make_file(alice)
    course = make_course(alice, modules=1, quiz=False)
    lesson = courses.add_lesson(course.modules.get(), actor=alice, content=courses.LessonContent(
        title="Ma grille", kind="file", own_file=private_file))
    courses.publish_course(course, actor=alice)
    services.delete_file(private_file)

    page = text(client_for(bob).get(reverse("privatespace:lesson", args=[lesson.pk])))
    assert "Le fichier de cette leçon n'est plus disponible." in page


def test_a_published_course_can_be_favourited_from_its_page(alice, bob, client_for):
    course = make_course(alice, publish=True)
    page = text(client_for(bob).get(course.get_absolute_url()))
    assert "Ajouter à mes favoris" in page


def test_deleting_a_module_deletes_its_lessons(alice, client_for):
    course = make_course(alice, modules=2)
    module = course.modules.first()
    client_for(alice).post(reverse("privatespace:delete_module", args=[module.pk]))
    assert not Module.objects.filter(pk=module.pk).exists()
    assert len(course.ordered_lessons()) == 1


@pytest.mark.parametrize("count", [1, 8])
def test_the_catalogue_and_my_courses_have_a_flat_query_budget(alice, bob, client_for, count,
                                                                django_assert_max_num_queries):
    for n in range(count):
        course = make_course(alice, title=f"Cours {n}", publish=True, quiz=False)
        courses.follow_course(course, actor=bob)
    client = client_for(bob)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("privatespace:catalogue")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("privatespace:my_courses")).status_code == 200


@pytest.mark.parametrize("count", [1, 6])
def test_the_followers_page_has_a_flat_query_budget(alice, client_for, count, django_assert_max_num_queries):
    course = make_course(alice, publish=True)
    for _n in range(count):
        follow = courses.follow_course(course, actor=factories.make_member())
        courses.complete_lesson(follow, course.ordered_lessons()[0])
    author = client_for(alice)
    with django_assert_max_num_queries(10):
        response = author.get(reverse("privatespace:course_followers", args=[course.pk]))
    assert text(response).count("1 / 2") == count


def test_a_lesson_can_hold_one_of_the_authors_own_videos(alice, bob, client_for):
    video = SimpleUploadedFile("seance.mp4", mp4_bytes())
    own_video = services.upload_file(actor=alice, uploaded=video, name="Jeu de rôle filmé")
    assert (own_video.kind, own_video.mime_type) == ("video", "video/mp4")
    course = make_course(alice, modules=1, quiz=False)
    lesson = courses.add_lesson(course.modules.get(), actor=alice, content=courses.LessonContent(
        title="Un entretien filmé", kind="file", own_file=own_video))
    courses.publish_course(course, actor=alice)

    page = text(client_for(bob).get(reverse("privatespace:lesson", args=[lesson.pk])))
    file_url = reverse("privatespace:lesson_file", args=[lesson.pk])
    assert f'<video controls preload="metadata" src="{file_url}">' in page
    response = client_for(bob).get(file_url)
    assert response.status_code == 200 and response["Content-Type"] == "video/mp4"


HOSTILE_MARKDOWN = ("Bonjour\n\n<script>alert('xss')</script>\n\n"
                    "[piège](javascript:alert(1)) <img src=x onerror=alert(2)> "
                    "<a href=\"https://evil.example\" onclick=\"alert(3)\">clic</a>\n\n"
                    "[bon lien](https://comcep.fr)")


def _tags_and_attributes(markup: str) -> list[tuple[str, dict]]:
    """Every element of ``markup`` as a browser parses it: (tag, attributes)."""
    from html.parser import HTMLParser

    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collector().feed(markup)
    return found


def _assert_harmless(markup: str) -> None:
    elements = _tags_and_attributes(markup)
    assert {tag for tag, _attrs in elements} <= {"p", "a"}, elements
    for _tag, attrs in elements:
        assert not any(name.startswith("on") for name in attrs), attrs
        assert not attrs.get("href", "https:").lower().startswith("javascript"), attrs
    assert ("a", {"href": "https://comcep.fr", "rel": "noopener noreferrer nofollow"}) in elements


def _hostile_lesson(author):
    course = make_course(author, modules=1, quiz=False, publish=True)
    module = course.modules.get()
    lesson = courses.add_lesson(module, actor=author, content=courses.LessonContent(
        title="Leçon piégée", body=HOSTILE_MARKDOWN))
    return course, lesson


def test_hostile_markdown_in_a_lesson_reaches_a_learner_sanitised(alice, bob, client_for):
    """The lesson page marks the Markdown safe (privatespace.markdown): nh3 must have cleaned it."""
    _course, lesson = _hostile_lesson(alice)
    response = client_for(bob).get(reverse("privatespace:lesson", args=[lesson.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    body = page.split('class="ps-lesson-text">', 1)[1].split("</div>", 1)[0]
    _assert_harmless(body)  # the raw HTML comes out as mere text
    assert "Bonjour" in body


def test_hostile_markdown_in_a_lesson_leaves_the_scorm_package_sanitised(alice, client_for):
    import io
    import zipfile

    course, _lesson = _hostile_lesson(alice)
    response = client_for(alice).get(reverse("privatespace:export_scorm", args=[course.pk]))
    package = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    page = package.read("lessons/lesson-002.html").decode()
    body = page.split('<div class="text">', 1)[1].split("</div>", 1)[0]
    _assert_harmless(body)
    assert "Bonjour" in body


def test_a_course_shows_its_author_by_pseudonym_only(alice, bob, client_for):
    course = make_course(alice, publish=True)
    client = client_for(bob)
    for url in (reverse("privatespace:catalogue"), course.get_absolute_url()):
        page = text(client.get(url))
        assert "Lande Bretonne" in page
        assert alice.email not in page and alice.first_name not in page and alice.last_name not in page
