"""The library's cards show a small thumbnail of a video, not its full poster.

The worker makes it from the poster in the same job (a 320-pixel-wide WebP with its pixels
only, read here with exiftool); the list's cards point at it with its width and height, the
video's page keeps the poster. Videos processed before thumbnails existed get theirs from the
migration, or show the poster while they have none.
"""

from __future__ import annotations

import importlib
import io
import re

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from comcep import images, storage
from resources import services, transcoding
from resources.models import Kind, Resource, Video, VideoState
from tests import canary_files as canary
from tests.conftest import wait_until
from tests.resources.factories import ResourceFactory

LIST = reverse("resources:list")
SIZE_BOUND = 8_000  # bytes: a card's picture, over a phone's connection
# What exiftool reads of a file with no metadata at all: the file itself and its pixels' layout.
STRUCTURE_GROUPS = {"ExifTool", "System", "File", "RIFF", "Composite"}


def media_url(resource: Resource, name: str) -> str:
    return reverse("resources:media", args=[resource.pk, name])


def served(client, url: str) -> tuple[bytes, str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content), response["Content-Type"]


def assert_no_metadata(data: bytes) -> None:
    tags = canary.exiftool_tags(data)[0]
    groups = {key.split(":", 1)[0] for key in tags if ":" in key}
    assert groups <= STRUCTURE_GROUPS, tags
    assert canary.canary_places(data) == []


def card_image(page: str) -> str:
    match = re.search(r'<img class="resource-thumb"[^>]*>', page)
    assert match, "no picture on the card"
    return match.group(0)


@pytest.mark.worker
def test_a_processed_videos_card_shows_a_small_clean_thumbnail_and_its_page_the_poster(
        video_worker, client_for, alice, mod, bob, media_root):
    client = client_for(alice)
    source = canary.mp4_with_tags(size="1280x720", seconds=2)
    response = client.post(reverse("resources:upload_video"), {
        "kind": "video", "title": "Entretien filmé", "summary": "Une mise en situation.",
        "service_level": "1", "public": "all", "tags_text": "",
        "video_file": SimpleUploadedFile("entretien.mp4", source, content_type="video/mp4")})
    assert response.status_code == 302
    resource = Resource.objects.get()
    wait_until(lambda: Video.objects.get(pk=resource.video.pk).state in ("ready", "failed"),
               timeout=180, message=video_worker.log.read_text()[-3000:])
    video = Video.objects.get(pk=resource.video.pk)
    assert video.state == VideoState.READY, video.failure_detail

    thumbnail, content_type = served(client, media_url(resource, "thumb.webp"))
    poster, _ = served(client, media_url(resource, "poster.jpg"))
    assert content_type == "image/webp"
    assert len(thumbnail) < len(poster) / 3 and len(thumbnail) < SIZE_BOUND
    with Image.open(io.BytesIO(thumbnail)) as image:
        assert image.size == (320, 180) == (video.thumbnail_width, video.thumbnail_height)
    assert_no_metadata(thumbnail)

    services.publish_resource(resource, actor=mod)
    reader = client_for(bob)
    card = card_image(reader.get(LIST).content.decode())
    assert f'src="{media_url(resource, "thumb.webp")}"' in card
    assert 'width="320"' in card and 'height="180"' in card
    page = reader.get(resource.get_absolute_url()).content.decode()
    assert media_url(resource, "poster.jpg") in page and "thumb.webp" not in page


def test_a_thumbnail_carries_none_of_its_sources_metadata_and_is_never_enlarged():
    source = canary.jpeg_with_exif()  # 64 × 48, with the canary as Artist and Copyright
    assert canary.canary_places(source)

    small = images.thumbnail(source)

    assert small.extension == "webp"
    assert {small.width, small.height} == {64, 48}  # turned upright as its EXIF said, not enlarged
    assert_no_metadata(small.content)


@pytest.fixture
def processed_before_thumbnails(reference_data, media_root, clips, tmp_path):
    """A published video as the job left it before thumbnails existed: a poster, no thumbnail."""
    resource = ResourceFactory(kind=Kind.VIDEO, title="Séquence d'avant")
    video = Video.objects.create(resource=resource, state=VideoState.READY, width=1280, height=720)
    part = tmp_path / "poster.jpg"
    transcoding.make_poster(clips.get("hd", seconds=2), part, at=0.5)
    Video.objects.filter(pk=video.pk).update(
        poster=storage.save_file(f"{video.folder}/poster.jpg", part))
    return Resource.objects.get(pk=resource.pk)


def test_a_video_without_a_thumbnail_shows_its_poster_on_its_card(processed_before_thumbnails,
                                                                  client_for, bob):
    card = card_image(client_for(bob).get(LIST).content.decode())

    assert f'src="{media_url(processed_before_thumbnails, "poster.jpg")}"' in card


def test_the_migration_gives_earlier_videos_their_thumbnail(processed_before_thumbnails,
                                                           client_for, bob, media_root):
    lost = Video.objects.create(resource=ResourceFactory(kind=Kind.VIDEO), state=VideoState.READY,
                                poster="resources/videos/perdue/poster.jpg")  # its file is gone
    migration = importlib.import_module("resources.migrations.0004_video_thumbnail")

    migration.make_thumbnails(apps, None)

    video = processed_before_thumbnails.video
    video.refresh_from_db()
    assert (video.thumbnail_width, video.thumbnail_height) == (320, 180)
    data = (media_root / video.thumbnail).read_bytes()
    assert len(data) < SIZE_BOUND
    assert_no_metadata(data)
    lost.refresh_from_db()
    assert lost.thumbnail == ""  # skipped: its card keeps the poster's address
    page = client_for(bob).get(LIST).content.decode()
    assert media_url(processed_before_thumbnails, "thumb.webp") in page

    migration.remove_thumbnails(apps, None)
    assert not (media_root / video.thumbnail).exists()
