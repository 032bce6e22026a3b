"""Uploaded images, re-encoded by Pillow: only the pixels survive.

An uploaded image may carry its author (EXIF Artist, camera owner), where it was taken
(GPS), an XMP packet or an ICC profile with free-text fields; and a file that is a valid
image may also be read as HTML or SVG by a browser when it is stored under the name it
came with. Every image shown to other members (forum attachments, course covers) is
therefore decoded, turned upright, resized, copied into a fresh image with no metadata
at all and saved again as JPEG or PNG, under an extension that follows what was written.
The small pictures of lists (``thumbnail``) are made the same way, from an image the site
made itself, and written as WebP.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps

MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding
MAX_SIDE = 1600  # longest side once resized
# Pillow's format names of what is written, with the extension and the type it is served as.
OUTPUT = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"),
          "WEBP": ("webp", "image/webp")}
# The extensions a stored re-encoded image may have, with the type it is served as (uploads
# are never written as WebP, but images stored before may be, and thumbnails are).
SERVED_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    extension: str  # "jpg" or "png": what ``content`` really is
    content_type: str
    width: int
    height: int


def _in_srgb(image: Image.Image) -> Image.Image:
    """The image's colours in sRGB, so that dropping its ICC profile does not change them."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"),
                                              outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # a broken profile: the pixels as they are
    return converted or image  # None only for an in-place conversion, which this is not


def _format_message(accepted) -> str:
    if "GIF" in accepted:
        return _("Formats acceptés : JPEG, PNG, GIF ou WebP.")
    return _("Formats acceptés : JPEG, PNG, WebP.")


def reencode(source, *, accepted=("JPEG", "PNG", "WEBP"), max_pixels: int = MAX_PIXELS,
             max_side: int = MAX_SIDE) -> CleanImage:
    """A clean copy of the image in ``source`` (bytes or a binary file).

    Only formats in ``accepted`` (Pillow's names) are read. A JPEG, or any image without
    transparency, is written as JPEG; a GIF, or an image with transparency, as PNG. Raises
    ValidationError (in French) when the image is of another format, too big or unreadable.
    """
    handle = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    try:
        handle.seek(0)
        with Image.open(handle) as probe:
            kind = probe.format
            if kind not in accepted:
                raise ValidationError(_format_message(accepted), code="format")
            if probe.width * probe.height > max_pixels:
                raise ValidationError(_("Image trop grande."), code="pixels")
            probe.verify()
        handle.seek(0)
        with Image.open(handle) as image:
            upright = ImageOps.exif_transpose(image)  # before the EXIF that says how goes
            upright.thumbnail((max_side, max_side))
            # A palette image is most likely a drawing, which JPEG would blur.
            transparent = upright.mode in ("RGBA", "LA", "PA", "P") or "transparency" in upright.info
            as_png = kind == "GIF" or (kind != "JPEG" and transparent)
            converted = _in_srgb(upright.convert("RGBA" if as_png else "RGB"))
            # A fresh image holds the pixels and nothing else: no EXIF, XMP, ICC, text chunk.
            clean = Image.frombytes(converted.mode, converted.size, converted.tobytes())
            out = io.BytesIO()
            if as_png:
                clean.save(out, format="PNG", optimize=True)
            else:
                clean.save(out, format="JPEG", quality=85, optimize=True)
            pillow_format = "PNG" if as_png else "JPEG"
            extension, content_type = OUTPUT[pillow_format]
            return CleanImage(out.getvalue(), extension, content_type, clean.width, clean.height)
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("Ce fichier n'est pas une image lisible."), code="invalid") from error
    finally:
        if handle is not source:
            handle.close()


THUMBNAIL_WIDTH = 320  # twice the widest a list shows it (160 CSS pixels), for dense screens
THUMBNAIL_MAX_HEIGHT = 640  # a portrait picture stays light too
THUMBNAIL_QUALITY = 70


def thumbnail(source, *, width: int = THUMBNAIL_WIDTH, max_height: int = THUMBNAIL_MAX_HEIGHT,
              quality: int = THUMBNAIL_QUALITY, max_pixels: int = MAX_PIXELS) -> CleanImage:
    """A small WebP copy of the image in ``source`` (bytes or a binary file), ``width``
    pixels wide at most (never enlarged), with its pixels only: no EXIF, XMP, ICC profile.

    Meant for images the site made itself (a video's poster); raises ValidationError as
    ``reencode`` does when the image is unreadable or too big.
    """
    handle = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    try:
        handle.seek(0)
        with Image.open(handle) as probe:
            if probe.width * probe.height > max_pixels:
                raise ValidationError(_("Image trop grande."), code="pixels")
            probe.verify()
        handle.seek(0)
        with Image.open(handle) as image:
            upright = ImageOps.exif_transpose(image)
            converted = _in_srgb(upright.convert("RGB"))
            converted.thumbnail((width, max_height), Image.Resampling.LANCZOS)
            clean = Image.frombytes(converted.mode, converted.size, converted.tobytes())
            out = io.BytesIO()
            clean.save(out, format="WEBP", quality=quality, method=6)
            extension, content_type = OUTPUT["WEBP"]
            return CleanImage(out.getvalue(), extension, content_type, clean.width, clean.height)
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("Ce fichier n'est pas une image lisible."), code="invalid") from error
    finally:
        if handle is not source:
            handle.close()
