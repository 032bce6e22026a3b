"""A library video kept in object storage, in a browser under the site's own CSP.

The page's <video> and poster point at the site; the site answers with a redirect to a
signed URL of the object store, which the browser checks against the page's policy
(img-src, media-src) before it loads it. The settings add the object store's origin to both
(tests/comcep/test_object_storage.py checks what they add); here Chromium plays the video
from moto's S3 server with no policy violation.
"""

from __future__ import annotations

import pytest

from resources import services as resource_services
from resources.models import Kind
from tests import factories
from tests.comcep.test_object_storage import bucket, object_store  # noqa: F401 (fixtures)
from tests.conftest import wait_until
from tests.e2e.conftest import sign_in
from tests.resources.factories import ResourceFactory

TITLE = "Séquence : accueillir la personne"


@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
@pytest.mark.django_db(transaction=True)
def test_a_video_of_the_bucket_plays_in_the_page_under_its_policy(
        page, live_server, viewport, screenshot, settings, bucket, clips, alice):  # noqa: F811
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
        **directives, "img-src": [*directives["img-src"], bucket.endpoint],
        "media-src": [*directives["media-src"], bucket.endpoint]}}
    resource = ResourceFactory(kind=Kind.VIDEO, title=TITLE, summary="Accueillir la personne.")
    clip = clips.get("small", seconds=2, width=640, height=360)
    video = resource_services.attach_video(resource, clip, original_size=clip.stat().st_size,
                                           queue=False)
    assert resource_services.process_video(video.pk) == "ready"

    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    loaded_from_bucket = []
    page.on("response", lambda response: loaded_from_bucket.append(response.status)
            if response.url.startswith(bucket.endpoint) else None)
    sign_in(page, live_server, "alice.martin@apec.fr", factories.PASSWORD)
    page.goto(f"{live_server.url}{resource.get_absolute_url()}")
    player = page.locator("video#player")
    player.wait_for()

    h264 = 'video/mp4; codecs="avc1.4D401F, mp4a.40.2"'
    if page.evaluate("type => document.createElement('video').canPlayType(type)", h264):
        # Polled from here: a string waited on inside the page would be eval, which the
        # page's policy (rightly) refuses.
        wait_until(lambda: page.evaluate("document.querySelector('video#player').readyState") >= 1,
                   timeout=30, interval=0.2, message="the video did not load")
        assert page.evaluate("document.querySelector('video#player').duration") == pytest.approx(
            2, abs=0.5)
        assert loaded_from_bucket and set(loaded_from_bucket) <= {200, 206}
    screenshot("playing")
    assert violations == []
