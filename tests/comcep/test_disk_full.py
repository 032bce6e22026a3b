"""A full disk under MEDIA_ROOT: a French message, nothing partial on disk or in the database.

MEDIA_ROOT is a real, small filesystem (tmpfs) filled up by the test.
"""

from __future__ import annotations

import io
import os

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from comcep.storage import MediaStorage
from privatespace.models import PrivateFile

pytestmark = pytest.mark.django_db


def noisy_png(size: int = 200) -> bytes:
    """A PNG that does not compress (random pixels): about 3 bytes a pixel."""
    image = Image.frombytes("RGB", (size, size), os.urandom(size * size * 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_a_file_that_does_not_fit_leaves_no_partial_file(small_disk):
    small_disk.fill(leave=16 * 1024)
    storage = MediaStorage(location=small_disk.path)

    with pytest.raises(OSError) as error:
        storage.save("files/grand.bin", ContentFile(b"x" * 200 * 1024))

    assert error.value.errno == 28  # ENOSPC, from the real filesystem
    assert small_disk.files() == []
    assert list(small_disk.path.rglob(".partial-*")) == []


def test_a_file_that_fits_is_written_whole_under_its_name(small_disk):
    storage = MediaStorage(location=small_disk.path)
    name = storage.save("files/petit.bin", ContentFile(b"abc" * 1000))
    assert (small_disk.path / name).read_bytes() == b"abc" * 1000
    assert storage.save("files/petit.bin", ContentFile(b"autre")) != name  # never replaced


def test_a_personal_file_on_a_full_disk_is_refused_in_french_and_nothing_is_kept(
        small_disk, alice, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    small_disk.fill(leave=8 * 1024)
    upload = SimpleUploadedFile("photo.png", noisy_png(), content_type="image/png")

    response = client_for(alice).post(reverse("privatespace:upload_file"), {"upload": upload})

    assert response.status_code == 400
    assert "manque de place" in response.content.decode()
    assert not PrivateFile.objects.filter(owner=alice).exists()
    assert small_disk.files() == []
    # The member's quota still counts nothing.
    assert PrivateFile.objects.used_bytes(alice) == 0


def test_a_video_on_a_full_disk_is_refused_in_french_and_leaves_no_resource(small_disk, alice, client_for,
                                                                           clips):
    from resources.models import Resource, Video
    from tests.resources.test_videos import upload_data

    small_disk.fill(leave=8 * 1024)

    response = client_for(alice).post(reverse("resources:upload_video"),
                                      upload_data(clips.get("hd", seconds=2)))

    assert response.status_code == 400
    assert "manque de place" in response.content.decode()
    assert not Resource.objects.exists() and not Video.objects.exists()
    assert small_disk.files() == []
