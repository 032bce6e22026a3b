"""Files to upload in the private space's tests."""

from __future__ import annotations

import functools
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png_bytes(size=(8, 8), color="navy") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def _clean_pdf() -> bytes:
    """A real one-page PDF, already as the upload path stores it (no metadata to strip), so the
    stored and served copy is byte for byte what was sent."""
    import pikepdf

    from comcep.filecleaning import clean_pdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    buffer = io.BytesIO()
    pdf.save(buffer)
    return clean_pdf(buffer.getvalue())


PDF_BYTES = _clean_pdf()


@functools.cache
def mp4_bytes() -> bytes:
    """A real one-second MP4 (uploads are remuxed by ffmpeg, so a fake header would be refused),
    already as the upload path stores it, so the stored copy is byte for byte what was sent."""
    import tempfile
    from pathlib import Path

    from comcep.filecleaning import clean_bytes
    from resources import transcoding

    with tempfile.TemporaryDirectory() as folder:
        clip = transcoding.generate_test_clip(Path(folder) / "clip.mp4", seconds=1, width=160,
                                              height=120)
        return clean_bytes(clip.read_bytes(), name="clip.mp4")


def pdf_upload(name="grille-entretien.pdf", content=PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_upload(name="schema.png", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def stored_files(media_root) -> list:
    return [p for p in media_root.rglob("*") if p.is_file()]


def text(response) -> str:
    """The page as a reader sees it: HTML entities decoded."""
    import html

    return html.unescape(response.content.decode())
