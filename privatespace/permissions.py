"""Every decision about who may see or change what in the private space.

The rule is short: a member's favourites, collections, folders and files are
theirs alone; a course is its author's, and members read it once published.
Anything a user may not see answers 404, so nothing reveals it exists.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from privatespace import courses
from privatespace.models import (
    Collection,
    Course,
    CourseFollow,
    Favourite,
    Folder,
    Lesson,
    Module,
    PrivateFile,
    QuizQuestion,
)


def _own(queryset: QuerySet, user, **lookup):
    obj = queryset.filter(owner=user, **lookup).first()
    if obj is None:
        raise Http404
    return obj


def get_own_favourite(user, pk: int) -> Favourite:
    """The user's favourite ``pk``, or 404."""
    return _own(Favourite.objects.select_related("collection"), user, pk=pk)


def get_own_collection(user, pk: int) -> Collection:
    return _own(Collection.objects.all(), user, pk=pk)


def get_own_folder(user, pk: int) -> Folder:
    return _own(Folder.objects.all(), user, pk=pk)


def get_own_file(user, key) -> PrivateFile:
    """The user's file with that key, or 404 for anyone else."""
    return _own(PrivateFile.objects.select_related("folder"), user, key=key)


def can_edit_course(user, course: Course) -> bool:
    return course.author_id == user.pk


def get_viewable_course(user, pk: int) -> Course:
    """Its author always; every community member once it is published (``visible_to``)."""
    course = Course.objects.visible_to(user).select_related("author__member").filter(pk=pk).first()
    if course is None:
        raise Http404
    return course


def get_editable_course(user, pk: int) -> Course:
    """The author's own course, or 404 (a published course is not editable by others:
    its existence is no secret then, but 404 keeps every builder URL uniform)."""
    course = Course.objects.filter(pk=pk, author=user).first()
    if course is None:
        raise Http404
    return course


def get_editable_module(user, pk: int) -> Module:
    module = Module.objects.select_related("course").filter(pk=pk, course__author=user).first()
    if module is None:
        raise Http404
    return module


def get_editable_lesson(user, pk: int) -> Lesson:
    lesson = (Lesson.objects.select_related("module__course", "own_file")
              .filter(pk=pk, module__course__author=user).first())
    if lesson is None:
        raise Http404
    return lesson


def get_editable_question(user, pk: int) -> QuizQuestion:
    question = (QuizQuestion.objects.select_related("lesson__module__course")
                .filter(pk=pk, lesson__module__course__author=user).first())
    if question is None:
        raise Http404
    return question


def get_viewable_lesson(user, pk: int) -> Lesson:
    """A lesson of a course the user may view (see ``get_viewable_course``), or 404."""
    lesson = (Lesson.objects.select_related("module__course__author__member", "own_file",
                                            "library_type")
              .filter(pk=pk, module__course__in=Course.objects.visible_to(user)).first())
    if lesson is None:
        raise Http404
    return lesson


def get_learner_follow(user, lesson: Lesson) -> CourseFollow:
    """The user's follow of the lesson's course, for recording progress, or 404: only a
    follower of a published course makes progress (an author previewing does not)."""
    course = lesson.module.course
    follow = courses.follow_of(user, course)
    if follow is None or not course.is_published:
        raise Http404
    return follow
