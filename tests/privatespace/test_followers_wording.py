"""The author's page of a course's learners counts in words, one or many, never « juste(s) »."""

from __future__ import annotations

from django.urls import reverse

from privatespace import courses
from tests.factories import make_member
from tests.privatespace.factories import make_course


def test_the_learners_page_says_one_or_many_answers_without_a_bracketed_plural(alice, bob, client_for):
    course = make_course(alice, publish=True, modules=2)
    first = course.ordered_lessons()[0]
    question = first.questions.get()
    right = question.choices.get(is_correct=True)
    follow = courses.follow_course(course, actor=bob)
    courses.answer_quiz(follow, first, {question.pk: right.pk})
    courses.follow_course(course, actor=make_member(pseudonym="Aube Claire"))
    wrong_once = courses.follow_course(course, actor=make_member(pseudonym="Brume Douce"))
    courses.answer_quiz(wrong_once, first, {question.pk: question.choices.get(is_correct=False).pk})

    page = client_for(alice).get(reverse("privatespace:course_followers", args=[course.pk])).text

    assert "3 apprenant·es" in page
    assert "1 bonne réponse, 1 question répondue sur 1" in page
    assert "Aucune bonne réponse, 1 question répondue sur 1" in page
    assert "Aucune réponse sur 1" in page and "0 bonne" not in page
    assert "(s)" not in page
