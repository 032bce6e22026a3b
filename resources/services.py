"""Writes of the library: proposals, reviews, regional actions, videos."""

from __future__ import annotations

import difflib
import logging
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterable
from contextlib import ExitStack, contextmanager, suppress
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from comcep import antivirus, filecleaning, identity, images, jobs, storage
from comcep.audit import record
from comcep.notifications import queue_email
from resources import conf, permissions, transcoding, watch
from resources.models import (
    Caption,
    Chapter,
    Kind,
    LegalVersion,
    NoticeKind,
    RegionalAction,
    Resource,
    ResourceEvent,
    SavedAction,
    Status,
    Video,
    VideoRendition,
    VideoState,
)

logger = logging.getLogger(__name__)

# --- Proposals and reviews -----------------------------------------------------------


def _move(resource: Resource, to: str, *, actor, reason: str = "", allowed_from: Iterable[str]) -> bool:
    """Claim the row for a move (only one concurrent reviewer wins) and log it."""
    changed = Resource.objects.filter(pk=resource.pk, status__in=list(allowed_from)).update(
        status=to,
        reviewed_by=actor,
        decline_reason=reason if to in (Status.DECLINED, Status.WITHDRAWN) else "",
        published_at=timezone.now() if to == Status.PUBLISHED else None,
    )
    if changed != 1:
        return False
    ResourceEvent.objects.create(resource=resource, from_status=resource.status, to_status=to,
                                 actor=actor, reason=reason)
    resource.refresh_from_db()
    return True


def set_labels(resource: Resource, *, tags: Iterable[str] | None = None, themes=None) -> None:
    """Set tags and themes, and copy their names where the search trigger indexes them."""
    if themes is not None:
        resource.themes.set(themes)
    if tags is not None:
        resource.tags.set(list(tags))
    keywords = " ".join([*resource.tags.names(), *(t.name for t in resource.themes.all())])
    Resource.objects.filter(pk=resource.pk).update(keywords=keywords)
    resource.keywords = keywords


@transaction.atomic
def propose_resource(resource: Resource, *, actor, tags: Iterable[str] = (), themes=()) -> Resource:
    """Save a member's proposal ("versement au pot commun").

    A moderator's own resource is published at once: they would review it themselves.
    """
    if not permissions.can_propose(actor):
        raise PermissionDenied
    resource.proposed_by = actor
    resource.status = Status.PROPOSED
    resource.save()
    set_labels(resource, tags=tags, themes=themes)
    ResourceEvent.objects.create(resource=resource, to_status=Status.PROPOSED, actor=actor)
    if permissions.can_moderate(actor) and _move(resource, Status.PUBLISHED, actor=actor,
                                                 allowed_from=[Status.PROPOSED]):
        watch.text_published(resource)
    return resource


@transaction.atomic
def update_resource(resource: Resource, *, actor, tags: Iterable[str] | None = None, themes=None) -> Resource:
    permissions.check_edit(actor, resource)
    resource.save()
    set_labels(resource, tags=tags, themes=themes)
    return resource


def _review(resource: Resource, to: str, *, actor, allowed_from: Iterable[str], audit: str,
            email: str, reason: str = "") -> bool:
    """A moderator's decision: move the resource, audit it, tell its proposer (not themselves)."""
    if not _move(resource, to, actor=actor, reason=reason, allowed_from=allowed_from):
        return False
    record(actor=actor, action=audit, target=resource, reason=reason)
    proposer = resource.proposed_by
    if proposer is not None and proposer.pk != actor.pk:
        queue_email(template=email, to=proposer,
                    context={"resource": resource, "reason": reason})
        member = identity.member_of(proposer)
        kind = NoticeKind.PUBLISHED if to == Status.PUBLISHED else NoticeKind.DECLINED
        watch.notify(member.pk if member else None, kind, resource,
                     key=f"review:{resource.events.latest('pk').pk}")
    if to == Status.PUBLISHED:
        watch.text_published(resource)
    return True


@transaction.atomic
def publish_resource(resource: Resource, *, actor) -> bool:
    """A moderator publishes a proposal (or a declined or withdrawn one, on second thoughts); the
    proposer is told."""
    permissions.check_moderate(actor)
    return _review(resource, Status.PUBLISHED, actor=actor,
                   allowed_from=[Status.PROPOSED, Status.DECLINED, Status.WITHDRAWN],
                   audit="resource.published", email="resources_published")


@transaction.atomic
def decline_resource(resource: Resource, *, actor, reason: str) -> bool:
    """A moderator declines a proposal with a reason, which the proposer receives."""
    permissions.check_moderate(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Indiquez le motif du refus."), code="reason_required")
    return _review(resource, Status.DECLINED, actor=actor, reason=reason,
                   allowed_from=[Status.PROPOSED],
                   audit="resource.declined", email="resources_declined")


@transaction.atomic
def withdraw_resource(resource: Resource, *, actor, reason: str) -> bool:
    """A moderator takes a published resource out of the library (outdated, rights, error).

    Nothing is deleted: members no longer reach it (its page, the list, search, forum cards),
    moderators and its proposer still do, with the reason, and it may be published again.
    """
    permissions.check_moderate(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Indiquez pourquoi la ressource est retirée."), code="reason_required")
    if resource.kind == Kind.ACTION:
        raise ValidationError(_("Une action régionale s'annule depuis la gestion des actions."),
                              code="action")
    return _review(resource, Status.WITHDRAWN, actor=actor, reason=reason,
                   allowed_from=[Status.PUBLISHED],
                   audit="resource.withdrawn", email="resources_withdrawn")


def store_document(resource: Resource, upload) -> None:
    """Keep an uploaded document under a random name; it downloads under its title's name.

    The uploaded file's own name is dropped: it may carry a real name, and so are the
    authors its metadata names (``filecleaning``; a French ValidationError when it cannot be).
    """
    upload = filecleaning.ensure_clean(upload)
    suffix = Path(upload.name).suffix.lower()[:10]
    resource.document_name = f"{slugify(resource.title)[:80] or 'document'}{suffix}"
    resource.document.save(f"{uuid.uuid4().hex}{suffix}", upload, save=False)



# --- Proposals from a member's own file (the private space) ------------------------------


def _document_extensions() -> tuple[str, ...]:
    # The same list as the library's own proposal form, so both doors take the same files.
    from resources.forms import ResourceForm

    return ResourceForm.DOCUMENT_EXTENSIONS


def check_proposable_file(name: str, size: int, *, is_video: bool) -> None:
    """Raise a French ValidationError when the library does not take such a file."""
    suffix = Path(name).suffix.lower()
    if is_video:
        if suffix.lstrip(".") not in conf.video_extensions():
            raise ValidationError(_("La bibliothèque n'accepte pas ce format de vidéo."), code="type")
        if size > conf.video_max_bytes():
            raise ValidationError(_("La vidéo dépasse la taille maximale acceptée par la bibliothèque."),
                                  code="too_big")
        return
    if suffix not in _document_extensions():
        raise ValidationError(
            _("La bibliothèque accepte les documents (PDF, bureautique, texte) et les vidéos ; "
              "ce type de fichier ne peut pas lui être proposé."), code="type")
    if size > conf.document_max_bytes():
        raise ValidationError(_("Le document est trop volumineux pour la bibliothèque."), code="too_big")


@transaction.atomic
def propose_file(source, *, actor, name: str, size: int, title: str, summary: str,
                 is_video: bool) -> Resource:
    """Turn a member's own file into a proposal, in one step ("versement au pot commun").

    ``source`` is an open binary file; the library keeps its own copy, so the
    member's file stays theirs. A document is stored as an uploaded one; a
    video goes through the video pipeline (probe, renditions, poster) like a
    browser upload. Moderators then review it in their queue like any
    proposal, and the proposer is told of the outcome (publish_resource,
    decline_resource).
    """
    check_proposable_file(name, size, is_video=is_video)
    title = " ".join(title.split())[:200] or _("Proposition sans titre")
    resource = Resource(kind=Kind.VIDEO if is_video else Kind.DOCUMENT, title=title,
                        summary=summary.strip()[:2000] or title)
    if not is_video:
        from django.core.files import File

        store_document(resource, File(source, name=f"document{Path(name).suffix.lower()}"))
        propose_resource(resource, actor=actor)
        return resource
    propose_resource(resource, actor=actor)
    from django.core.files import File

    _new_video(resource, original_size=size, content=File(source, name="source"))
    return resource


@transaction.atomic
def withdraw_proposal(resource: Resource, *, actor) -> bool:
    """The proposer takes back a proposal not yet reviewed; it leaves the queue and its files go."""
    if resource.proposed_by_id != actor.pk:
        raise PermissionDenied
    claimed = Resource.objects.filter(pk=resource.pk, status=Status.PROPOSED).select_for_update().first()
    if claimed is None:
        return False
    video = claimed.cached_video()
    folder = video.folder if video is not None else None
    document = claimed.document.name if claimed.document else ""
    claimed.delete()
    record(actor=actor, action="resource.proposal_withdrawn", data={"resource": resource.pk})

    def remove_files():
        if folder is not None:
            storage.delete_folder(folder)
        if document:
            claimed.document.storage.delete(document)

    transaction.on_commit(remove_files)
    return True

# --- Regional actions ------------------------------------------------------------------


@transaction.atomic
def publish_action(
    resource: Resource, action: RegionalAction, *, actor, themes=(), tags=()
) -> RegionalAction:
    """Regional staff publish an action for a region they hold the permission on."""
    permissions.check_publish_for(actor, resource.region)
    resource.kind = Kind.ACTION
    resource.status = Status.PUBLISHED
    resource.published_at = timezone.now()
    resource.proposed_by = actor
    resource.save()
    set_labels(resource, tags=tags, themes=themes)
    action.resource = resource
    action.created_by = actor
    action.save()
    ResourceEvent.objects.create(resource=resource, to_status=Status.PUBLISHED, actor=actor)
    record(actor=actor, action="action.published", target=action,
           data={"region": resource.region.code if resource.region else None})
    return action


@transaction.atomic
def update_action(resource: Resource, action: RegionalAction, *, actor, themes=None, tags=None,
                  previous_region=None) -> RegionalAction:
    # Both the region it had and the one it gets must be the actor's.
    permissions.check_publish_for(actor, previous_region or resource.region)
    permissions.check_publish_for(actor, resource.region)
    resource.save()
    set_labels(resource, tags=tags, themes=themes)
    action.sequence += 1
    action.save()
    record(actor=actor, action="action.updated", target=action)
    return action


@transaction.atomic
def cancel_action(action: RegionalAction, *, actor, reason: str = "") -> bool:
    """Cancel an action; every member who saved it is told."""
    permissions.check_publish_for(actor, action.resource.region)
    changed = RegionalAction.objects.filter(pk=action.pk, cancelled_at=None).update(
        cancelled_at=timezone.now(), cancel_reason=reason.strip(), sequence=action.sequence + 1
    )
    if not changed:
        return False
    action.refresh_from_db()
    record(actor=actor, action="action.cancelled", target=action, reason=reason)
    savers = SavedAction.objects.filter(action=action).select_related("user")
    for saved in savers:
        if saved.user.is_active:
            queue_email(template="resources_action_cancelled", to=saved.user,
                        context={"action": action, "resource": action.resource})
            member = identity.member_of(saved.user)
            watch.notify(member.pk if member else None, NoticeKind.CANCELLED, action.resource,
                         key=f"cancelled:{action.pk}")
    return True


def save_action(action: RegionalAction, *, actor) -> None:
    if not permissions.can_save_action(actor):
        raise PermissionDenied
    SavedAction.objects.get_or_create(action=action, user=actor)


def unsave_action(action: RegionalAction, *, actor) -> None:
    SavedAction.objects.filter(action=action, user=actor).delete()


# --- Videos ---------------------------------------------------------------------------


def queue_video(video_id: int) -> None:
    """Ask the worker to process a video once the transaction commits.

    A broker that is down is not an error: the sweep (resume_stalled_videos) picks it up.
    """
    from resources.tasks import process_video

    transaction.on_commit(lambda: jobs.hand_over(process_video, video_id, what=f"video {video_id}"))


@transaction.atomic
def attach_video(resource: Resource, uploaded_path: str | Path, *, original_size: int,
                 queue: bool = True) -> Video:
    """Store the streamed upload as the video's source and queue the job.

    The file at ``uploaded_path`` is left where it is (an upload's temporary file is Django's
    to remove at the end of the request).
    """
    from django.core.files import File

    with open(uploaded_path, "rb") as handle:
        return _new_video(resource, original_size=original_size, queue=queue,
                          content=File(handle, name="source"))


def _new_video(resource: Resource, *, original_size: int, content, queue: bool = True) -> Video:
    """A video whose source is ``content``, stored whole or not at all, then its job queued.

    When the source cannot be stored the error goes up (a French ValidationError for a full
    disk or an object store that does not answer) and the caller's transaction drops the
    row: no video without its file.
    """
    video = Video.objects.create(resource=resource, original_size=original_size)
    try:
        name = default_storage.save(f"{video.folder}/source", content)
    except Exception as error:
        with suppress(Exception):  # what went wrong first is the error to report
            storage.delete_folder(video.folder)
        if (refusal := storage.refusal_for(error)) is not None:
            raise refusal from error
        raise
    video.source = name
    video.save(update_fields=["source"])
    if queue:
        queue_video(video.pk)
    return video


# A session-level advisory lock held for the whole job: the row stays writable
# (progress is committed as it goes) and the lock dies with the worker's
# connection, so a killed worker never leaves a video locked.
_LOCK_CLASS = 50_417


@contextmanager
def _video_lock(video_id: int):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_CLASS, video_id])
        locked = cursor.fetchone()[0]
    try:
        yield locked
    finally:
        if locked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_CLASS, video_id])


def is_video_locked(video_id: int) -> bool:
    with _video_lock(video_id) as locked:
        return not locked


def _set(video: Video, **fields) -> None:
    for name, value in fields.items():
        setattr(video, name, value)
    Video.objects.filter(pk=video.pk).update(**fields)


def _fail(video: Video, reason: str, detail: str = "") -> None:
    _set(video, state=VideoState.FAILED, failure_reason=reason[:300], failure_detail=detail[-4000:],
         finished_at=timezone.now())
    logger.info("Video %s failed: %s", video.pk, reason)


def _scan_source(video: Video, source: Path | None) -> str:
    """The antivirus reads the source (its local copy ``source``) before ffmpeg does.

    'clean'; 'failed' when it is flagged (the video fails with the reason, its
    source moved into quarantine) or cannot be scanned; 'waiting' when the
    scanner does not answer: the video stays queued and the sweep brings it back.
    """
    if source is None or not antivirus.configured():
        return "clean"
    try:
        with source.open("rb") as handle:
            verdict = antivirus.check_stream(handle, uploader=video.resource.proposed_by,
                                             where="resources.video")
        if not verdict.clean:  # a copy is in quarantine now; the stored source goes
            default_storage.delete(video.source)
    except antivirus.ScannerUnavailable as error:
        logger.warning("Video %s waits for the antivirus: %s", video.pk, error)
        return "waiting"
    except antivirus.ScanError as error:
        _fail(video, _("La vidéo n'a pas pu être analysée par l'antivirus."), str(error))
        return "failed"
    if not verdict.clean:
        _fail(video, _("Cette vidéo a été bloquée par l'antivirus (signature %(signature)s) ; "
                       "elle a été mise à l'écart et ne sera pas publiée.")
              % {"signature": verdict.signature})
        return "failed"
    return "clean"


def fail_past_its_time(video_id: int) -> None:
    """The job ran past its time limit: the video fails with a reason its page shows, and
    its proposer or a moderator can start it again."""
    video = Video.objects.filter(pk=video_id).first()
    if video is not None and video.state not in (VideoState.READY, VideoState.FAILED):
        _fail(video, _("Le traitement de la vidéo a dépassé le temps prévu : relancez-le depuis "
                       "cette page."))


def process_video(video_id: int) -> str:
    """Probe, transcode and make the poster of a video; safe to run again at any point.

    The job locks the video, then works out what is still missing. ffmpeg reads a
    local copy of the source and writes into a folder of this machine; a rendition
    is stored (whole or not at all) and then recorded, only when complete, so a job
    killed half-way leaves nothing that looks ready, and the next run redoes only
    what is missing. The local folder goes whatever happens.
    """
    with _video_lock(video_id) as locked:
        if not locked:
            return "busy"
        video = Video.objects.filter(pk=video_id).first()
        if video is None or video.state in (VideoState.READY, VideoState.FAILED):
            return "nothing to do"
        if video.attempts >= conf.video_max_attempts():
            _fail(video, _("Le traitement de la vidéo a échoué à plusieurs reprises."))
            return "failed"
        with _workspace(video) as work, _local_source(video, work) as source:
            if (verdict := _scan_source(video, source)) != "clean":
                return verdict
            _set(video, state=VideoState.PROCESSING, attempts=video.attempts + 1,
                 started_at=video.started_at or timezone.now())
            try:
                _process(video, source or work / "missing", work)
            except (transcoding.ProbeError, transcoding.TranscodeError) as error:
                _fail(video, error.reason, getattr(error, "detail", ""))
                return "failed"
            return "ready"


@contextmanager
def _workspace(video: Video):
    """This run's folder on the worker's disk, removed on leaving.

    One left by a killed run of the same video is removed first: the job holds the video's
    lock, so no other run uses it. The database's name is part of the folder's, as two
    sites (or test runs) on one machine have videos of the same number.
    """
    prefix = f"comcep-video-{connection.settings_dict['NAME']}-{video.pk}-"
    for stale in Path(tempfile.gettempdir()).glob(f"{prefix}*"):
        shutil.rmtree(stale, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


@contextmanager
def _local_source(video: Video, work: Path):
    """The source as a file ffmpeg can read (the stored file itself on the local disk, else a
    copy downloaded into ``work``), or None when there is none."""
    with ExitStack() as stack:
        source = None
        if video.source:
            with suppress(FileNotFoundError):
                source = stack.enter_context(storage.local_copy(video.source, directory=work))
        yield source


def check_video_caps(probe: transcoding.Probe) -> None:
    """Refuse (ProbeError, French reason for the uploader) a picture too large or too fast."""
    long_side, short_side = max(probe.width, probe.height), min(probe.width, probe.height)
    if long_side > conf.video_max_long_side() or short_side > conf.video_max_short_side():
        raise transcoding.ProbeError(
            _("L'image de la vidéo (%(width)d × %(height)d pixels) dépasse la taille maximale "
              "acceptée (%(long)d × %(short)d) : exportez-la en 4K ou moins et envoyez-la à nouveau.")
            % {"width": probe.width, "height": probe.height, "long": conf.video_max_long_side(),
               "short": conf.video_max_short_side()})
    if probe.fps > conf.video_max_fps():
        raise transcoding.ProbeError(
            _("La vidéo compte %(fps)s images par seconde ; %(max)s au plus sont acceptées : "
              "exportez-la à une cadence plus basse et envoyez-la à nouveau.")
            % {"fps": f"{probe.fps:g}", "max": f"{conf.video_max_fps():g}"})
    if probe.width * probe.height * probe.fps > conf.video_max_pixel_rate():
        raise transcoding.ProbeError(
            _("Cette vidéo est trop lourde à convertir (trop de pixels par seconde pour sa "
              "cadence) : exportez-la en plus petite définition ou à 30 images par seconde."))


def _process(video: Video, source: Path, work: Path) -> None:
    probe = transcoding.probe(source)
    if probe.duration > conf.video_max_seconds():
        raise transcoding.ProbeError(
            _("La vidéo dure plus de %(minutes)d minutes, la durée maximale acceptée.")
            % {"minutes": conf.video_max_seconds() // 60}
        )
    check_video_caps(probe)
    _set(video, duration=probe.duration, width=probe.width, height=probe.height,
         has_audio=probe.has_audio)

    heights = transcoding.target_heights(probe.height, conf.video_heights())
    done = {r.height for r in video.renditions.all() if default_storage.exists(r.path)}
    last_percent = -1

    for index, height in enumerate(heights):
        if height in done:
            continue

        def progress(fraction: float, index=index) -> None:
            nonlocal last_percent
            percent = min(int((index + fraction) / len(heights) * 100), 99)
            if percent > last_percent:
                last_percent = percent
                _set(video, progress=percent)

        part = work / f"{height}p.mp4"
        try:
            transcoding.transcode(source, part, height=height, duration=probe.duration,
                                  has_audio=probe.has_audio, on_progress=progress,
                                  preset=conf.video_preset())
            size = part.stat().st_size
            name = storage.save_file(f"{video.folder}/{height}p.mp4", part, replace=True)
        finally:
            part.unlink(missing_ok=True)
        width = round(probe.width * height / probe.height / 2) * 2
        VideoRendition.objects.update_or_create(
            video=video, height=height, defaults={"path": name, "width": width, "size": size},
        )

    if not video.poster or not default_storage.exists(video.poster):
        part = work / "poster.jpg"
        try:
            transcoding.make_poster(source, part, at=min(probe.duration / 3, 5))
            name = storage.save_file(f"{video.folder}/poster.jpg", part, replace=True)
        finally:
            part.unlink(missing_ok=True)
        _set(video, poster=name)
    if not video.thumbnail or not default_storage.exists(video.thumbnail):
        try:
            make_thumbnail(video, work)
        except (FileNotFoundError, ValidationError) as error:
            # Not worth failing a playable video for: its card shows the poster instead.
            logger.warning("No thumbnail for video %s: %s", video.pk, error)
            _set(video, thumbnail="", thumbnail_width=None, thumbnail_height=None)
    _set(video, state=VideoState.READY, progress=100, finished_at=timezone.now(),
         failure_reason="", failure_detail="")


THUMBNAIL_NAME = "thumb.webp"


def make_thumbnail(video: Video, work: Path) -> None:
    """Make the small picture of the library's cards from the video's stored poster: a WebP
    ``images.THUMBNAIL_WIDTH`` pixels wide, with no metadata (``comcep.images.thumbnail``).

    FileNotFoundError when the poster is missing, ValidationError when it is unreadable.
    """
    with storage.local_copy(video.poster, directory=work) as poster, poster.open("rb") as handle:
        small = images.thumbnail(handle)
    part = work / THUMBNAIL_NAME
    try:
        part.write_bytes(small.content)
        name = storage.save_file(f"{video.folder}/{THUMBNAIL_NAME}", part, replace=True)
    finally:
        part.unlink(missing_ok=True)
    _set(video, thumbnail=name, thumbnail_width=small.width, thumbnail_height=small.height)


def stalled_video_ids(*, queued_for_seconds: int = 600) -> list[int]:
    """Videos whose job died (processing, yet nobody holds the lock) or never started."""
    stale_queue = timezone.now() - timedelta(seconds=queued_for_seconds)
    candidates = Video.objects.filter(state=VideoState.PROCESSING).values_list("pk", flat=True)
    ids = [pk for pk in candidates if not is_video_locked(pk)]
    ids += list(
        Video.objects.filter(state=VideoState.QUEUED, resource__created_at__lt=stale_queue)
        .values_list("pk", flat=True)
    )
    return ids


@transaction.atomic
def retry_video(video: Video, *, actor) -> None:
    """Start again a failed video (a moderator's act): what was done is kept."""
    permissions.check_moderate(actor)
    Video.objects.filter(pk=video.pk, state=VideoState.FAILED).update(
        state=VideoState.QUEUED, attempts=0, failure_reason="", failure_detail=""
    )
    queue_video(video.pk)


_TIMING = re.compile(
    r"^(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}[ \t]+-->[ \t]+(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}(?:[ \t].*)?$"
)


def validate_webvtt(data: bytes) -> str:
    """Check a WebVTT file: UTF-8, the WEBVTT signature, well-formed cue timings."""
    if len(data) > conf.caption_max_bytes():
        raise ValidationError(_("Le fichier de sous-titres est trop volumineux."), code="too_big")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("Le fichier de sous-titres doit être encodé en UTF-8."),
                              code="encoding") from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = lines[0] if lines else ""
    if not (first == "WEBVTT" or first.startswith(("WEBVTT ", "WEBVTT\t"))):
        raise ValidationError(_("Ce n'est pas un fichier WebVTT (il doit commencer par « WEBVTT »)."),
                              code="signature")
    cues = 0
    for number, line in enumerate(lines, start=1):
        if "-->" in line:
            if not _TIMING.match(line.strip()):
                raise ValidationError(
                    _("Horodatage invalide à la ligne %(line)d.") % {"line": number}, code="timing"
                )
            cues += 1
    if not cues:
        raise ValidationError(_("Le fichier de sous-titres ne contient aucun sous-titre."),
                              code="empty")
    return "\n".join(lines)


@transaction.atomic
def attach_caption(video: Video, data: bytes, *, actor, language: str = "fr",
                   label: str = "Français") -> Caption:
    permissions.check_edit(actor, video.resource)
    text = validate_webvtt(data)
    name = f"{video.folder}/captions-{re.sub(r'[^a-z-]', '', language.lower())[:8] or 'fr'}.vtt"
    previous = Caption.objects.filter(video=video, language=language).values_list("path", flat=True).first()
    # A new name beside the old file (a stored name is never replaced), which goes once the
    # new one is recorded.
    stored = default_storage.save(name, ContentFile(text.encode("utf-8"), name="captions.vtt"))
    caption, _created = Caption.objects.update_or_create(
        video=video, language=language, defaults={"label": label, "path": stored}
    )
    if previous and previous != stored:
        transaction.on_commit(lambda: default_storage.delete(previous))
    return caption


@transaction.atomic
def set_chapters(video: Video, chapters: Iterable[tuple[str, int]], *, actor) -> None:
    permissions.check_edit(actor, video.resource)
    video.chapters.all().delete()
    Chapter.objects.bulk_create(
        Chapter(video=video, title=title, start=start) for title, start in chapters
    )


# --- Versions of a legal text ---------------------------------------------------


class DiffPart(NamedTuple):
    """A run of words of a comparison: kept as it was ("same"), removed ("del") or added ("ins")."""

    op: str
    text: str


def compare_versions(older: LegalVersion, newer: LegalVersion) -> list[DiffPart]:
    """The wording of ``newer`` against ``older``, word by word, for the comparison page."""
    before, after = older.text.split(), newer.text.split()
    parts: list[DiffPart] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(DiffPart("same", " ".join(before[i1:i2])))
            continue
        if i2 > i1:
            parts.append(DiffPart("del", " ".join(before[i1:i2])))
        if j2 > j1:
            parts.append(DiffPart("ins", " ".join(after[j1:j2])))
    return parts
