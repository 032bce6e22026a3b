"""The private space: favourites, personal files and the course builder.

Only the owner reads any of it; the ways out are a course its author
publishes and a file proposed to the library. A favourite or a library lesson
points at its object through a generic relation and keeps a snapshot; the
library (resources app) is reached only through ``privatespace.library``.
"""

from __future__ import annotations

import mimetypes
import secrets
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Prefetch, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comcep.files import neutral_name

LIBRARY_APP_LABEL = "resources"
# Types a file may be judged to be that Python's mimetypes gives no extension for.
_EXTENSIONS = {"audio/wav": ".wav"}


def private_path(prefix: str, original_name: str) -> str:
    """A random, non-guessable storage path; the member's own file name is never in it."""
    suffix = PurePosixPath(original_name).suffix.lower()
    if not suffix[1:].isalnum() or len(suffix) > 8:
        suffix = ""
    token = secrets.token_hex(16)
    return f"privatespace/{prefix}/{token[:2]}/{token}{suffix}"


def _file_path(instance, filename: str) -> str:
    return private_path("files", filename)


def _cover_path(instance, filename: str) -> str:
    return private_path("covers", filename)


# --- Favourites -------------------------------------------------------------------


class Collection(models.Model):
    """A named, ordered group of favourites."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="favourite_collections")
    name = models.CharField(_("nom"), max_length=80)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="privatespace_collection_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class FavouriteQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(owner=user).select_related("collection", "content_type")


class Favourite(models.Model):
    """Any item of the platform the member saved, with a personal note.

    ``title`` and ``url`` are a snapshot taken when it was saved, so the list
    reads in one query and still says something when the item is gone.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="favourites")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("titre"), max_length=255)
    url = models.CharField(max_length=500, blank=True)
    kind = models.CharField(_("type"), max_length=80, blank=True)
    note = models.TextField(_("note personnelle"), blank=True, max_length=4000)
    collection = models.ForeignKey(Collection, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="favourites", verbose_name=_("collection"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FavouriteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("favori")
        verbose_name_plural = _("favoris")
        constraints = [
            models.UniqueConstraint(fields=["owner", "content_type", "object_id"],
                                    name="privatespace_favourite_once"),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.title


# --- Files ------------------------------------------------------------------------


class Folder(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="private_folders")
    name = models.CharField(_("nom"), max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="privatespace_folder_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class FileKind(models.TextChoices):
    DOCUMENT = "document", _("document")
    IMAGE = "image", _("image")
    VIDEO = "video", _("vidéo")
    AUDIO = "audio", _("audio")


class PrivateFileQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(owner=user).select_related("folder")

    def used_bytes(self, user) -> int:
        return self.filter(owner=user).aggregate(total=Sum("size"))["total"] or 0


class PrivateFile(models.Model):
    """A file of the member's own, served only to them (see views.download_file)."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="private_files")
    folder = models.ForeignKey(Folder, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="files", verbose_name=_("dossier"))
    name = models.CharField(_("nom"), max_length=180)
    file = models.FileField(upload_to=_file_path, max_length=200)
    size = models.PositiveBigIntegerField()
    mime_type = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=FileKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # "Propose to the library": when, with which word, and the proposal it made there.
    proposed_at = models.DateTimeField(null=True, blank=True)
    proposal_note = models.TextField(blank=True, max_length=2000)
    # The library's proposal made from it (a resources.Resource id; the library may drop it).
    proposed_resource_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)

    objects = PrivateFileQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("fichier personnel")
        verbose_name_plural = _("fichiers personnels")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("privatespace:file_detail", args=[self.key])

    @property
    def download_url(self) -> str:
        return reverse("privatespace:download_file", args=[self.key])

    @property
    def extension(self) -> str:
        """The extension of what the file is (its type was judged from its content), never
        the one it was uploaded with."""
        return mimetypes.guess_extension(self.mime_type) or _EXTENSIONS.get(self.mime_type, "")


# --- Courses --------------------------------------------------------------------


class CourseStatus(models.TextChoices):
    PRIVATE = "private", _("privé")
    PUBLISHED = "published", _("publié")


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=CourseStatus.PUBLISHED)

    def visible_to(self, user):
        """Published courses, and the user's own whatever their state."""
        return self.filter(Q(status=CourseStatus.PUBLISHED) | Q(author=user))

    def with_counts(self):
        return self.select_related("author__member").annotate(
            lesson_count=Count("modules__lessons", distinct=True),
            follower_count=Count("follows", distinct=True),
        )


class Course(models.Model):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="authored_courses")
    title = models.CharField(_("titre"), max_length=160)
    summary = models.TextField(_("résumé"), max_length=2000, blank=True)
    cover = models.FileField(_("image de couverture"), upload_to=_cover_path, max_length=200,
                             blank=True)
    status = models.CharField(max_length=10, choices=CourseStatus.choices,
                              default=CourseStatus.PRIVATE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("cours")
        verbose_name_plural = _("cours")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("privatespace:course_detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == CourseStatus.PUBLISHED

    def ordered_lessons(self) -> list[Lesson]:
        """Every lesson in reading order (module order, then lesson order)."""
        return list(
            Lesson.objects.filter(module__course=self)
            .select_related("module")
            .order_by("module__position", "module__pk", "position", "pk")
        )

    def modules_with_lessons(self):
        return self.modules.prefetch_related(
            Prefetch("lessons", queryset=Lesson.objects.select_related("own_file", "library_type")
                     .prefetch_related("questions__choices"))
        )


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(_("titre du module"), max_length=160)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def __str__(self) -> str:
        return self.title


class LessonKind(models.TextChoices):
    TEXT = "text", _("texte")
    LIBRARY = "library", _("élément de la bibliothèque")
    FILE = "file", _("un de mes fichiers")


class Lesson(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(_("titre de la leçon"), max_length=160)
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("contenu"), max_length=10, choices=LessonKind.choices,
                            default=LessonKind.TEXT)
    body = models.TextField(_("texte (Markdown)"), blank=True, max_length=50_000)
    # A library video or resource; resolved lazily since the library may drop it.
    library_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        limit_choices_to={"app_label": LIBRARY_APP_LABEL},
    )
    library_id = models.PositiveBigIntegerField(null=True, blank=True)
    library_item = GenericForeignKey("library_type", "library_id")
    library_title = models.CharField(max_length=255, blank=True)
    own_file = models.ForeignKey(PrivateFile, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="lessons", verbose_name=_("fichier"))

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("leçon")
        verbose_name_plural = _("leçons")

    def __str__(self) -> str:
        return self.title

    @property
    def file_name(self) -> str:
        """The name the lesson's own file is shown and downloaded under by its learners: the
        lesson's title and the file's real extension. The file's own name stays its
        owner's (it is most often the uploaded one, which may carry a real name)."""
        extension = self.own_file.extension if self.own_file is not None else ""
        return neutral_name(self.title, extension)



class QuizQuestion(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="questions")
    prompt = models.CharField(_("question"), max_length=500)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.prompt


class QuizChoice(models.Model):
    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("réponse"), max_length=300)
    is_correct = models.BooleanField(_("bonne réponse"), default=False)
    feedback = models.CharField(_("commentaire affiché"), max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text


class CourseFollow(models.Model):
    """A member following a course; their progress hangs off it."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="follows")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="course_follows")
    started_at = models.DateTimeField(auto_now_add=True)
    last_lesson = models.ForeignKey(Lesson, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_seen_at"]
        constraints = [
            models.UniqueConstraint(fields=["course", "learner"], name="privatespace_follow_once"),
        ]


class LessonProgress(models.Model):
    follow = models.ForeignKey(CourseFollow, on_delete=models.CASCADE, related_name="lessons_done")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follow", "lesson"], name="privatespace_lesson_done_once"),
        ]


class QuizAnswer(models.Model):
    """A learner's latest answer to one question."""

    follow = models.ForeignKey(CourseFollow, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="+")
    choice = models.ForeignKey(QuizChoice, on_delete=models.CASCADE, related_name="+")
    is_correct = models.BooleanField()
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follow", "question"], name="privatespace_answer_once"),
        ]
