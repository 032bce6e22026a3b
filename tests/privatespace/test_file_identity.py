"""Uploaded files seen from another member's side: a cover can never be a web page, an
image keeps nothing of who made it or where, and a file's uploaded name ("CV_Prénom_Nom")
reaches nobody but its owner.

The hostile files are built here, with Pillow, and the metadata is looked for with the
real exiftool on the very bytes served.
"""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageCms, PngImagePlugin

from privatespace import courses, services
from privatespace.models import Course, PrivateFile
from resources.models import Resource
from tests.privatespace.factories import make_course
from tests.privatespace.helpers import PDF_BYTES, pdf_upload, text

pytestmark = pytest.mark.django_db

EXIFTOOL = "/usr/bin/exiftool"
CANARY = "Canary"
SCRIPT = b"<html><body><script>document.title='pwned';window.pwned=1</script></body></html>"


# --- Hostile images -------------------------------------------------------------------------


def canary_icc() -> bytes:
    """An sRGB ICC profile whose description names a person (same length: the profile stays valid)."""
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    named = icc.replace("sRGB built-in".encode("utf-16-be"), "Canary Dupont".encode("utf-16-be"))
    assert named != icc
    return named


def xmp_packet() -> bytes:
    return (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
            b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
            b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Canary XMP</dc:creator>'
            b"</rdf:Description></rdf:RDF></x:xmpmeta>")


def png_with_script(size=(24, 16)) -> bytes:
    """A valid PNG that a browser told it is HTML would run: a script in a text chunk."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    out = io.BytesIO()
    Image.new("RGB", size, "teal").save(out, format="PNG", pnginfo=info)
    data = out.getvalue()
    assert data.startswith(b"\x89PNG") and SCRIPT in data
    return data


def jpeg_with_identity(size=(40, 20), orientation: int = 1) -> bytes:
    """A JPEG whose EXIF names its author and camera owner and says where it was taken."""
    image = Image.new("RGB", size, "white")
    image.paste((200, 0, 0), (0, 0, size[0] // 2, size[1]))  # left half red: orientation shows
    exif = image.getexif()
    exif[0x013B] = "Canary Dupont"  # Artist
    exif[0x0112] = orientation
    exif.get_ifd(0x8769)[0xA430] = "Canary Owner"  # Exif CameraOwnerName
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, xmp=xmp_packet(), icc_profile=canary_icc())
    return out.getvalue()


def png_with_identity() -> bytes:
    """A transparent PNG (kept a PNG) with EXIF, XMP and an ICC profile naming someone."""
    image = Image.new("RGBA", (30, 30), (0, 0, 200, 128))
    exif = image.getexif()
    exif[0x013B] = "Canary Dupont"
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Canary Dupont")
    info.add_itxt("XML:com.adobe.xmp", xmp_packet().decode())
    out = io.BytesIO()
    image.save(out, format="PNG", exif=exif, pnginfo=info, icc_profile=canary_icc())
    return out.getvalue()


def metadata(data: bytes, tmp_path, name="served") -> str:
    """Everything exiftool reads in ``data``."""
    path = tmp_path / name
    path.write_bytes(data)
    result = subprocess.run([EXIFTOOL, "-a", "-G1", "-s", "-ee", str(path)],
                            capture_output=True, text=True, check=True, timeout=30)
    return result.stdout


def served(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def publish_with_cover(author, client, cover: SimpleUploadedFile):
    """The author sets a cover through the form, and publishes the course."""
    course = make_course(author, quiz=False)
    response = client.post(reverse("privatespace:edit_course", args=[course.pk]),
                           {"title": course.title, "summary": course.summary, "cover": cover})
    courses.publish_course(course, actor=author)
    course.refresh_from_db()
    return course, response


# --- Covers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cover.html", "x.jpg.html", "cover.svg", "cover.xhtml", "cover.htm"])
def test_a_png_with_a_script_uploaded_as_a_web_page_is_served_only_as_an_image(
        alice, bob, client_for, name):
    course, _response = publish_with_cover(alice, client_for(alice), SimpleUploadedFile(
        name, png_with_script(), content_type="text/html"))

    assert course.cover.name, "a valid PNG is taken as a cover"
    assert re.fullmatch(r"privatespace/covers/[0-9a-f]{2}/[0-9a-f]{32}\.(png|jpg)", course.cover.name)
    response = client_for(bob).get(reverse("privatespace:course_cover", args=[course.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] in ("image/png", "image/jpeg")
    body = served(response)
    assert b"<script" not in body and b"<html" not in body
    assert Image.open(io.BytesIO(body)).format in ("PNG", "JPEG")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_an_svg_or_html_cover_is_refused(alice, client_for):
    client = client_for(alice)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for name, content in (("cover.svg", svg), ("cover.png", SCRIPT)):
        response = client.post(reverse("privatespace:create_course"),
                               {"title": "Cours", "cover": SimpleUploadedFile(name, content)})
        assert response.status_code == 200 and "n'est pas accepté" in text(response)
    assert not Course.objects.exists()


def test_a_cover_stored_under_a_web_page_name_before_is_not_served(alice, bob, client_for):
    course = make_course(alice, quiz=False, publish=True)
    course.cover.save("ancienne.html", ContentFile(png_with_script()))

    response = client_for(bob).get(reverse("privatespace:course_cover", args=[course.pk]))

    assert response.status_code == 404


def test_a_jpeg_cover_keeps_nothing_of_its_author_or_place_and_stands_upright(
        alice, bob, client_for, tmp_path):
    original = jpeg_with_identity(size=(40, 20), orientation=6)  # to be turned a quarter clockwise
    before = metadata(original, tmp_path, "original.jpg")
    assert "Canary Dupont" in before and "Canary Owner" in before and "GPS" in before
    assert "Canary XMP" in before

    course, _response = publish_with_cover(alice, client_for(alice), SimpleUploadedFile(
        "Photo de Canary Dupont.jpg", original, content_type="image/jpeg"))
    response = client_for(bob).get(reverse("privatespace:course_cover", args=[course.pk]))
    body = served(response)
    after = metadata(body, tmp_path, "served.jpg")

    assert response["Content-Type"] == "image/jpeg"
    assert CANARY not in after
    assert "GPS" not in after and "Artist" not in after and "OwnerName" not in after
    assert "XMP" not in after and "ICC" not in after
    image = Image.open(io.BytesIO(body))
    assert image.size == (20, 40)  # turned upright by its EXIF orientation, then that was dropped
    # The stored left half, red, is on top once turned a quarter clockwise; white below.
    top, bottom = image.convert("RGB").getpixel((10, 5)), image.convert("RGB").getpixel((10, 35))
    assert top[0] > 150 and top[1] < 100 and bottom[1] > 200
    assert CANARY not in course.cover.name


def test_a_png_cover_keeps_no_text_xmp_or_icc_profile(alice, bob, client_for, tmp_path):
    original = png_with_identity()
    assert "Canary Dupont" in metadata(original, tmp_path, "original.png")

    course, _response = publish_with_cover(alice, client_for(alice), SimpleUploadedFile(
        "dessin.png", original, content_type="image/png"))
    response = client_for(bob).get(reverse("privatespace:course_cover", args=[course.pk]))
    after = metadata(served(response), tmp_path, "served.png")

    assert response["Content-Type"] == "image/png"  # transparency kept: still a PNG
    assert CANARY not in after and "ICC" not in after and "XMP" not in after


def test_a_gif_cover_becomes_a_png(alice, bob, client_for):
    out = io.BytesIO()
    Image.new("P", (12, 12), 3).save(out, format="GIF", comment=b"Canary Dupont")
    course, _response = publish_with_cover(alice, client_for(alice), SimpleUploadedFile(
        "anim.gif", out.getvalue(), content_type="image/gif"))

    response = client_for(bob).get(reverse("privatespace:course_cover", args=[course.pk]))

    assert course.cover.name.endswith(".png")
    assert response["Content-Type"] == "image/png"
    assert b"Canary" not in served(response)


# --- A lesson's own file --------------------------------------------------------------------


def course_with_file_lesson(author, *, file_name="CV_Camille_Canary.pdf", title="Fiche métier"):
    own_file = services.upload_file(actor=author, uploaded=pdf_upload(file_name))
    course = make_course(author, modules=1, quiz=False)
    lesson = courses.add_lesson(course.modules.get(), actor=author, content=courses.LessonContent(
        title=title, kind="file", own_file=own_file))
    courses.publish_course(course, actor=author)
    return lesson, own_file


def test_another_member_sees_and_downloads_a_lesson_file_under_the_lessons_title_only(
        alice, bob, client_for):
    lesson, own_file = course_with_file_lesson(alice)
    assert own_file.name == "CV_Camille_Canary.pdf"  # the owner's own list still shows it
    client = client_for(bob)

    page = text(client.get(reverse("privatespace:lesson", args=[lesson.pk])))
    response = client.get(reverse("privatespace:lesson_file", args=[lesson.pk]))
    course_page = text(client.get(lesson.module.course.get_absolute_url()))

    assert CANARY not in page and "Camille" not in page and CANARY not in course_page
    assert "fiche-metier.pdf" in page
    assert response.status_code == 200 and served(response) == PDF_BYTES
    disposition = response["Content-Disposition"]
    assert CANARY not in disposition and "Camille" not in disposition
    assert disposition == 'attachment; filename="fiche-metier.pdf"'  # a PDF is downloaded, not shown
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == (
        "sandbox; default-src 'none'; img-src 'self'; media-src 'self'")


def test_a_lesson_file_byte_range_is_named_neutrally_too(alice, bob, client_for):
    lesson, _own_file = course_with_file_lesson(alice)

    part = client_for(bob).get(reverse("privatespace:lesson_file", args=[lesson.pk]), HTTP_RANGE="bytes=0-3")

    assert part.status_code == 206
    assert part["Content-Disposition"] == 'attachment; filename="fiche-metier.pdf"'
    assert part["Content-Security-Policy"].startswith("sandbox")


def test_the_scorm_package_names_a_lesson_file_by_the_lesson(alice, client_for):
    import zipfile

    lesson, _own_file = course_with_file_lesson(alice)
    response = client_for(alice).get(reverse("privatespace:export_scorm", args=[lesson.module.course.pk]))
    package = zipfile.ZipFile(io.BytesIO(served(response)))

    for name in package.namelist():
        assert CANARY not in name
        if name.endswith(".html"):
            assert CANARY not in package.read(name).decode()


# --- Offering a file to the library ---------------------------------------------------------


def test_offering_a_file_to_the_library_prefills_nothing_of_its_name(alice, mod, client_for):
    lesson, own_file = course_with_file_lesson(alice)
    client = client_for(alice)

    page = client.get(own_file.get_absolute_url()).content.decode()
    title_input = re.search(r'<input[^>]*name="title"[^>]*>', page).group(0)
    assert "value=" not in title_input and CANARY not in title_input

    client.post(reverse("privatespace:propose_file", args=[own_file.key]), {"title": "", "note": ""})
    resource = Resource.objects.get(proposed_by=alice)
    own_file.refresh_from_db()

    assert own_file.proposed_resource_id == resource.pk
    assert CANARY not in resource.title and "Camille" not in resource.title
    assert CANARY not in resource.summary and CANARY not in resource.document_name
    assert CANARY not in resource.document.name
    moderator = client_for(mod)
    assert CANARY not in text(moderator.get(resource.get_absolute_url()))
    document = moderator.get(reverse("resources:media", args=[resource.pk, "document"]))
    assert document.status_code == 200 and CANARY not in document["Content-Disposition"]
    assert document["Content-Disposition"].startswith("attachment")


def test_a_file_offered_with_a_title_is_named_after_it(alice):
    own_file = services.upload_file(actor=alice, uploaded=pdf_upload("CV_Camille_Canary.pdf"))

    services.propose_file_to_library(own_file, actor=alice, title="Fiche métier conseiller")

    resource = Resource.objects.get(proposed_by=alice)
    assert resource.title == "Fiche métier conseiller"
    assert resource.document_name == "fiche-metier-conseiller.pdf"


def test_only_the_owner_sees_the_uploaded_name(alice, bob, client_for):
    own_file = services.upload_file(actor=alice, uploaded=pdf_upload("CV_Camille_Canary.pdf"))

    assert CANARY in text(client_for(alice).get(reverse("privatespace:files")))
    for url in (own_file.get_absolute_url(), own_file.download_url):
        assert client_for(bob).get(url).status_code == 404
    assert PrivateFile.objects.get().name == "CV_Camille_Canary.pdf"
