"""Image attachments: checked by content, re-encoded by Pillow so that no metadata survives
(comcep.images, shared with course covers)."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import cache

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from comcep import antivirus, images
from comcep.models import Member
from forum.models import Attachment, Draft, Post
from forum.rendering import attachment_prefix

MAX_BYTES = 5 * 1024 * 1024
FORMATS = ("JPEG", "PNG", "WEBP")  # read; what is written is JPEG or PNG (comcep.images)
# An upload that no post has taken up after this long was abandoned.
UNUSED_AFTER = timedelta(hours=24)


def reencode(data: bytes) -> tuple[bytes, str, int, int]:
    """A clean copy of the image: decoded, oriented, resized, saved without EXIF, GPS or author."""
    if len(data) > MAX_BYTES:
        raise ValidationError(_("Image trop lourde (5 Mo au plus)."), code="too_big")
    clean = images.reencode(data, accepted=FORMATS)
    return clean.content, clean.extension, clean.width, clean.height


def store_image(*, uploader: Member, upload) -> Attachment:
    antivirus.scan_upload(upload, uploader=uploader, where="forum.image")
    data = upload.read(MAX_BYTES + 1)
    content, ext, width, height = reencode(data)
    attachment = Attachment(uploader=uploader, extension=ext, width=width, height=height)
    attachment.image.save(f"image.{ext}", ContentFile(content), save=False)
    attachment.save()
    return attachment


# Markdown punctuation that would end the description early or turn it into markup.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]<>!#&])")


def markdown_for(url: str, description: str) -> str:
    """The Markdown that shows an uploaded image: its author's description becomes its alt
    text, read in its place. None given (a client other than the editor) leaves alt empty
    rather than the word « image », which tells nothing."""
    alt = _MARKDOWN_PUNCTUATION.sub(r"\\\1", description)
    return f"![{alt}]({url})"


def attachments_in(text: str) -> set[tuple[int, str]]:
    """The (id, extension) pairs of the attachments a text shows."""
    return {(int(pk), ext) for pk, ext in _attachment_url_re().findall(text)}


@cache
def _attachment_url_re() -> re.Pattern:
    """How an attachment appears in a text: the URL of forum:attachment, /forum/images/<pk>.<ext>,
    as the upload view hands it to the editor."""
    return re.compile(re.escape(attachment_prefix()) + r"(\d+)\.(\w{1,5})\b")


def link_attachments(post: Post) -> int:
    """Tie to ``post`` the images its author uploaded and its text shows.

    Only the author's own uploads are taken (someone else's image URL pasted in stays theirs),
    and an image already tied to a post keeps that post: removing it from a text later does
    not untie it either, since the post's history still shows it.
    """
    shown = attachments_in(post.body)
    if not shown:
        return 0
    matching = Q()
    for pk, ext in shown:
        matching |= Q(pk=pk, extension=ext)
    return Attachment.objects.filter(matching, uploader_id=post.author_id, post=None).update(post=post)


def delete_unused_attachments(*, now=None) -> int:
    """Delete the uploads never tied to a post and older than UNUSED_AFTER; their number.

    An upload still shown in one of its uploader's drafts is kept: the draft may yet be
    published. Each one goes in its own transaction, row first, file once the row is gone.
    """
    cutoff = (now or timezone.now()) - UNUSED_AFTER
    candidates = list(
        Attachment.objects.filter(post=None, created_at__lt=cutoff)
        .order_by("pk").values_list("pk", "extension", "uploader_id")
    )
    if not candidates:
        return 0
    in_drafts = set()
    drafts = Draft.objects.filter(member_id__in={uploader for _pk, _ext, uploader in candidates},
                                  body__contains=attachment_prefix()).values_list("member_id", "body")
    for member_id, body in drafts:
        in_drafts |= {(pk, ext, member_id) for pk, ext in attachments_in(body)}
    return sum(_delete_unused(pk, cutoff) for pk, ext, uploader in candidates
               if (pk, ext, uploader) not in in_drafts)


@transaction.atomic
def _delete_unused(attachment_id: int, cutoff) -> bool:
    # Locked and checked again: a post published meanwhile may have just taken it up.
    attachment = (Attachment.objects.select_for_update(skip_locked=True)
                  .filter(pk=attachment_id, post=None, created_at__lt=cutoff).first())
    if attachment is None:
        return False
    storage, name = attachment.image.storage, attachment.image.name
    attachment.delete()
    # The file goes only once the row is surely gone: never a row without its file.
    transaction.on_commit(lambda: storage.delete(name))
    return True
