"""The ffmpeg wrapper, on real clips made by ffmpeg itself (no database involved)."""

from __future__ import annotations

import socket
import subprocess

import pytest

from resources import transcoding


def test_a_720p_clip_is_probed(clips):
    probe = transcoding.probe(clips.get("hd", seconds=2))
    assert (probe.width, probe.height) == (1280, 720)
    assert probe.has_audio and probe.video_codec == "h264"
    assert probe.duration == pytest.approx(2, abs=0.1)


@pytest.mark.parametrize(("content", "name"), [
    (b"Bonjour, ceci n'est pas une video.\n" * 50, "texte.mp4"),
    (b"\x00" * 4096, "zeros.mp4"),
    (b"", "vide.mp4"),
])
def test_what_is_not_a_video_is_refused_with_a_french_reason(tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(transcoding.ProbeError) as error:
        transcoding.probe(path)
    assert "vidéo" in error.value.reason or "format" in error.value.reason


def test_a_still_image_is_not_a_video(tmp_path):
    image = tmp_path / "image.mp4"
    subprocess.run([transcoding.ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i",
                    "testsrc=size=320x240", "-frames:v", "1", "-f", "image2", "-c:v", "png",
                    str(image)], check=True)
    with pytest.raises(transcoding.ProbeError):
        transcoding.probe(image)


def test_a_truncated_video_is_refused(tmp_path, clips):
    data = clips.get("hd", seconds=2).read_bytes()
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(data[: len(data) // 3])
    with pytest.raises(transcoding.ProbeError):
        transcoding.probe(broken)


@pytest.fixture
def listener():
    """A local port that records whether anyone connected to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.5)
    yield server
    server.close()


def _connected(server) -> bool:
    try:
        connection, _address = server.accept()
    except TimeoutError:
        return False
    connection.close()
    return True


def test_a_playlist_pointing_at_the_network_is_refused_without_fetching(tmp_path, listener):
    port = listener.getsockname()[1]
    playlist = tmp_path / "piege.mp4"
    playlist.write_text("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n"
                        f"http://127.0.0.1:{port}/segment.ts\n#EXT-X-ENDLIST\n")
    with pytest.raises(transcoding.ProbeError):
        transcoding.probe(playlist)
    with pytest.raises(transcoding.TranscodeError):
        transcoding.transcode(playlist, tmp_path / "out.mp4", height=360, duration=10)
    assert not _connected(listener)


def test_a_concat_list_of_local_files_is_refused(tmp_path, clips):
    listing = tmp_path / "liste.mp4"
    listing.write_text(f"ffconcat version 1.0\nfile '{clips.get('hd', seconds=2)}'\n")
    with pytest.raises(transcoding.ProbeError):
        transcoding.probe(listing)


@pytest.mark.parametrize(("source", "expected"), [
    (1080, [360, 720]), (720, [360, 720]), (480, [360]), (360, [360]), (240, [240]), (241, [240]),
])
def test_renditions_are_never_taller_than_the_source(source, expected):
    assert transcoding.target_heights(source, (720, 360)) == expected


def test_a_clip_is_transcoded_to_h264_aac_with_progress_and_a_poster(tmp_path, clips):
    source = clips.get("hd", seconds=2)
    seen = []
    out = tmp_path / "360p.mp4"
    transcoding.transcode(source, out, height=360, duration=2, on_progress=seen.append)
    probe = transcoding.probe(out)
    assert (probe.width, probe.height) == (640, 360)
    assert probe.video_codec == "h264" and probe.has_audio
    report = subprocess.run([transcoding.ffmpeg_exe(), "-hide_banner", "-i", str(out)],
                            capture_output=True, text=True).stderr
    assert "Audio: aac" in report
    assert seen and seen[-1] > 0.9
    poster = tmp_path / "poster.jpg"
    transcoding.make_poster(source, poster, at=1)
    assert poster.read_bytes()[:2] == b"\xff\xd8"


def test_a_conversion_past_its_time_is_stopped_with_a_french_reason(clips, tmp_path, monkeypatch):
    # The limit follows the video's length; here it is made shorter than any real conversion.
    monkeypatch.setattr(transcoding, "TRANSCODE_BASE_SECONDS", 0.2)
    monkeypatch.setattr(transcoding, "TRANSCODE_SECONDS_PER_SECOND", 0)
    source = clips.get("long-for-timeout", seconds=20, width=1280, height=720)
    out = tmp_path / "out.mp4"

    with pytest.raises(transcoding.TranscodeError) as error:
        transcoding.transcode(source, out, height=720, duration=20, preset="veryslow")

    assert "dépassé le temps prévu" in error.value.reason


def test_the_time_allowed_grows_with_the_video():
    assert transcoding.transcode_timeout(3600) > transcoding.transcode_timeout(60) > 60


def test_ffmpeg_stops_when_the_job_is_stopped_mid_conversion(clips, tmp_path):
    import psutil

    source = clips.get("long-for-stop", seconds=20, width=1280, height=720)

    class JobStopped(Exception):
        pass

    def stop(fraction):
        raise JobStopped  # what the job's soft time limit raises in the middle of the loop

    before = {p.pid for p in psutil.process_iter() if "ffmpeg" in p.name()}
    with pytest.raises(JobStopped):
        transcoding.transcode(source, tmp_path / "out.mp4", height=720, duration=20, preset="veryslow",
                              on_progress=stop)

    left = {p.pid for p in psutil.process_iter() if "ffmpeg" in p.name() and p.status() != "zombie"}
    assert left <= before  # no conversion left running
