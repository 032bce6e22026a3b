"""Every uploaded file the site serves, fetched through the whole middleware stack: its type
is fixed (nosniff), it runs sandboxed under its own policy (which the site's CSP middleware
leaves alone), and only an image, a sound or a video is shown inline; anything else, a PDF
or a text holding HTML included, is a download.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image

from comcep.files import UPLOAD_POLICY, ranged_file_response
from forum import images
from privatespace import courses, services
from resources.models import Resource
from tests.privatespace.factories import make_course
from tests.privatespace.helpers import PDF_BYTES, pdf_upload, png_upload

pytestmark = pytest.mark.django_db

POLICY = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def assert_protected(response, *, inline: bool) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == POLICY
    disposition = response.get("Content-Disposition", "")
    if inline:
        assert not disposition.startswith("attachment"), disposition
    else:
        assert disposition.startswith("attachment"), disposition


def stored(tmp_path, content: bytes):
    path = tmp_path / "stored"
    path.write_bytes(content)
    return path.open("rb")


def png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "navy").save(out, format="PNG")
    return SimpleUploadedFile("dessin.png", out.getvalue(), "image/png")


def test_the_policy_is_the_one_the_site_promises():
    assert UPLOAD_POLICY == POLICY


def test_a_private_file_its_owner_fetches(alice, client_for):
    client = client_for(alice)
    document = services.upload_file(actor=alice, uploaded=pdf_upload("compte-rendu.pdf"))
    picture = services.upload_file(actor=alice, uploaded=png_upload("schema.png"))
    text = services.upload_file(actor=alice, uploaded=SimpleUploadedFile(
        "notes.txt", b"<html><script>alert(1)</script></html>"))

    assert_protected(client.get(document.download_url), inline=False)
    assert_protected(client.get(document.download_url, HTTP_RANGE="bytes=0-3"), inline=False)
    beyond = client.get(document.download_url, HTTP_RANGE="bytes=9999-")  # no body: nothing to name
    assert beyond.status_code == 416
    assert beyond["X-Content-Type-Options"] == "nosniff" and beyond["Content-Security-Policy"] == POLICY
    assert_protected(client.get(picture.download_url), inline=True)
    served_text = client.get(text.download_url)
    assert served_text["Content-Type"].startswith("text/plain")
    assert_protected(served_text, inline=False)


def test_a_lesson_file_and_a_cover_another_member_fetches(alice, bob, client_for):
    own_file = services.upload_file(actor=alice, uploaded=pdf_upload())
    picture = services.upload_file(actor=alice, uploaded=png_upload())
    course = make_course(alice, modules=1, quiz=False)
    courses.update_course(course, title=course.title, summary=course.summary, cover=png())
    module = course.modules.get()
    document_lesson = courses.add_lesson(module, actor=alice, content=courses.LessonContent(
        title="Grille", kind="file", own_file=own_file))
    image_lesson = courses.add_lesson(module, actor=alice, content=courses.LessonContent(
        title="Schéma", kind="file", own_file=picture))
    courses.publish_course(course, actor=alice)
    client = client_for(bob)

    assert_protected(client.get(reverse("privatespace:lesson_file", args=[document_lesson.pk])), inline=False)
    image = client.get(reverse("privatespace:lesson_file", args=[image_lesson.pk]))
    assert image["Content-Type"] == "image/png"
    assert_protected(image, inline=True)
    assert 'filename="schema.png"' in image["Content-Disposition"]  # the lesson's title, slugified
    cover = client.get(reverse("privatespace:course_cover", args=[course.pk]))
    assert cover.status_code == 200
    assert_protected(cover, inline=True)


def test_a_forum_image(alice, bob, client_for):
    attachment = images.store_image(uploader=alice.member, upload=png())

    response = client_for(bob).get(reverse("forum:attachment", args=[attachment.pk, attachment.extension]))

    assert response.status_code == 200
    assert_protected(response, inline=True)


def test_library_documents_including_a_text_holding_html(alice, mod, client_for):
    client = client_for(alice)
    for title, name, content in (("Fiche pratique", "fiche.pdf", PDF_BYTES),
                                 ("Notes", "notes.txt", b"<html><script>alert(1)</script></html>")):
        client.post(reverse("resources:propose"), {
            "kind": "document", "title": title, "summary": "…", "service_level": "all",
            "public": "all", "document_file": SimpleUploadedFile(name, content),
        })
    for resource in Resource.objects.filter(proposed_by=alice):
        response = client_for(mod).get(reverse("resources:media", args=[resource.pk, "document"]))
        assert response.status_code == 200
        assert_protected(response, inline=False)


@pytest.mark.parametrize(("content_type", "inline"), [
    ("image/png", True), ("image/jpeg", True), ("video/mp4", True), ("audio/mpeg", True),
    ("image/svg+xml", False), ("text/html", False), ("application/xhtml+xml", False),
    ("application/pdf", False), ("text/plain", False), ("application/octet-stream", False),
])
def test_only_images_sounds_and_videos_may_be_shown_inline(content_type, inline, tmp_path):
    request = RequestFactory().get("/fichier")
    response = ranged_file_response(request, stored(tmp_path, b"contenu"), content_type=content_type,
                                    download_name="fichier", as_attachment=False)

    assert_protected(response, inline=inline)


def test_the_sites_csp_middleware_keeps_a_served_files_policy(tmp_path):
    """The installed django-csp sets its header only on a response that has none."""
    from csp.middleware import CSPMiddleware

    def view(request):
        return ranged_file_response(request, stored(tmp_path, b"<svg/>"), content_type="image/svg+xml")

    response = CSPMiddleware(view)(RequestFactory().get("/fichier"))
    assert response["Content-Security-Policy"] == POLICY
    page = CSPMiddleware(lambda request: HttpResponse("page"))(RequestFactory().get("/page"))
    assert "sandbox" not in page["Content-Security-Policy"]
