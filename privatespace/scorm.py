"""A course as a SCORM 1.2 package: a zip with ``imsmanifest.xml`` at its root,
one SCO (an HTML page) per lesson, the author's files the lessons use, and a
small shared script that talks to the LMS's SCORM 1.2 API.

Moodle, Chamilo and other LMSs import it, so a member's work can live
beyond the platform.
"""

from __future__ import annotations

import mimetypes
import shutil
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.template.loader import render_to_string

from comcep import images
from comcep.markdown import render_markdown
from privatespace import library
from privatespace.models import Course, LessonKind

IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
ET.register_namespace("", IMSCP)
ET.register_namespace("adlcp", ADLCP)

SHARED_FILES = ("shared/scorm12.js", "shared/course.css")


def _q(tag: str, ns: str = IMSCP) -> str:
    return f"{{{ns}}}{tag}"


def _extension(name: str, mime_type: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    if suffix[1:].isalnum() and len(suffix) <= 8:
        return suffix
    return mimetypes.guess_extension(mime_type or "") or ".bin"


def build_manifest(course: Course, lessons: list[dict], extra_shared: list[str]) -> bytes:
    """The manifest: modules as aggregations, each lesson a SCO with its files."""
    manifest = ET.Element(_q("manifest"), {"identifier": f"COMCEP-COURSE-{course.pk}", "version": "1.0"})
    metadata = ET.SubElement(manifest, _q("metadata"))
    ET.SubElement(metadata, _q("schema")).text = "ADL SCORM"
    ET.SubElement(metadata, _q("schemaversion")).text = "1.2"

    organizations = ET.SubElement(manifest, _q("organizations"), {"default": "ORG-1"})
    organization = ET.SubElement(organizations, _q("organization"), {"identifier": "ORG-1"})
    ET.SubElement(organization, _q("title")).text = course.title
    resources = ET.SubElement(manifest, _q("resources"))

    module_items: dict[int, ET.Element] = {}
    for entry in lessons:
        module = entry["module"]
        if module.pk not in module_items:
            item = ET.SubElement(organization, _q("item"), {"identifier": f"MOD-{module.pk}"})
            ET.SubElement(item, _q("title")).text = module.title
            module_items[module.pk] = item
        lesson = entry["lesson"]
        item = ET.SubElement(module_items[module.pk], _q("item"), {
            "identifier": f"ITEM-{lesson.pk}", "identifierref": f"RES-{lesson.pk}", "isvisible": "true",
        })
        ET.SubElement(item, _q("title")).text = lesson.title
        resource = ET.SubElement(resources, _q("resource"), {
            "identifier": f"RES-{lesson.pk}", "type": "webcontent",
            _q("scormtype", ADLCP): "sco", "href": entry["href"],
        })
        for href in [entry["href"], *entry["files"]]:
            ET.SubElement(resource, _q("file"), {"href": href})
        ET.SubElement(resource, _q("dependency"), {"identifierref": "SHARED"})

    shared = ET.SubElement(resources, _q("resource"), {
        "identifier": "SHARED", "type": "webcontent", _q("scormtype", ADLCP): "asset",
    })
    for href in [*SHARED_FILES, *extra_shared]:
        ET.SubElement(shared, _q("file"), {"href": href})
    ET.indent(manifest)
    return ET.tostring(manifest, encoding="utf-8", xml_declaration=True)


def _up(href: str | None) -> str:
    """A package path as a lesson page (in lessons/) links to it."""
    return f"../{href}" if href else ""


def _copy_into(archive: zipfile.ZipFile, name: str, href: str) -> bool:
    """Copy a stored library file into the zip, stored as is (videos do not compress)."""
    try:
        with library.open_media_file(name) as source, archive.open(
                zipfile.ZipInfo(href, date_time=_now_tuple()), "w") as dest:
            shutil.copyfileobj(source, dest, 1024 * 1024)
    except FileNotFoundError:
        return False
    return True


def _now_tuple():
    return time.localtime()[:6]


def _copy_library_files(archive: zipfile.ZipFile, resource, number: int) -> dict:
    """Put a library lesson's files in the package, as the author's own files are: the best
    rendition of a video (with its captions), or a document. Only a published resource
    reaches here (library.lesson_item)."""
    copied: dict = {}
    rendition = library.best_rendition(resource)
    if rendition is not None:
        href = f"files/lesson-{number:03d}.mp4"
        if _copy_into(archive, rendition.path, href):
            copied["video"] = href
            captions = {}
            for caption in library.video_of(resource).captions.all():
                caption_href = f"files/lesson-{number:03d}.{caption.language}.vtt"
                if _copy_into(archive, caption.path, caption_href):
                    captions[caption.language] = caption_href
            copied["captions"] = captions
    elif resource.document:
        href = f"files/lesson-{number:03d}{_extension(resource.document.name, '')}"
        try:
            with resource.document.open("rb") as source, archive.open(href, "w") as dest:
                shutil.copyfileobj(source, dest)
            copied["document"] = href
        except FileNotFoundError:
            pass
    return copied


def write_package(course: Course, target) -> None:
    """Write the SCORM 1.2 zip of ``course`` into the binary file object ``target``."""
    modules = list(course.modules_with_lessons())
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        extra_shared = []
        cover_href = ""
        # Only a re-encoded cover goes in (an older upload kept under its own name does not).
        if PurePosixPath(course.cover.name or "").suffix.lower()[1:] in images.SERVED_TYPES:
            cover_href = f"shared/cover{_extension(course.cover.name, '')}"
            with course.cover.open("rb") as source, archive.open(cover_href, "w") as dest:
                shutil.copyfileobj(source, dest)
            extra_shared.append(cover_href)

        entries = []
        number = 0
        for module in modules:
            for lesson in module.lessons.all():
                number += 1
                href = f"lessons/lesson-{number:03d}.html"
                files = []
                file_href = ""
                own = lesson.own_file if lesson.kind == LessonKind.FILE else None
                if own is not None:
                    file_href = f"files/lesson-{number:03d}{_extension(own.file.name, own.mime_type)}"
                    try:
                        with own.file.open("rb") as source, archive.open(file_href, "w") as dest:
                            shutil.copyfileobj(source, dest)
                        files.append(file_href)
                    except FileNotFoundError:
                        own, file_href = None, ""
                library_item = library.lesson_item(lesson) if lesson.kind == LessonKind.LIBRARY else None
                library_url = site + library_item.get_absolute_url() if library_item is not None else ""
                library_files = _copy_library_files(archive, library_item, number) if library_item else {}
                files.extend(href for href in [library_files.get("video"), library_files.get("document"),
                                               *library_files.get("captions", {}).values()] if href)
                html = render_to_string("privatespace/scorm/lesson.html", {
                    "course": course, "module": module, "lesson": lesson, "number": number,
                    "body": render_markdown(lesson.body) if lesson.body else "",
                    "own_file": own, "file_href": file_href and f"../{file_href}",
                    "library_item": library_item, "library_url": library_url,
                    "library_video_href": _up(library_files.get("video")),
                    "library_document_href": _up(library_files.get("document")),
                    "library_captions": [(language, _up(href)) for language, href
                                         in library_files.get("captions", {}).items()],
                    "questions": list(lesson.questions.all()),
                    "cover_href": cover_href and number == 1 and f"../{cover_href}",
                })
                archive.writestr(href, html)
                entries.append({"module": module, "lesson": lesson, "href": href, "files": files})

        for shared_file in SHARED_FILES:
            template = f"privatespace/scorm/{PurePosixPath(shared_file).name}"
            archive.writestr(shared_file, render_to_string(template))
        archive.writestr("imsmanifest.xml", build_manifest(course, entries, extra_shared))


def build_package(course: Course):
    """The package in a temporary file (videos can be large), rewound for reading."""
    spooled = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - caller closes
    write_package(course, spooled)
    spooled.seek(0)
    return spooled
