"""Strip the metadata that would tell who made a file, before the file is stored.

A member's real name travels in the files they share: EXIF "Artist" in a photo, the PDF
/Info "Author", the Office "creator" and "lastModifiedBy", the author of a comment or a
tracked change, the OpenDocument "initial-creator", a video's title tag. Files in the
private space can become lesson files other members fetch, and library documents are read
by everyone, so every upload goes through ``clean_file`` first.

The type is read from the content (the name is only a hint for plain text). Each format is
rewritten rather than patched: a PDF is saved again by qpdf (which drops the unreachable
objects an incremental update leaves behind, older /Info included), a zip is written entry by
entry into a new archive. What cannot be cleaned reliably (legacy binary Office files, RTF,
encrypted PDFs, broken files) is refused with a French ``ValidationError``; nothing is
written by the caller then.

No app is imported here: ``comcep`` knows no app.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.utils.translation import gettext as _

# The value that replaces an author's name in comments and tracked changes (the attribute
# is required by the formats, so it is replaced, not removed).
NEUTRAL_AUTHOR = "Auteur"
NEUTRAL_INITIALS = "A"

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls/.ppt, and password-protected Office
LEGACY_EXTENSIONS = (".doc", ".dot", ".xls", ".xlt", ".ppt", ".pps", ".pot", ".rtf")
TEXT_EXTENSIONS = (".txt", ".md", ".csv")


def zip_max_bytes() -> int:
    """Largest total uncompressed size of an Office/OpenDocument archive (zip bomb guard)."""
    return getattr(settings, "FILECLEANING_ZIP_MAX_BYTES", 512 * 1024 * 1024)


def zip_max_entries() -> int:
    return getattr(settings, "FILECLEANING_ZIP_MAX_ENTRIES", 5000)


class CleanedFile(File):
    """An upload once cleaned: its bytes in a temporary file, under a neutral name.

    Callers that store files accept it as any Django File; ``ensure_clean`` knows it needs
    no second pass.
    """

    def __init__(self, handle, *, name: str, kind: str, content_type: str = ""):
        handle.seek(0, io.SEEK_END)
        self._cleaned_size = handle.tell()
        handle.seek(0)
        super().__init__(handle, name=name)
        self.kind = kind
        # Set when cleaning changed the format (an image re-encoded): what the bytes now are.
        self.content_type = content_type

    @property
    def size(self):
        return self._cleaned_size


# --- Detection ----------------------------------------------------------------------------


def detect(head: bytes, name: str) -> str:
    """What cleaner a file needs: 'image', 'pdf', 'zip', 'media', 'text' or 'legacy'.

    Raises ValidationError for anything else.
    """
    suffix = PurePosixPath(name or "").suffix.lower()
    if head.startswith(OLE_MAGIC) or head.lstrip()[:5] == b"{\\rtf" or suffix in LEGACY_EXTENSIONS:
        return "legacy"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")) or (
        head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    ):
        return "image"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if (head[4:8] == b"ftyp" or head.startswith((b"\x1a\x45\xdf\xa3", b"OggS", b"ID3"))
            or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")
            or (head[:4] == b"RIFF" and head[8:12] == b"WAVE")):
        return "media"
    # Plain text has no metadata to strip; whatever its encoding (a CSV from Excel is often
    # Latin-1), it is passed through as it is.
    if suffix in TEXT_EXTENSIONS and head and b"\x00" not in head:
        return "text"
    raise ValidationError(
        _("Ce fichier n'a pas pu être nettoyé de ses métadonnées : son type n'est pas reconnu."),
        code="clean_unknown",
    )


def legacy_message() -> str:
    return _("Les anciens formats Word, Excel et PowerPoint (.doc, .xls, .ppt), le RTF et les "
             "documents Office protégés par un mot de passe ne peuvent pas être débarrassés de "
             "façon sûre du nom de leur auteur. Enregistrez-le en PDF ou au format récent "
             "(.docx, .xlsx, .pptx, ou OpenDocument) et envoyez-le à nouveau.")


def refuse_legacy(uploaded, name: str = "") -> None:
    """Raise the French message for a legacy Office or RTF file; do nothing for any other."""
    uploaded.seek(0)
    head = uploaded.read(64)
    uploaded.seek(0)
    suffix = PurePosixPath(name or getattr(uploaded, "name", "") or "").suffix.lower()
    if head.startswith(OLE_MAGIC) or head.lstrip()[:5] == b"{\\rtf" or suffix in LEGACY_EXTENSIONS:
        raise ValidationError(legacy_message(), code="clean_legacy")


# --- Entry points -------------------------------------------------------------------------


def clean_file(source, *, name: str = "") -> CleanedFile:
    """A metadata-free copy of ``source`` (a path or an open binary file).

    ``name`` is the file's name, used for plain text only and to keep the extension.
    Raises a French ValidationError when the file cannot be cleaned.
    """
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            return clean_file(handle, name=name or Path(source).name)
    name = name or getattr(source, "name", "") or ""
    source.seek(0)
    head = source.read(4096)
    source.seek(0)
    kind = detect(head, name)
    if kind == "legacy":
        raise ValidationError(legacy_message(), code="clean_legacy")
    suffix = PurePosixPath(name).suffix.lower()[:10]
    content_type = ""
    # Handed to the caller inside the CleanedFile, which closes it.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    try:
        if kind == "media":
            _clean_media(source, out)
        elif kind == "text":
            shutil.copyfileobj(source, out)
        elif kind == "image":
            content, extension, content_type = clean_image_file(source.read())
            suffix = f".{extension}"
            out.write(content)
        else:
            cleaner = {"pdf": clean_pdf, "zip": clean_zip}[kind]
            out.write(cleaner(source.read()))
    except BaseException:
        out.close()
        raise
    finally:
        source.seek(0)
    return CleanedFile(out, name=f"fichier{suffix}", kind=kind, content_type=content_type)


def ensure_clean(upload, *, name: str = ""):
    """``upload`` itself when already cleaned, else its cleaned copy."""
    if isinstance(upload, CleanedFile):
        return upload
    return clean_file(upload, name=name or getattr(upload, "name", "") or "")


def clean_bytes(data: bytes, *, name: str = "") -> bytes:
    """``clean_file`` for bytes in memory."""
    cleaned = clean_file(io.BytesIO(data), name=name)
    with cleaned:
        return cleaned.read()


# --- Images -------------------------------------------------------------------------------


# Pillow's save options per format: what keeps quality while writing a fresh file.
_SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "JPEG": {"quality": 92, "optimize": True}, "WEBP": {"quality": 90},
    "PNG": {"optimize": True}, "GIF": {"optimize": True},
}
_IMAGE_TYPES = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"),
                "GIF": ("gif", "image/gif"), "WEBP": ("webp", "image/webp")}


def clean_image_file(data: bytes) -> tuple[bytes, str, str]:
    """(bytes, extension, content type) of the image decoded and written again, pixels only.

    Unlike ``comcep.images.reencode`` (what others are shown: resized, made JPEG or PNG), a
    member's own file keeps its size, its format and its frames: a diagram saved as PNG must
    not come back as a blurred JPEG, an animated GIF must still move. What goes is the same:
    EXIF (orientation applied first), GPS, XMP, comments, text chunks, the ICC profile (the
    colours are converted to sRGB, as ``comcep.images`` does).
    """
    from PIL import Image, ImageOps, ImageSequence

    from comcep import images

    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = image.format
            if fmt not in _IMAGE_TYPES:
                raise ValidationError(_("Cette image n'est pas d'un format accepté."), code="clean_image")
            out = io.BytesIO()
            if getattr(image, "n_frames", 1) > 1:
                frames, durations = [], []
                for frame in ImageSequence.Iterator(image):
                    durations.append(frame.info.get("duration", 100))
                    copy = frame.convert("RGBA")
                    frames.append(Image.frombytes(copy.mode, copy.size, copy.tobytes()))
                frames[0].save(out, format=fmt, save_all=True, append_images=frames[1:],
                               duration=durations, loop=image.info.get("loop", 0), disposal=2)
            else:
                upright = ImageOps.exif_transpose(image)  # before the EXIF that says how goes
                if upright.mode not in ("RGB", "RGBA", "L", "LA"):
                    # A palette or other mode: to RGB(A), transparency kept where there is some.
                    transparent = "transparency" in upright.info or upright.mode == "PA"
                    upright = upright.convert("RGBA" if transparent else "RGB")
                if fmt == "JPEG" and upright.mode not in ("RGB", "L"):
                    upright = upright.convert("RGB")
                converted = images._in_srgb(upright)
                # A fresh image holds the pixels and nothing else.
                clean = Image.frombytes(converted.mode, converted.size, converted.tobytes())
                clean.save(out, format=fmt, **_SAVE_OPTIONS[fmt])
            extension, content_type = _IMAGE_TYPES[fmt]
            return out.getvalue(), extension, content_type
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("Cette image est illisible ou abîmée."), code="clean_image") from error


# --- PDF ----------------------------------------------------------------------------------

# Annotation kinds whose /T is the name of the person who wrote them (a form field's /T is its
# field name instead, and stays).
_MARKUP_ANNOTATIONS = {
    "/Text", "/FreeText", "/Line", "/Square", "/Circle", "/Polygon", "/PolyLine", "/Highlight",
    "/Underline", "/Squiggly", "/StrikeOut", "/Stamp", "/Caret", "/Ink", "/FileAttachment",
    "/Sound", "/Redact", "/Popup",
}


def clean_pdf(data: bytes) -> bytes:
    """The PDF without /Info, XMP /Metadata streams, /PieceInfo or annotation authors."""
    import pikepdf

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as error:
        raise ValidationError(_encrypted_pdf_message(), code="clean_pdf_encrypted") from error
    except (pikepdf.PdfError, ValueError, OSError) as error:
        raise ValidationError(
            _("Ce PDF est endommagé ou illisible : il n'a pas pu être nettoyé et n'a pas été "
              "enregistré. Exportez-le à nouveau en PDF et réessayez."),
            code="clean_pdf_broken",
        ) from error
    with pdf:
        # Owner-password PDFs open without a password, but their content streams and strings
        # stay encrypted on save unless decrypted, and their restrictions say "do not alter".
        if pdf.is_encrypted:
            raise ValidationError(_encrypted_pdf_message(), code="clean_pdf_encrypted")
        try:
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            for obj in pdf.objects:
                if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                    continue
                for key in ("/Metadata", "/PieceInfo"):
                    if key in obj:
                        del obj[key]
                if obj.get("/Subtype") in _MARKUP_ANNOTATIONS and "/T" in obj:
                    obj["/T"] = pikepdf.String(NEUTRAL_AUTHOR)
            out = io.BytesIO()
            # deterministic_id: the /ID comes from the content, not from the original file.
            pdf.save(out, deterministic_id=True, encryption=False)
        except (pikepdf.PdfError, ValueError, OSError) as error:
            raise ValidationError(
                _("Ce PDF est endommagé : il n'a pas pu être nettoyé et n'a pas été enregistré."),
                code="clean_pdf_broken",
            ) from error
    return out.getvalue()


def _encrypted_pdf_message() -> str:
    return _("Ce PDF est protégé par un mot de passe ou chiffré : il ne peut pas être nettoyé du "
             "nom de son auteur. Enregistrez-en une copie sans protection et envoyez-la à nouveau.")


# --- Office Open XML and OpenDocument ------------------------------------------------------

_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}
# Parts dropped whole: custom properties (any key the author set), Word's list of people
# (names, e-mail addresses and account ids of commenters).
_DROPPED_PARTS = {"docProps/custom.xml", "word/people.xml"}
# Core properties kept: the dates only. Creator, last modifier, title, subject, keywords,
# description, category… are emptied by removal.
_CORE_KEPT = {f"{{{_NS['dcterms']}}}created", f"{{{_NS['dcterms']}}}modified"}
# Extended (app.xml) properties that name a person, an organisation or a path.
_APP_DROPPED = {"Company", "Manager", "HyperlinkBase", "Template"}
# ODF meta.xml elements that name people or hold the author's own fields.
_ODF_META_DROPPED = {
    f"{{{_NS['meta']}}}initial-creator", f"{{{_NS['dc']}}}creator", f"{{{_NS['meta']}}}printed-by",
    f"{{{_NS['meta']}}}user-defined", f"{{{_NS['meta']}}}template",
}


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _zip_broken() -> ValidationError:
    return ValidationError(
        _("Ce document est endommagé (archive illisible) : il n'a pas pu être nettoyé et n'a pas "
          "été enregistré."),
        code="clean_zip_broken",
    )


def _zip_bomb() -> ValidationError:
    return ValidationError(
        _("Ce document est anormalement volumineux une fois décompressé : il est refusé par "
          "sécurité."),
        code="clean_zip_bomb",
    )


def _read_members(archive: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, bytes]]:
    """Every entry decompressed, the size actually read counted (headers may lie)."""
    infos = archive.infolist()
    if len(infos) > zip_max_entries():
        raise _zip_bomb()
    budget = zip_max_bytes()
    if sum(info.file_size for info in infos) > budget:
        raise _zip_bomb()
    members = []
    for info in infos:
        if info.flag_bits & 0x1:  # an encrypted entry
            raise ValidationError(legacy_message(), code="clean_zip_encrypted")
        chunks = []
        with archive.open(info) as handle:
            while chunk := handle.read(1024 * 1024):
                budget -= len(chunk)
                if budget < 0:
                    raise _zip_bomb()
                chunks.append(chunk)
        members.append((info, b"".join(chunks)))
    return members


def clean_zip(data: bytes) -> bytes:
    """An Office Open XML or OpenDocument file rewritten without its authors."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = _read_members(archive)
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError, RuntimeError) as error:
        raise _zip_broken() from error
    names = {info.filename for info, _body in members}
    contents = {info.filename: body for info, body in members}
    if "mimetype" in names and contents["mimetype"].startswith(b"application/vnd.oasis.opendocument"):
        cleaned = _clean_odf(members)
    elif "[Content_Types].xml" in names:
        cleaned = _clean_ooxml(members)
    else:
        raise ValidationError(
            _("Cette archive n'est pas un document bureautique reconnu : elle n'a pas pu être "
              "nettoyée."), code="clean_zip_unknown")
    return _write_zip(cleaned, odf="mimetype" in names)


def _write_zip(members: list[tuple[str, bytes]], *, odf: bool) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        if odf:
            # OpenDocument: "mimetype" first, stored uncompressed, so the type reads at byte 38.
            members = sorted(members, key=lambda m: m[0] != "mimetype")
        for name, body in members:
            # A fresh entry: no original timestamps, comment, or extra fields (owner ids, NTFS times).
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if odf and name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, body)
    return out.getvalue()


def _parse(body: bytes):
    from lxml import etree

    # No network, no entities: a document cannot make the server fetch or expand anything.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             remove_blank_text=False)
    try:
        return etree.fromstring(body, parser)
    except etree.XMLSyntaxError as error:
        raise _zip_broken() from error


def _serialise(root) -> bytes:
    from lxml import etree

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _neutralise_people(root) -> None:
    """Replace, in any Office XML part, the names of the people who commented or changed it."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = _local(element.tag)
        for attribute in list(element.attrib):
            attr = _local(attribute)
            if attr == "author":
                element.set(attribute, NEUTRAL_AUTHOR)
            elif attr == "initials":
                element.set(attribute, NEUTRAL_INITIALS)
            elif attr in ("userId", "providerId", "userName") or (
                    attr in ("name", "displayName") and local in ("cmAuthor", "author", "person")):
                element.set(attribute, NEUTRAL_AUTHOR if attr in ("name", "displayName") else "")
        # Excel's legacy comments list their authors as text: <authors><author>Nom</author>.
        if local == "author" and element.text and element.text.strip():
            element.text = NEUTRAL_AUTHOR
    # Paths like C:\Users\camille\... (Excel) and presence records (e-mail addresses) go.
    for element in list(root.iter()):
        if isinstance(element.tag, str) and _local(element.tag) in ("absPath", "presenceInfo"):
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)


def _clean_ooxml(members) -> list[tuple[str, bytes]]:
    dropped = {name for info, _b in members if (name := info.filename) in _DROPPED_PARTS}
    result = []
    for info, body in members:
        name = info.filename
        if name in dropped:
            continue
        if name == "docProps/core.xml":
            root = _parse(body)
            for child in list(root):
                if child.tag not in _CORE_KEPT:
                    root.remove(child)
            body = _serialise(root)
        elif name == "docProps/app.xml":
            root = _parse(body)
            for child in list(root):
                if _local(child.tag) in _APP_DROPPED:
                    root.remove(child)
            body = _serialise(root)
        elif name == "[Content_Types].xml":
            root = _parse(body)
            for override in list(root):
                if override.get("PartName", "").lstrip("/") in dropped:
                    root.remove(override)
            body = _serialise(root)
        elif name.endswith(".rels"):
            root = _parse(body)
            base = _rels_base(name)
            for relationship in list(root):
                target = relationship.get("Target", "")
                if relationship.get("TargetMode") != "External" and _resolve(base, target) in dropped:
                    root.remove(relationship)
            body = _serialise(root)
        elif name.endswith(".xml"):
            root = _parse(body)
            _neutralise_people(root)
            body = _serialise(root)
        elif _is_media_image(name):
            body = _clean_embedded_image(name, body)
        result.append((name, body))
    return result


def _rels_base(rels_name: str) -> PurePosixPath:
    # "word/_rels/document.xml.rels" describes "word/document.xml": targets are relative to "word/".
    path = PurePosixPath(rels_name)
    return path.parent.parent


def _resolve(base: PurePosixPath, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for part in (base / target).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


def _is_media_image(name: str) -> bool:
    return name.lower().endswith((".jpg", ".jpeg", ".png"))


def _clean_embedded_image(name: str, body: bytes) -> bytes:
    # A photo pasted into a document keeps its EXIF. The part keeps its name and declared
    # type, so a copy written in another format (a PNG made JPEG), or an image that cannot be
    # re-encoded, leaves the original in place rather than breaking the document.
    try:
        content, extension, _type = clean_image_file(body)
    except ValidationError:
        return body
    same = name.lower().endswith((".jpg", ".jpeg")) if extension == "jpg" else name.lower().endswith(".png")
    return content if same else body


def _clean_odf(members) -> list[tuple[str, bytes]]:
    result = []
    for info, body in members:
        name = info.filename
        if name == "META-INF/manifest.xml" and b"encryption-data" in body:
            raise ValidationError(legacy_message(), code="clean_odf_encrypted")
        if name == "meta.xml":
            root = _parse(body)
            for element in list(root.iter()):
                if element.tag in _ODF_META_DROPPED and element.getparent() is not None:
                    element.getparent().remove(element)
            body = _serialise(root)
        elif name.endswith(".xml"):
            root = _parse(body)
            # The author of a comment (office:annotation) or of a tracked change
            # (office:change-info) is a dc:creator; their initials too.
            for element in root.iter(f"{{{_NS['dc']}}}creator", f"{{{_NS['meta']}}}creator-initials"):
                element.text = NEUTRAL_AUTHOR if _local(element.tag) == "creator" else NEUTRAL_INITIALS
            body = _serialise(root)
        elif _is_media_image(name):
            body = _clean_embedded_image(name, body)
        result.append((name, body))
    return result


# --- Audio and video -----------------------------------------------------------------------


def _ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


# The container ffmpeg should write, from what it reads: the same as the source.
_MUXERS = {
    "mov": "mov", "mp4": "mp4", "m4a": "ipod", "webm": "webm", "matroska": "matroska",
    "ogg": "ogg", "mp3": "mp3", "wav": "wav",
}
_AUDIO_MUXERS = {"mp3", "wav", "ipod"}


def _clean_media(source, out) -> None:
    """Remux without global, stream or chapter metadata (no re-encoding: ``-c copy``)."""
    with tempfile.TemporaryDirectory(prefix="comcep-clean-") as folder:
        src = Path(folder) / "source"
        dst = Path(folder) / "clean"
        with src.open("wb") as handle:
            shutil.copyfileobj(source, handle)
        fmt = _media_format(src)
        # Sound files keep their sound only: a cover picture is an image with tags of its own.
        streams = ["-vn", "-map", "0:a"] if fmt in _AUDIO_MUXERS else ["-map", "0:v?", "-map", "0:a?"]
        command = [
            _ffmpeg(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
            "-protocol_whitelist", "file", "-i", str(src), *streams, "-dn", "-sn",
            "-map_metadata", "-1", "-map_chapters", "-1", "-c", "copy",
            "-fflags", "+bitexact", "-f", fmt, str(dst),
        ]
        try:
            result = subprocess.run(command, capture_output=True, timeout=600)
        except subprocess.TimeoutExpired as error:
            raise _media_broken() from error
        if result.returncode != 0 or not dst.is_file() or not dst.stat().st_size:
            raise _media_broken()
        with dst.open("rb") as handle:
            shutil.copyfileobj(handle, out)


def _media_format(path: Path) -> str:
    result = subprocess.run(
        [_ffmpeg(), "-hide_banner", "-nostdin", "-protocol_whitelist", "file", "-i", str(path)],
        capture_output=True, text=True, errors="replace", timeout=120,
    )
    for line in result.stderr.splitlines():
        if line.startswith("Input #0, "):
            formats = [f.strip() for f in line[len("Input #0, "):].split(", from ")[0].split(",")]
            for candidate in formats:
                if candidate in _MUXERS:
                    # mov,mp4,m4a,3gp…: the brand decides between the QuickTime and MP4 muxers.
                    if candidate == "mov":
                        return _mp4_family(path)
                    return _MUXERS[candidate]
    raise _media_broken()


def _mp4_family(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(12)
    brand = head[8:12]
    if brand == b"qt  ":
        return "mov"
    if brand in (b"M4A ", b"M4B "):
        return "ipod"
    return "mp4"


def _media_broken() -> ValidationError:
    return ValidationError(
        _("Ce fichier audio ou vidéo est illisible ou endommagé : il n'a pas pu être nettoyé de "
          "ses métadonnées et n'a pas été enregistré."),
        code="clean_media_broken",
    )

