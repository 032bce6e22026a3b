"""« Mes cours »: where the member stands in each course they follow."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from privatespace import courses
from privatespace.models import LessonProgress
from tests.privatespace.factories import make_course

pytestmark = pytest.mark.django_db


def my_courses(client) -> str:
    return client.get(reverse("privatespace:my_courses")).content.decode()


def card_of(page: str, title: str) -> str:
    """The card of the course titled ``title`` on the page."""
    return next(card for card in re.findall(r"<article class=\"card\">.*?</article>", page, re.S)
                if title in card)


def test_a_finished_course_says_so_with_its_date_and_offers_to_review_it(alice, bob, client_for):
    course = make_course(alice, title="Accueillir", publish=True)
    first, last = course.ordered_lessons()
    follow = courses.follow_course(course, actor=bob)
    courses.complete_lesson(follow, first)
    courses.complete_lesson(follow, last)
    finished = LessonProgress.objects.filter(follow=follow).latest("done_at").done_at

    card = card_of(my_courses(client_for(bob)), "Accueillir")

    assert "2 leçons terminées sur 2" in card
    assert '<progress class="bar bar-ok ps-progress"' in card and 'max="2" value="2"' in card
    date = formats.date_format(timezone.localtime(finished), "j F Y")
    assert f"Terminé le {date}" in card
    assert f'href="{reverse("privatespace:lesson", args=[first.pk])}">Revoir' in card
    assert "Reprendre" not in card and "reprendre" not in card


def test_a_course_in_progress_shows_how_far_and_where_to_resume(alice, bob, client_for):
    course = make_course(alice, title="Accueillir", modules=3, publish=True)
    first, second, _third = course.ordered_lessons()
    follow = courses.follow_course(course, actor=bob)
    courses.complete_lesson(follow, first)
    courses.record_visit(follow, second)

    card = card_of(my_courses(client_for(bob)), "Accueillir")

    assert "1 leçon terminée sur 3" in card
    assert 'max="3" value="1"' in card
    assert f'href="{reverse("privatespace:lesson", args=[second.pk])}">Reprendre' in card
    assert "Terminé" not in card and "Revoir" not in card


def test_a_course_not_started_offers_to_begin(alice, bob, client_for):
    course = make_course(alice, title="Accueillir", publish=True)
    courses.follow_course(course, actor=bob)

    card = card_of(my_courses(client_for(bob)), "Accueillir")

    assert "Aucune leçon terminée sur 2" in card
    assert f'href="{reverse("privatespace:lesson", args=[course.ordered_lessons()[0].pk])}">Commencer' in card


def test_a_lesson_added_after_the_end_makes_the_course_unfinished_again(alice, bob, client_for):
    course = make_course(alice, title="Accueillir", publish=True)
    follow = courses.follow_course(course, actor=bob)
    for lesson in course.ordered_lessons():
        courses.complete_lesson(follow, lesson)
    courses.add_lesson(course.modules.last(), actor=alice, content=courses.LessonContent(
        title="Une leçon de plus", body="Encore un peu."))

    card = card_of(my_courses(client_for(bob)), "Accueillir")

    assert "2 leçons terminées sur 3" in card
    assert "Terminé" not in card and "Reprendre" in card


def test_only_the_member_s_own_progress_counts(alice, bob, client_for):
    course = make_course(alice, title="Accueillir", publish=True)
    bobs = courses.follow_course(course, actor=bob)
    alices = courses.follow_course(course, actor=alice)
    for lesson in course.ordered_lessons():
        courses.complete_lesson(alices, lesson)
    courses.complete_lesson(bobs, course.ordered_lessons()[0])

    assert "1 leçon terminée sur 2" in card_of(my_courses(client_for(bob)), "Accueillir")
    # Alice also authored it: the first card of that title is the one of the courses she follows.
    assert "Terminé le" in card_of(my_courses(client_for(alice)), "Accueillir")

@pytest.mark.parametrize("count", [1, 8])
def test_my_courses_with_progress_keeps_a_flat_query_budget(alice, bob, client_for, count,
                                                            django_assert_max_num_queries):
    for n in range(count):
        course = make_course(alice, title=f"Cours {n}", publish=True, quiz=False)
        follow = courses.follow_course(course, actor=bob)
        for lesson in course.ordered_lessons()[: n % 3]:
            courses.complete_lesson(follow, lesson)
    client = client_for(bob)
    with django_assert_max_num_queries(10):
        page = my_courses(client)
    assert page.count("<progress") == count
