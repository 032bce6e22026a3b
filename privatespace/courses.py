"""The course builder and the learners' progress: every write, and the reads
that need more than one query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from comcep import images
from comcep.audit import record
from privatespace import library, uploads
from privatespace.models import (
    LIBRARY_APP_LABEL,
    Course,
    CourseFollow,
    CourseStatus,
    Favourite,
    Lesson,
    LessonKind,
    LessonProgress,
    Module,
    PrivateFile,
    QuizAnswer,
    QuizChoice,
    QuizQuestion,
)
from privatespace.services import move, reorder

# What a cover may be uploaded as (a GIF is kept as a PNG of its first frame).
COVER_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")


def touch(course: Course) -> None:
    """Mark the course as updated now (shown to learners as "mis à jour le")."""
    course.updated_at = timezone.now()
    Course.objects.filter(pk=course.pk).update(updated_at=course.updated_at)


def _store_cover(course: Course, uploaded) -> None:
    """Validate and store a new cover; the old one goes once the change is committed.

    Every member sees the cover, so only its pixels are kept: it is re-encoded (JPEG or
    PNG, no EXIF, GPS, XMP or ICC text) and stored under the extension of what was
    written, never the uploaded name's (a "cover.html" that is a valid PNG would else be
    served as a web page).
    """
    uploads.validate_upload(uploaded, used_bytes=0, images_only=True, uploader=course.author,
                            where="privatespace.cover")
    clean = images.reencode(uploaded, accepted=COVER_FORMATS, max_pixels=uploads.max_image_pixels())
    old = course.cover.name
    course.cover.save(f"couverture.{clean.extension}", ContentFile(clean.content), save=False)
    if old:
        transaction.on_commit(lambda: default_storage.delete(old))


def _save_with_cover(course: Course, cover) -> None:
    """Save ``course``, storing ``cover`` first; a failure leaves no stray file behind."""
    stored = None
    try:
        with transaction.atomic():
            if cover:
                _store_cover(course, cover)
                stored = course.cover.name
            course.save()
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise


def create_course(*, actor, title: str, summary: str = "", cover=None) -> Course:
    course = Course(author=actor, title=title.strip(), summary=summary.strip())
    _save_with_cover(course, cover)
    return course


def update_course(course: Course, *, title: str, summary: str, cover=None,
                  remove_cover: bool = False) -> None:
    course.title = title.strip()
    course.summary = summary.strip()
    course.updated_at = timezone.now()
    if not cover and remove_cover and course.cover:
        old = course.cover.name
        course.cover = ""
        with transaction.atomic():
            course.save()
            transaction.on_commit(lambda: default_storage.delete(old))
        return
    _save_with_cover(course, cover)


@transaction.atomic
def publish_course(course: Course, *, actor) -> None:
    """Open the course to every community member."""
    if not Lesson.objects.filter(module__course=course).exists():
        raise ValidationError(_("Ajoutez au moins une leçon avant de publier le cours."), code="empty")
    now = timezone.now()
    course.status = CourseStatus.PUBLISHED
    course.published_at = course.published_at or now
    course.updated_at = now
    course.save(update_fields=["status", "published_at", "updated_at"])
    record(actor=actor, action="privatespace.course_published", target=course)


@transaction.atomic
def unpublish_course(course: Course, *, actor) -> None:
    """Back to private: followers keep their progress but cannot open it any more."""
    course.status = CourseStatus.PRIVATE
    course.save(update_fields=["status"])
    record(actor=actor, action="privatespace.course_unpublished", target=course)


@transaction.atomic
def delete_course(course: Course) -> None:
    cover = course.cover.name
    course.delete()
    if cover:
        transaction.on_commit(lambda: default_storage.delete(cover))


# --- Modules ------------------------------------------------------------------------


@transaction.atomic
def add_module(course: Course, *, title: str) -> Module:
    last = course.modules.aggregate(m=Max("position"))["m"]
    module = Module.objects.create(course=course, title=title.strip(),
                                   position=0 if last is None else last + 1)
    touch(course)
    return module


@transaction.atomic
def rename_module(module: Module, *, title: str) -> None:
    module.title = title.strip()
    module.save(update_fields=["title"])
    touch(module.course)


@transaction.atomic
def delete_module(module: Module) -> None:
    course = module.course
    module.delete()
    touch(course)


@transaction.atomic
def move_module(module: Module, *, direction: str) -> None:
    move(Module.objects.filter(course=module.course_id), module, direction)
    touch(module.course)


@transaction.atomic
def reorder_modules(course: Course, *, ids: list[int]) -> None:
    reorder(course.modules.select_for_update(), ids)
    touch(course)


# --- Lessons -------------------------------------------------------------------------


@dataclass
class LessonContent:
    title: str
    kind: str = LessonKind.TEXT
    body: str = ""
    library_favourite: Favourite | None = None
    library_resource: object | None = None  # a published library resource (privatespace.library)
    own_file: PrivateFile | None = None


def _apply_content(lesson: Lesson, content: LessonContent, actor) -> None:
    lesson.title = content.title.strip()
    lesson.kind = content.kind
    lesson.body = content.body
    if content.kind == LessonKind.LIBRARY:
        item = content.library_resource
        favourite = content.library_favourite
        if item is None and favourite is not None and favourite.owner_id == actor.pk \
                and favourite.content_type.app_label == LIBRARY_APP_LABEL:
            item = favourite.item
        # Published resources only: a course never exposes what the library has not published.
        resource = library.check_lesson_item(item)
        lesson.library_type = library.resource_type()
        lesson.library_id = resource.pk
        lesson.library_title = resource.title[:255]
    if content.kind == LessonKind.FILE:
        if content.own_file is None or content.own_file.owner_id != actor.pk:
            raise ValidationError(_("Choisissez un de vos fichiers."), code="file")
        lesson.own_file = content.own_file
    elif content.own_file is None:
        lesson.own_file = None


@transaction.atomic
def add_lesson(module: Module, *, actor, content: LessonContent) -> Lesson:
    last = module.lessons.aggregate(m=Max("position"))["m"]
    lesson = Lesson(module=module, position=0 if last is None else last + 1)
    _apply_content(lesson, content, actor)
    lesson.save()
    touch(module.course)
    return lesson


@transaction.atomic
def update_lesson(lesson: Lesson, *, actor, content: LessonContent) -> None:
    _apply_content(lesson, content, actor)
    lesson.save()
    touch(lesson.module.course)


@transaction.atomic
def delete_lesson(lesson: Lesson) -> None:
    course = lesson.module.course
    lesson.delete()
    touch(course)


@transaction.atomic
def move_lesson(lesson: Lesson, *, direction: str) -> None:
    move(Lesson.objects.filter(module=lesson.module_id), lesson, direction)
    touch(lesson.module.course)


@transaction.atomic
def reorder_lessons(module: Module, *, ids: list[int]) -> None:
    reorder(module.lessons.select_for_update(), ids)
    touch(module.course)


@transaction.atomic
def add_question(lesson: Lesson, *, prompt: str,
                 choices: list[tuple[str, bool, str]]) -> QuizQuestion:
    """A multiple-choice question: ``choices`` are (text, is_correct, feedback)."""
    choices = [(text.strip(), correct, feedback.strip()) for text, correct, feedback in choices
               if text.strip()]
    if not prompt.strip():
        raise ValidationError(_("Écrivez la question."), code="prompt")
    if len(choices) < 2:
        raise ValidationError(_("Proposez au moins deux réponses."), code="choices")
    if sum(1 for _t, correct, _f in choices if correct) != 1:
        raise ValidationError(_("Cochez une et une seule bonne réponse."), code="correct")
    last = lesson.questions.aggregate(m=Max("position"))["m"]
    question = QuizQuestion.objects.create(lesson=lesson, prompt=prompt.strip(),
                                           position=0 if last is None else last + 1)
    QuizChoice.objects.bulk_create(
        QuizChoice(question=question, text=text, is_correct=correct, feedback=feedback)
        for text, correct, feedback in choices
    )
    touch(lesson.module.course)
    return question


@transaction.atomic
def delete_question(question: QuizQuestion) -> None:
    course = question.lesson.module.course
    question.delete()
    touch(course)


# --- Learners ----------------------------------------------------------------------------


@transaction.atomic
def follow_course(course: Course, *, actor) -> CourseFollow:
    if not course.is_published:
        raise ValidationError(_("Ce cours n'est pas publié."), code="private")
    follow, _created = CourseFollow.objects.get_or_create(course=course, learner=actor)
    return follow


@transaction.atomic
def unfollow_course(course: Course, *, actor) -> None:
    CourseFollow.objects.filter(course=course, learner=actor).delete()


def follow_of(user, course: Course) -> CourseFollow | None:
    return CourseFollow.objects.filter(course=course, learner=user).first()


@transaction.atomic
def record_visit(follow: CourseFollow, lesson: Lesson) -> None:
    CourseFollow.objects.filter(pk=follow.pk).update(last_lesson=lesson, last_seen_at=timezone.now())


@transaction.atomic
def complete_lesson(follow: CourseFollow, lesson: Lesson) -> None:
    LessonProgress.objects.get_or_create(follow=follow, lesson=lesson)
    record_visit(follow, lesson)


@transaction.atomic
def answer_quiz(follow: CourseFollow, lesson: Lesson, answers: dict[int, int]) -> dict[int, QuizChoice]:
    """Record the learner's answers {question id: choice id}; returns the chosen choices."""
    chosen = {}
    questions = {q.pk: q for q in lesson.questions.prefetch_related("choices")}
    for question_id, choice_id in answers.items():
        question = questions.get(question_id)
        if question is None:
            continue
        choice = next((c for c in question.choices.all() if c.pk == choice_id), None)
        if choice is None:
            continue
        QuizAnswer.objects.update_or_create(
            follow=follow, question=question,
            defaults={"choice": choice, "is_correct": choice.is_correct},
        )
        chosen[question_id] = choice
    return chosen


class QuestionForLearner(NamedTuple):
    question: QuizQuestion  # its choices prefetched
    chosen_id: int | None  # the learner's latest answer


def lesson_questions(follow: CourseFollow | None, lesson: Lesson) -> list[QuestionForLearner]:
    """The lesson's quiz, each question with the learner's latest answer (None when not answered,
    or when nobody follows)."""
    questions = list(lesson.questions.prefetch_related("choices"))
    chosen: dict[int, int] = {}
    if follow is not None and questions:
        chosen = dict(QuizAnswer.objects.filter(follow=follow, question__in=questions)
                      .values_list("question_id", "choice_id"))
    return [QuestionForLearner(question, chosen.get(question.pk)) for question in questions]


@dataclass
class Progress:
    total_lessons: int
    done_ids: set[int] = field(default_factory=set)
    quiz_total: int = 0
    quiz_answered: int = 0
    quiz_correct: int = 0

    @property
    def done(self) -> int:
        return len(self.done_ids)

    @property
    def percent(self) -> int:
        return round(self.done * 100 / self.total_lessons) if self.total_lessons else 0

    @property
    def finished(self) -> bool:
        return self.total_lessons > 0 and self.done >= self.total_lessons


def progress_of(follow: CourseFollow | None, lessons: list[Lesson]) -> Progress:
    lesson_ids = {lesson.pk for lesson in lessons}
    quiz_total = QuizQuestion.objects.filter(lesson__in=lesson_ids).count()
    if follow is None:
        return Progress(total_lessons=len(lessons), quiz_total=quiz_total)
    done = set(LessonProgress.objects.filter(follow=follow, lesson__in=lesson_ids)
               .values_list("lesson_id", flat=True))
    answers = QuizAnswer.objects.filter(follow=follow, question__lesson__in=lesson_ids).aggregate(
        answered=Count("pk"), correct=Count("pk", filter=Q(is_correct=True)))
    return Progress(total_lessons=len(lessons), done_ids=done, quiz_total=quiz_total,
                    quiz_answered=answers["answered"], quiz_correct=answers["correct"])


def resume_lesson(follow: CourseFollow | None, lessons: list[Lesson], progress: Progress) -> Lesson | None:
    """Where to go on: the first lesson not done, else the last one seen, else the first."""
    for lesson in lessons:
        if lesson.pk not in progress.done_ids:
            return lesson
    if follow is not None and follow.last_lesson_id:
        return next((lesson for lesson in lessons if lesson.pk == follow.last_lesson_id), None)
    return lessons[0] if lessons else None


@dataclass(frozen=True)
class FollowedCourse:
    """A published course a member follows, as "Mes cours" lists it."""

    course: Course
    done: int  # lessons of the course the learner marked done
    total: int  # lessons the course has now
    last_lesson_id: int | None  # the last lesson seen, where to resume
    first_lesson_id: int | None  # where to start again once finished
    finished_at: datetime | None  # when the last lesson left was done; None while one is left

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


def followed_courses(user) -> list[FollowedCourse]:
    """The published courses ``user`` follows, most recently seen first, each with its progress,
    in one query whatever their number."""
    lessons = Lesson.objects.filter(module__course=OuterRef("course_id")).order_by()
    done = LessonProgress.objects.filter(follow=OuterRef("pk"), lesson__module__course=OuterRef("course_id"))
    follows = (
        CourseFollow.objects.filter(learner=user, course__status=CourseStatus.PUBLISHED)
        .select_related("course")
        .annotate(
            total=Coalesce(Subquery(lessons.values("module__course").annotate(n=Count("pk")).values("n")), 0),
            done=Coalesce(Subquery(done.values("follow").annotate(n=Count("pk")).values("n")), 0),
            last_done_at=Subquery(done.values("follow").annotate(at=Max("done_at")).values("at")),
            first_lesson_id=Subquery(lessons.order_by("module__position", "module__pk", "position", "pk")
                                     .values("pk")[:1]),
        )
        .order_by("-last_seen_at", "-pk")
    )
    return [
        FollowedCourse(
            course=follow.course, done=follow.done, total=follow.total,
            last_lesson_id=follow.last_lesson_id, first_lesson_id=follow.first_lesson_id,
            finished_at=follow.last_done_at if 0 < follow.total <= follow.done else None,
        )
        for follow in follows
    ]


@dataclass
class FollowerRow:
    pseudonym: str
    done: int
    answered: int
    correct: int
    last_seen_at: object


def followers_report(course: Course) -> list[FollowerRow]:
    """How far each follower got, by pseudonym only (what the author may know)."""
    follows = (CourseFollow.objects.filter(course=course)
               .select_related("learner__member")
               .annotate(done=Count("lessons_done", distinct=True),
                         answered=Count("answers", distinct=True),
                         correct=Count("answers", filter=Q(answers__is_correct=True), distinct=True))
               .order_by("-last_seen_at"))
    return [
        FollowerRow(
            pseudonym=getattr(getattr(f.learner, "member", None), "pseudonym", "") or _("membre"),
            done=f.done, answered=f.answered, correct=f.correct, last_seen_at=f.last_seen_at,
        )
        for f in follows
    ]
