"""The private space's one door to the library (the resources app).

Every read and write the private space needs from the library goes through
here: which resources a lesson may hold (published ones only, so that a
course never exposes what the library has not published), what a learner's
lesson shows of them, what a SCORM package copies, and the proposal of a
member's own file. The rest of the private space knows the library only
through these functions.
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from comcep.storage import StoredFile
from resources import services as library_services
from resources.models import Resource, Status, Video
from resources.search import search

SEARCH_LIMIT = 10


def resource_type() -> ContentType:
    return ContentType.objects.get_for_model(Resource)


def published_resources():
    """Every resource a lesson may hold: those the library has published."""
    return Resource.objects.published()


def is_publishable_in_lesson(obj) -> bool:
    """A lesson holds a published library resource, nothing else."""
    return isinstance(obj, Resource) and obj.status == Status.PUBLISHED


def check_lesson_item(obj) -> Resource:
    """``obj`` as the published resource a lesson may hold; ValidationError otherwise."""
    if not is_publishable_in_lesson(obj):
        raise ValidationError(
            _("Choisissez une ressource publiée de la bibliothèque (par la recherche ou parmi vos "
              "favoris)."), code="library")
    return obj


def search_resources(text: str, *, limit: int = SEARCH_LIMIT) -> list[Resource]:
    """Published resources matching ``text`` (French search, accents folded), best first."""
    text = (text or "").strip()
    if not text:
        return []
    return list(search(published_resources(), text)[:limit])


def favourite_resources(user) -> list[Resource]:
    """The published resources among ``user``'s favourites, most recently saved first."""
    from privatespace.models import Favourite

    ids = list(Favourite.objects.filter(owner=user, content_type=resource_type())
               .order_by("-created_at", "-pk").values_list("object_id", flat=True))
    found = published_resources().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def get_published(pk) -> Resource | None:
    try:
        return published_resources().filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def lesson_item(lesson) -> Resource | None:
    """The library resource a lesson shows, with its video, or None when it is not (or no
    longer) published: a lesson never exposes a resource the library has not published."""
    if lesson.library_id is None or lesson.library_type_id != resource_type().pk:
        return None
    return (published_resources().filter(pk=lesson.library_id)
            .select_related("region")
            .prefetch_related(Prefetch("video", queryset=Video.objects.prefetch_related(
                "renditions", "captions", "chapters")))
            .first())


def video_of(resource: Resource | None):
    return resource.cached_video() if resource is not None else None


def best_rendition(resource: Resource):
    """The tallest ready rendition of a video resource, or None."""
    video = video_of(resource)
    if video is None:
        return None
    renditions = video.ready_renditions()
    return renditions[0] if renditions else None


def open_media_file(name: str):
    """A library file (rendition, caption), open for reading from the storage.
    FileNotFoundError when it is missing."""
    return StoredFile(name)


# --- Proposing a member's own file ------------------------------------------------------------


def proposal_of(private_file) -> Resource | None:
    """The library proposal made from ``private_file``, as its owner may see it."""
    if private_file.proposed_resource_id is None:
        return None
    return Resource.objects.filter(pk=private_file.proposed_resource_id,
                                   proposed_by=private_file.owner_id).first()


def propose_file(private_file, *, actor, title: str, summary: str) -> Resource:
    """Create the proposal in the library from a copy of the member's file (see
    resources.services.propose_file: a document, or a video through the video pipeline)."""
    # The type was judged from the content at upload; the name follows it, not the reverse.
    suffix = mimetypes.guess_extension(private_file.mime_type) or PurePosixPath(private_file.file.name).suffix
    with private_file.file.open("rb") as source:
        return library_services.propose_file(
            source, actor=actor, name=f"fichier{suffix}", size=private_file.size,
            title=title, summary=summary,
            is_video=private_file.kind == "video",
        )


def withdraw_proposal(resource: Resource, *, actor) -> bool:
    return library_services.withdraw_proposal(resource, actor=actor)
