"""Checks an uploaded file before anything is written: its size, its real type
(read from its first bytes, never from its name or the browser's word) and,
for images, Pillow's decompression-bomb limit.

Plain functions with no ORM, so that the rules read in one place.
"""

from __future__ import annotations

import warnings
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from comcep import antivirus, filecleaning

MB = 1024 * 1024


def quota_bytes() -> int:
    return getattr(settings, "PRIVATESPACE_QUOTA_BYTES", 500 * MB)


def max_file_bytes() -> int:
    return getattr(settings, "PRIVATESPACE_MAX_FILE_BYTES", 200 * MB)


def max_image_pixels() -> int:
    # Pillow's own default (about 89 megapixels) unless the site sets a lower one.
    return getattr(settings, "PRIVATESPACE_MAX_IMAGE_PIXELS", Image.MAX_IMAGE_PIXELS or 89_478_485)


@dataclass(frozen=True)
class Sniffed:
    mime_type: str
    kind: str  # a FileKind value
    label: str


# Office Open XML and OpenDocument are zip files; their inner names tell them apart.
_OOXML = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint"),
}
_ODF = {
    "application/vnd.oasis.opendocument.text": "OpenDocument texte",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument tableur",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument présentation",
}


def accepted_types_text() -> str:
    return _("PDF, Word, Excel, PowerPoint, OpenDocument, texte, CSV, images JPEG, PNG, GIF ou WebP, "
             "vidéos MP4, WebM ou MOV, sons MP3, OGG ou WAV")


def _sniff_zip(uploaded) -> Sniffed | None:
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                if declared in _ODF:
                    return Sniffed(declared, "document", _ODF[declared])
            if "[Content_Types].xml" in names:
                for prefix, (mime, label) in _OOXML.items():
                    if any(name.startswith(prefix) for name in names):
                        return Sniffed(mime, "document", label)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        if error.start < len(head) - 4:
            return False
    return True


def sniff(uploaded, name: str) -> Sniffed | None:
    """The file's type read from its content, or None when it is not one we accept."""
    uploaded.seek(0)
    head = uploaded.read(4096)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return Sniffed("application/pdf", "document", "PDF")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", "image", "PNG")
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", "image", "JPEG")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("image/gif", "image", "GIF")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image/webp", "image", "WebP")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Sniffed("audio/wav", "audio", "WAV")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return Sniffed("video/quicktime", "video", "MOV")
        if brand in (b"M4A ", b"M4B "):
            return Sniffed("audio/mp4", "audio", "M4A")
        return Sniffed("video/mp4", "video", "MP4")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return Sniffed("video/webm", "video", "WebM")
    if head.startswith(b"OggS"):
        return Sniffed("audio/ogg", "audio", "OGG")
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return Sniffed("audio/mpeg", "audio", "MP3")
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(uploaded)
    lower = name.lower()
    if lower.endswith((".txt", ".md", ".csv")) and head and _looks_like_text(head):
        mime = "text/csv" if lower.endswith(".csv") else "text/plain"
        return Sniffed(mime, "document", "texte")
    return None


def check_image(uploaded) -> None:
    """Open the image as Pillow would and refuse decompression bombs and broken files."""
    uploaded.seek(0)
    limit = max_image_pixels()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(uploaded) as image:
                width, height = image.size
                if width * height > limit:
                    raise Image.DecompressionBombError(f"{width}x{height}")
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            _("Cette image est trop grande une fois décompressée (plus de %(pixels)s millions de "
              "pixels) : elle est refusée par sécurité.") % {"pixels": limit // 1_000_000},
            code="image_bomb",
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(_("Cette image est illisible ou abîmée."), code="bad_image") from error
    finally:
        uploaded.seek(0)


def check_room(size: int, *, used_bytes: int) -> None:
    """Refuse a file of ``size`` bytes that does not fit in what is left of the quota."""
    remaining = quota_bytes() - used_bytes
    if size > remaining:
        raise ValidationError(
            _("Votre espace est presque plein : ce fichier pèse %(size)s et il ne reste que "
              "%(left)s sur %(quota)s. Supprimez des fichiers pour faire de la place.")
            % {"size": filesizeformat(size), "left": filesizeformat(max(remaining, 0)),
               "quota": filesizeformat(quota_bytes())},
            code="quota",
        )


def validate_upload(uploaded, *, used_bytes: int, images_only: bool = False, uploader=None,
                    where: str = "privatespace.file") -> Sniffed:
    """Every check an upload must pass, with a French message for the member."""
    size = uploaded.size
    if size == 0:
        raise ValidationError(_("Ce fichier est vide."), code="empty")
    if size > max_file_bytes():
        raise ValidationError(
            _("Ce fichier pèse %(size)s ; un fichier ne peut pas dépasser %(max)s.")
            % {"size": filesizeformat(size), "max": filesizeformat(max_file_bytes())},
            code="too_big",
        )
    check_room(size, used_bytes=used_bytes)
    sniffed = sniff(uploaded, uploaded.name or "")
    if sniffed is None and not images_only:
        # A .doc, .xls, .ppt or RTF gets its own reason: it asks for the modern format or a PDF.
        filecleaning.refuse_legacy(uploaded)
    if sniffed is None or (images_only and sniffed.kind != "image"):
        accepted = _("images JPEG, PNG, GIF ou WebP") if images_only else accepted_types_text()
        raise ValidationError(
            _("Ce type de fichier n'est pas accepté (son contenu a été vérifié). "
              "Types acceptés : %(types)s.") % {"types": accepted},
            code="bad_type",
        )
    if sniffed.kind == "image":
        check_image(uploaded)
    if uploader is not None:  # callers that hold a lock scan before taking it, and pass none
        antivirus.scan_upload(uploaded, uploader=uploader, where=where)
    return sniffed
