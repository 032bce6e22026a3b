"""A hostile course cover in a real browser: a valid PNG carrying a script, uploaded as
"cover.html". Served as HTML, Chromium would run it in the site's origin; it must not.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin

from privatespace import courses
from privatespace.models import Course
from tests import factories
from tests.e2e.conftest import sign_in

SCRIPT = "<html><body><script>document.title='pwned';window.pwned=1</script></body></html>"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def hostile_png() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT)
    out = io.BytesIO()
    Image.new("RGB", (32, 24), "teal").save(out, format="PNG", pnginfo=info)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_png_with_a_script_uploaded_as_cover_html_runs_nothing_in_the_browser(
        page, live_server, alice, bob):
    payload = hostile_png()
    # The control: the very same bytes served as a web page do run (the payload is live).
    control = f"{live_server.url}/controle-hostile"
    # (In a page of its own: it is not one of the site's, whose pages are checked for accessibility.)
    control_page = page.context.new_page()
    control_page.route(control, lambda route: route.fulfill(status=200, content_type="text/html",
                                                            body=payload))
    control_page.goto(control)
    assert control_page.evaluate("window.pwned") == 1
    control_page.close()

    sign_in(page, live_server, "alice.martin@apec.fr", factories.PASSWORD)
    page.goto(f"{live_server.url}/espace-prive/cours/nouveau/")
    page.locator("#id_title").fill("Un cours à la couverture piégée")
    page.locator("#id_cover").set_input_files(
        files=[{"name": "cover.html", "mimeType": "text/html", "buffer": payload}])
    page.get_by_role("button", name="Enregistrer").click()
    course = Course.objects.get(author=alice)
    assert course.cover.name.endswith((".png", ".jpg"))
    module = courses.add_module(course, title="Module")
    courses.add_lesson(module, actor=alice, content=courses.LessonContent(title="Leçon", body="Texte."))
    courses.publish_course(course, actor=alice)

    page.context.clear_cookies()
    sign_in(page, live_server, bob.email, factories.PASSWORD)
    response = page.goto(f"{live_server.url}/espace-prive/cours/{course.pk}/couverture/")

    assert response.status == 200
    assert response.headers["content-type"] in ("image/png", "image/jpeg")
    assert response.headers["content-security-policy"].startswith("sandbox")
    assert page.evaluate("window.pwned") is None
    assert "pwned" not in page.title()
