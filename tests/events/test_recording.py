"""A host attaches the replay: it goes through the library's video pipeline, run by a real worker."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from events.models import Event
from resources.models import Status, VideoState
from tests.conftest import wait_until


@pytest.mark.worker
def test_a_host_attaches_the_replay_which_becomes_a_library_video_with_chapters(
        worker, client_for, clips, expert, alice, make_event):
    event = make_event(expert, starts_in=timedelta(days=1))
    clip = clips.get("replay", seconds=2, width=320, height=180)
    upload = {"video_file": SimpleUploadedFile("replay.mp4", clip.read_bytes(), content_type="video/mp4"),
              "chapters": "0:00 Accueil\n0:01 Questions"}

    assert client_for(alice).post(reverse("events:recording", args=[event.pk]), upload).status_code == 403
    upload["video_file"].seek(0)
    response = client_for(expert).post(reverse("events:recording", args=[event.pk]), upload)

    assert response.status_code == 302
    event = Event.objects.select_related("recording__video").get(pk=event.pk)
    resource = event.recording
    assert resource.status == Status.PUBLISHED
    assert [c.title for c in resource.video.chapters.order_by("start")] == ["Accueil", "Questions"]
    wait_until(lambda: resource.video.__class__.objects.get(pk=resource.video.pk).state
               in (VideoState.READY, VideoState.FAILED), timeout=120, message="the replay was not processed")
    assert resource.video.__class__.objects.get(pk=resource.video.pk).state == VideoState.READY
    page = client_for(alice).get(reverse("events:detail", args=[event.pk])).text
    assert reverse("resources:detail", args=[resource.pk]) in page
