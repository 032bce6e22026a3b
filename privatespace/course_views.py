"""The course builder (author side) and the course pages (learner side)."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from comcep import idempotency, images
from comcep.files import ranged_file_response
from comcep.permissions import community_required
from privatespace import courses, library, permissions, scorm
from privatespace.forms import CourseForm, LessonForm, ModuleForm, NewCourseForm, QuestionForm
from privatespace.models import Course, CourseFollow, LessonKind, QuizQuestion
from privatespace.views import _ids, _messages_of, file_response


def _builder(course: Course) -> str:
    return reverse("privatespace:course_builder", args=[course.pk])


def _quiz_editor(lesson_id: int) -> str:
    return reverse("privatespace:edit_lesson", args=[lesson_id]) + "#quiz"


def _moved(request, anchor_url: str):
    """After a move button: nothing to send back to htmx (the page moved the row itself)."""
    if request.htmx:
        return HttpResponse(status=204)
    return redirect(anchor_url)


# --- Catalogue and learner pages ----------------------------------------------------------


@community_required
def catalogue(request):
    """Every published course, and where the member stands in those they follow."""
    published = list(Course.objects.published().with_counts().order_by("-updated_at", "-pk"))
    followed = set(CourseFollow.objects.filter(learner=request.user).values_list("course_id", flat=True))
    return render(request, "privatespace/catalogue.html", {"courses": published, "followed": followed})


@community_required
def my_courses(request):
    authored = Course.objects.filter(author=request.user).with_counts()
    return render(request, "privatespace/my_courses.html", {
        "authored": authored, "follows": courses.followed_courses(request.user)})


@community_required
def course_detail(request, pk: int):
    course = permissions.get_viewable_course(request.user, pk)
    lessons = course.ordered_lessons()
    follow = courses.follow_of(request.user, course)
    progress = courses.progress_of(follow, lessons)
    return render(request, "privatespace/course_detail.html", {
        "course": course, "modules": course.modules_with_lessons(), "follow": follow,
        "progress": progress, "resume": courses.resume_lesson(follow, lessons, progress),
        "is_author": permissions.can_edit_course(request.user, course),
    })


@never_cache
@community_required
def course_cover(request, pk: int):
    course = permissions.get_viewable_course(request.user, pk)
    # Only a re-encoded image is served, by its extension; anything else stored under a
    # cover (an upload kept with its own name before covers were re-encoded) is not.
    content_type = images.SERVED_TYPES.get(PurePosixPath(course.cover.name or "").suffix.lower()[1:])
    if content_type is None:
        raise Http404
    try:
        handle = course.cover.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = ranged_file_response(request, handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=300"
    return response


@community_required
@require_POST
def follow_course(request, pk: int):
    course = permissions.get_viewable_course(request.user, pk)
    if request.POST.get("stop"):
        courses.unfollow_course(course, actor=request.user)
        messages.success(request, _("Vous ne suivez plus ce cours."))
        return redirect(course.get_absolute_url())
    try:
        courses.follow_course(course, actor=request.user)
    except ValidationError as error:
        messages.error(request, _messages_of(error))
        return redirect(course.get_absolute_url())
    lessons = course.ordered_lessons()
    if not lessons:
        return redirect(course.get_absolute_url())
    messages.success(request, _("Vous suivez ce cours. Bonne formation !"))
    return redirect("privatespace:lesson", pk=lessons[0].pk)


def _neighbours(lessons, lesson):
    index = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
    previous = lessons[index - 1] if index > 0 else None
    following = lessons[index + 1] if index + 1 < len(lessons) else None
    return index, previous, following


@community_required
def lesson_view(request, pk: int):
    """A lesson as a learner reads it (also the author's preview)."""
    lesson = permissions.get_viewable_lesson(request.user, pk)
    course = lesson.module.course
    library_item = library.lesson_item(lesson) if lesson.kind == LessonKind.LIBRARY else None
    lessons = course.ordered_lessons()
    index, previous, following = _neighbours(lessons, lesson)
    follow = courses.follow_of(request.user, course)
    if follow is not None:
        courses.record_visit(follow, lesson)
    progress = courses.progress_of(follow, lessons)
    return render(request, "privatespace/lesson.html", {
        "lesson": lesson, "course": course, "lessons": lessons, "number": index + 1,
        "previous": previous, "next": following, "follow": follow, "progress": progress,
        "questions": courses.lesson_questions(follow, lesson),
        "library_item": library_item, "library_video": library.video_of(library_item),
        "is_author": permissions.can_edit_course(request.user, course),
        "done": lesson.pk in progress.done_ids,
    })


@never_cache
@community_required
def lesson_file(request, pk: int):
    """The author's own file, served to whoever may read the lesson that holds it, under the
    lesson's name (Lesson.file_name), never the file's own."""
    lesson = permissions.get_viewable_lesson(request.user, pk)
    if lesson.kind != LessonKind.FILE or lesson.own_file is None:
        raise Http404
    return file_response(request, lesson.own_file, download_name=lesson.file_name)


@community_required
@require_POST
def complete_lesson(request, pk: int):
    lesson = permissions.get_viewable_lesson(request.user, pk)
    follow = permissions.get_learner_follow(request.user, lesson)
    courses.complete_lesson(follow, lesson)
    lessons = lesson.module.course.ordered_lessons()
    _index, _previous, following = _neighbours(lessons, lesson)
    if following is not None:
        return redirect("privatespace:lesson", pk=following.pk)
    messages.success(request, _("Bravo, vous avez terminé le cours !"))
    return redirect(lesson.module.course.get_absolute_url())


@community_required
@require_POST
def answer_quiz(request, pk: int):
    lesson = permissions.get_viewable_lesson(request.user, pk)
    follow = permissions.get_learner_follow(request.user, lesson)
    answers = {}
    for key, value in request.POST.items():
        if key.startswith("question_"):
            try:
                answers[int(key.removeprefix("question_"))] = int(value)
            except ValueError:
                continue
    courses.answer_quiz(follow, lesson, answers)
    messages.success(request, _("Réponses enregistrées : voyez les commentaires sous chaque question."))
    return redirect(reverse("privatespace:lesson", args=[lesson.pk]) + "#quiz")


# --- Builder ---------------------------------------------------------------------------


@community_required
def create_course(request):
    form = NewCourseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():

        def create() -> str:
            course = courses.create_course(actor=request.user, title=form.cleaned_data["title"],
                                           summary=form.cleaned_data["summary"],
                                           cover=form.cleaned_data["cover"])
            return _builder(course)

        try:
            # Sent twice (double click, resent request), the form creates one course.
            outcome = idempotency.once(token=form.submission_token, scope="privatespace.course",
                                       user=request.user, create=create,
                                       content_digest=idempotency.form_digest(form))
        except idempotency.TokenRefused as error:
            form.refuse_token(error)
        except ValidationError as error:
            form.add_error("cover", error)
        else:
            messages.success(request, _("Cours créé : ajoutez-lui des modules et des leçons."))
            return redirect(outcome.result)
    return render(request, "privatespace/course_form.html", {"form": form, "course": None})


@community_required
def edit_course(request, pk: int):
    course = permissions.get_editable_course(request.user, pk)
    form = CourseForm(request.POST or None, request.FILES or None,
                      initial={"title": course.title, "summary": course.summary})
    if request.method == "POST" and form.is_valid():
        try:
            courses.update_course(course, title=form.cleaned_data["title"],
                                  summary=form.cleaned_data["summary"], cover=form.cleaned_data["cover"],
                                  remove_cover=form.cleaned_data["remove_cover"])
        except ValidationError as error:
            form.add_error("cover", error)
        else:
            messages.success(request, _("Cours enregistré."))
            return redirect(_builder(course))
    return render(request, "privatespace/course_form.html", {"form": form, "course": course})


@community_required
def course_builder(request, pk: int):
    course = permissions.get_editable_course(request.user, pk)
    return render(request, "privatespace/builder.html", {
        "course": course, "modules": course.modules_with_lessons(), "module_form": ModuleForm(),
        "follower_count": course.follows.count(),
    })


@community_required
@require_POST
def publish_course(request, pk: int):
    course = permissions.get_editable_course(request.user, pk)
    if request.POST.get("private"):
        courses.unpublish_course(course, actor=request.user)
        messages.success(request, _("Le cours est redevenu privé."))
    else:
        try:
            courses.publish_course(course, actor=request.user)
        except ValidationError as error:
            messages.error(request, _messages_of(error))
        else:
            messages.success(request, _("Le cours est publié : les membres de la communauté "
                                        "peuvent le suivre."))
    return redirect(_builder(course))


@community_required
@require_POST
def delete_course(request, pk: int):
    course = permissions.get_editable_course(request.user, pk)
    courses.delete_course(course)
    messages.success(request, _("Cours supprimé."))
    return redirect("privatespace:my_courses")


@community_required
def course_followers(request, pk: int):
    course = permissions.get_editable_course(request.user, pk)
    return render(request, "privatespace/followers.html", {
        "course": course, "rows": courses.followers_report(course),
        "lesson_count": len(course.ordered_lessons()),
        "question_count": QuizQuestion.objects.filter(lesson__module__course=course).count(),
    })


@never_cache
@community_required
def export_scorm(request, pk: int):
    course = permissions.get_editable_course(request.user, pk)
    package = scorm.build_package(course)
    return FileResponse(package, as_attachment=True, filename=f"cours-{course.pk}-scorm12.zip",
                        content_type="application/zip")


@community_required
@require_POST
def add_module(request, pk: int):
    course = permissions.get_editable_course(request.user, pk)
    form = ModuleForm(request.POST)
    if form.is_valid():
        courses.add_module(course, title=form.cleaned_data["title"])
        messages.success(request, _("Module ajouté."))
    else:
        messages.error(request, _("Donnez un titre au module."))
    return redirect(_builder(course))


@community_required
def edit_module(request, pk: int):
    module = permissions.get_editable_module(request.user, pk)
    form = ModuleForm(request.POST or None, initial={"title": module.title})
    if request.method == "POST" and form.is_valid():
        courses.rename_module(module, title=form.cleaned_data["title"])
        messages.success(request, _("Module renommé."))
        return redirect(_builder(module.course))
    return render(request, "privatespace/module_form.html", {"module": module, "form": form})


@community_required
@require_POST
def delete_module(request, pk: int):
    module = permissions.get_editable_module(request.user, pk)
    courses.delete_module(module)
    messages.success(request, _("Module supprimé."))
    return redirect(_builder(module.course))


@community_required
@require_POST
def move_module(request, pk: int):
    module = permissions.get_editable_module(request.user, pk)
    courses.move_module(module, direction=request.POST.get("direction"))
    return _moved(request, _builder(module.course) + f"#module-{module.pk}")


@community_required
@require_POST
def reorder_modules(request, pk: int):
    course = permissions.get_editable_course(request.user, pk)
    courses.reorder_modules(course, ids=_ids(request))
    return HttpResponse(status=204)


def _lesson_content(form) -> courses.LessonContent:
    data = form.cleaned_data
    return courses.LessonContent(title=data["title"], kind=data["kind"], body=data.get("body", ""),
                                 library_resource=data.get("library_resource"),
                                 own_file=data.get("own_file"))


def _library_context(request, form, lesson=None) -> dict:
    """What the library picker offers: the chosen resource, a search, the author's favourites."""
    query = (request.POST.get("library_q") or request.GET.get("library_q") or "").strip()
    chosen = library.get_published(form["library_resource"].value())
    if chosen is None and lesson is not None and lesson.library_id:
        chosen = library.lesson_item(lesson)
    return {
        "library_q": query,
        "library_chosen": chosen,
        "library_chosen_items": [chosen] if chosen is not None else [],
        "library_found": library.search_resources(query),
        "library_favourites": library.favourite_resources(request.user),
    }


def _searching(request) -> bool:
    """The no-JavaScript library search: the form comes back with the results, nothing saved."""
    return request.method == "POST" and bool(request.POST.get("search_library"))


def _lesson_form_page(request, form, *, module, lesson=None, status=200, **extra):
    context = {"module": module, "course": module.course, "form": form, "lesson": lesson,
               **_library_context(request, form, lesson), **extra}
    if lesson is not None:
        context.setdefault("questions", lesson.questions.prefetch_related("choices"))
        context.setdefault("question_form", QuestionForm())
    return render(request, "privatespace/lesson_form.html", context, status=status)


@community_required
def add_lesson(request, pk: int):
    module = permissions.get_editable_module(request.user, pk)
    if _searching(request):
        form = LessonForm(user=request.user, initial=request.POST.dict())
        return _lesson_form_page(request, form, module=module)
    form = LessonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            lesson = courses.add_lesson(module, actor=request.user, content=_lesson_content(form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Leçon ajoutée. Vous pouvez lui adjoindre un quiz."))
            return redirect("privatespace:edit_lesson", pk=lesson.pk)
    return _lesson_form_page(request, form, module=module)


def _lesson_initial(lesson) -> dict:
    initial = {"title": lesson.title, "kind": lesson.kind, "body": lesson.body, "own_file": lesson.own_file}
    if lesson.kind == LessonKind.LIBRARY and lesson.library_id:
        initial["library_resource"] = lesson.library_id
    return initial


@community_required
def edit_lesson(request, pk: int):
    lesson = permissions.get_editable_lesson(request.user, pk)
    if _searching(request):
        form = LessonForm(user=request.user, initial=request.POST.dict())
        return _lesson_form_page(request, form, module=lesson.module, lesson=lesson)
    form = LessonForm(request.POST or None, user=request.user, initial=_lesson_initial(lesson))
    if request.method == "POST" and form.is_valid():
        try:
            courses.update_lesson(lesson, actor=request.user, content=_lesson_content(form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Leçon enregistrée."))
            return redirect(_builder(lesson.module.course))
    return _lesson_form_page(request, form, module=lesson.module, lesson=lesson)


@community_required
def library_search(request):
    """The picker's live search (htmx): published resources matching the words typed."""
    query = (request.GET.get("library_q") or "").strip()
    return render(request, "privatespace/partials/_library_options.html", {
        "items": library.search_resources(query), "prefix": "found", "query": query,
        "chosen_pk": None,
    })


@community_required
@require_POST
def delete_lesson(request, pk: int):
    lesson = permissions.get_editable_lesson(request.user, pk)
    courses.delete_lesson(lesson)
    messages.success(request, _("Leçon supprimée."))
    return redirect(_builder(lesson.module.course))


@community_required
@require_POST
def move_lesson(request, pk: int):
    lesson = permissions.get_editable_lesson(request.user, pk)
    courses.move_lesson(lesson, direction=request.POST.get("direction"))
    return _moved(request, _builder(lesson.module.course) + f"#lesson-{lesson.pk}")


@community_required
@require_POST
def reorder_lessons(request, pk: int):
    module = permissions.get_editable_module(request.user, pk)
    courses.reorder_lessons(module, ids=_ids(request))
    return HttpResponse(status=204)


@community_required
@require_POST
def add_question(request, pk: int):
    lesson = permissions.get_editable_lesson(request.user, pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            courses.add_question(lesson, prompt=form.cleaned_data["prompt"],
                                 choices=form.choices())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Question ajoutée au quiz."))
            return redirect(_quiz_editor(lesson.pk))
    return _lesson_form_page(request, LessonForm(user=request.user, initial=_lesson_initial(lesson)),
                             module=lesson.module, lesson=lesson, question_form=form, status=400)


@community_required
@require_POST
def delete_question(request, pk: int):
    question = permissions.get_editable_question(request.user, pk)
    courses.delete_question(question)
    messages.success(request, _("Question retirée."))
    return redirect(_quiz_editor(question.lesson_id))
