"""Videos: renditions carry none of the source's tags, and sources too big or too fast are refused.

The source is made with ffmpeg carrying "Camille Canary" as its title, artist, comment, a stream's
handler name and a chapter; the real worker transcodes it, and what members fetch (renditions,
poster) is read with exiftool. An 8K or a 240 fps source fails at the probe step with a French
reason its uploader sees, and nothing of it is published.
"""

from __future__ import annotations

import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from resources import services, transcoding
from resources.models import Resource, Status, Video, VideoState
from tests import canary_files as canary
from tests.conftest import wait_until

UPLOAD = reverse("resources:upload_video")


def upload(client, name: str, data: bytes):
    return client.post(UPLOAD, {
        "kind": "video", "title": "Séquence filmée", "summary": "Un entretien.", "service_level": "1",
        "public": "all", "tags_text": "",
        "video_file": SimpleUploadedFile(name, data, content_type="video/mp4"),
    })


def processed(video_id: int, worker) -> Video:
    wait_until(lambda: Video.objects.get(pk=video_id).state in (VideoState.READY, VideoState.FAILED),
               timeout=180, message=worker.log.read_text()[-3000:])
    return Video.objects.get(pk=video_id)


def clip(tmp_path, *, size: str, rate: int, frames: int) -> bytes:
    target = tmp_path / f"{size}-{rate}.mp4"
    subprocess.run(
        [transcoding.ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
         "-f", "lavfi", "-i", f"testsrc=size={size}:rate={rate}", "-frames:v", str(frames),
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(target)],
        check=True, capture_output=True, timeout=300,
    )
    return target.read_bytes()


@pytest.mark.worker
class TestThroughTheWorker:
    def test_renditions_and_poster_carry_none_of_the_sources_tags(
            self, video_worker, client_for, alice, media_root):
        source = canary.mp4_with_tags(size="320x240", seconds=2)
        assert canary.canary_places(source), "the source made for the test must carry the name"
        client = client_for(alice)
        assert upload(client, "entretien.mp4", source).status_code == 302
        resource = Resource.objects.get()

        video = processed(resource.video.pk, video_worker)

        assert video.state == VideoState.READY, video.failure_detail
        names = [f"{r.height}p.mp4" for r in video.renditions.all()] + ["poster.jpg"]
        for name in names:
            response = client.get(reverse("resources:media", args=[resource.pk, name]))
            assert response.status_code == 200
            data = b"".join(response.streaming_content)
            assert canary.canary_places(data) == [], name
            tags = canary.exiftool_tags(data)[0]
            assert not any(key.endswith((":Title", ":Artist", ":Comment")) for key in tags), tags

    @pytest.mark.parametrize("size, rate, frames, reason", [
        ("7680x4320", 25, 1, "dépasse la taille maximale acceptée (3840 × 2160)"),
        ("320x240", 240, 24, "240 images par seconde\u00a0; 60 au plus sont acceptées"),
    ], ids=["8K", "240fps"])
    def test_a_source_too_large_or_too_fast_fails_with_its_french_reason(
            self, video_worker, client_for, alice, media_root, tmp_path, size, rate, frames, reason):
        client = client_for(alice)
        source = clip(tmp_path, size=size, rate=rate, frames=frames)
        assert upload(client, "trop.mp4", source).status_code == 302
        resource = Resource.objects.get()

        video = processed(resource.video.pk, video_worker)

        assert video.state == VideoState.FAILED
        assert reason in video.failure_reason
        assert not video.renditions.exists() and not video.poster
        resource.refresh_from_db()
        assert resource.status == Status.PROPOSED  # never published
        page = client.get(resource.get_absolute_url()).content.decode()
        assert "<video" not in page
        assert reason.replace("×", "&times;") in page or reason in page


# --- The caps themselves, as the probe reads a video --------------------------------------------


def probe(width: int, height: int, fps: float) -> transcoding.Probe:
    return transcoding.Probe(container="mov", duration=10, width=width, height=height,
                             video_codec="h264", has_audio=False, fps=fps)


@pytest.mark.parametrize("width, height, fps", [
    (3840, 2160, 30), (2160, 3840, 30), (1920, 1080, 60), (1280, 720, 59.94), (640, 480, 25),
])
def test_videos_within_the_caps_pass(width, height, fps):
    services.check_video_caps(probe(width, height, fps))


@pytest.mark.parametrize("width, height, fps, words", [
    (7680, 4320, 25, "dépasse la taille maximale"),
    (4096, 2160, 25, "dépasse la taille maximale"),   # DCI 4K: wider than UHD
    (2400, 2400, 25, "dépasse la taille maximale"),   # a square: its short side is over 2160
    (320, 240, 240, "240 images par seconde"),
    (1280, 720, 120, "120 images par seconde"),
    (3840, 2160, 60, "trop lourde à convertir"),      # 4K at 60 fps: twice the pixel rate
])
def test_videos_over_a_cap_are_refused_with_a_french_reason(width, height, fps, words):
    with pytest.raises(transcoding.ProbeError) as refused:
        services.check_video_caps(probe(width, height, fps))
    assert words in refused.value.reason


def test_the_caps_are_settings(settings):
    settings.RESOURCES_VIDEO_MAX_FPS = 25
    with pytest.raises(transcoding.ProbeError):
        services.check_video_caps(probe(640, 480, 30))


REPORT = """Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'source':
  Duration: 00:00:01.00, start: 0.000000, bitrate: 100 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), \
320x240 [SAR 1:1 DAR 4:3], 90 kb/s, {rate}, 15360 tbn (default)
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 69 kb/s (default)
"""


@pytest.mark.parametrize("rate, fps", [
    ("240 fps, 240 tbr", 240), ("29.97 fps, 29.97 tbr", 29.97), ("25 tbr", 25), ("1k fps, 1k tbr", 1000),
])
def test_the_probe_reads_the_frame_rate_of_the_video_stream(rate, fps):
    assert transcoding.parse_probe(REPORT.format(rate=rate)).fps == pytest.approx(fps)
