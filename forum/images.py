"""Image attachments: checked by content, re-encoded by Pillow so that no metadata survives."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from comcep.models import Member
from forum.models import Attachment

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding
MAX_SIDE = 1600  # longest side once resized
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def reencode(data: bytes) -> tuple[bytes, str, int, int]:
    """A clean copy of the image: decoded, oriented, resized, saved without EXIF, GPS or author."""
    if len(data) > MAX_BYTES:
        raise ValidationError(_("Image trop lourde (5 Mo au plus)."), code="too_big")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if kind not in FORMATS:
                raise ValidationError(_("Formats acceptés : JPEG, PNG, WebP."), code="format")
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("Image trop grande."), code="pixels")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            has_alpha = image.mode in ("RGBA", "LA", "P")
            out = io.BytesIO()
            if kind == "JPEG" or not has_alpha:
                clean = image.convert("RGB")
                clean.save(out, format="JPEG", quality=85, optimize=True)
                ext = "jpg"
            else:
                clean = image.convert("RGBA")
                clean.save(out, format="PNG", optimize=True)
                ext = "png"
            return out.getvalue(), ext, clean.width, clean.height
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("Ce fichier n'est pas une image lisible."), code="invalid") from error


def store_image(*, uploader: Member, upload) -> Attachment:
    data = upload.read(MAX_BYTES + 1)
    content, ext, width, height = reencode(data)
    attachment = Attachment(uploader=uploader, extension=ext, width=width, height=height)
    attachment.image.save(f"image.{ext}", ContentFile(content), save=False)
    attachment.save()
    return attachment
