"""Videos: streamed upload, the worker's job with real ffmpeg, failures, a killed worker."""

from __future__ import annotations

import os
import shutil
import signal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from resources import services, transcoding
from resources.models import Caption, Kind, Resource, Video, VideoState
from tests.conftest import start_worker, stop_worker, wait_until
from tests.resources.factories import ResourceFactory

UPLOAD = reverse("resources:upload_video")


def upload_data(path, **overrides) -> dict:
    data = {"kind": "video", "title": "Séquence : le premier entretien", "summary": "Une mise en situation.",
            "service_level": "1", "public": "all", "tags_text": "entretien",
            "video_file": SimpleUploadedFile(path.name, path.read_bytes(), content_type="video/mp4")}
    return {**data, **overrides}


def state_of(video_id: int) -> Video:
    return Video.objects.get(pk=video_id)


@pytest.mark.worker
class TestThePipeline:
    def test_an_uploaded_clip_is_processed_by_the_worker_and_plays(
        self, video_worker, client_for, alice, bob, clips, media_root
    ):
        client = client_for(alice)
        response = client.post(UPLOAD, upload_data(clips.get("hd", seconds=2)))
        assert response.status_code == 302
        resource = Resource.objects.get()
        assert resource.kind == Kind.VIDEO and resource.status == "proposed"
        video = resource.video
        assert (media_root / video.source).is_file()  # the streamed upload, moved in place

        wait_until(lambda: state_of(video.pk).state in ("ready", "failed"), timeout=120,
                   message=video_worker.log.read_text()[-3000:])
        video = state_of(video.pk)
        assert video.state == VideoState.READY, video.failure_detail
        assert video.progress == 100 and video.duration == pytest.approx(2, abs=0.2)
        assert (video.width, video.height) == (1280, 720)
        assert [r.height for r in video.renditions.all()] == [360, 720]
        for rendition in video.renditions.all():
            probe = transcoding.probe(media_root / rendition.path)
            assert probe.height == rendition.height and probe.video_codec == "h264"
        assert (media_root / video.poster).is_file()
        assert not list((media_root / video.folder).glob("*.part"))

        page = client.get(resource.get_absolute_url()).content.decode()
        assert "<video" in page and "720p.mp4" in page and "360p.mp4" in page
        assert "Traitement en cours" not in page

        rendition_url = reverse("resources:media", args=[resource.pk, "720p.mp4"])
        ranged = client.get(rendition_url, HTTP_RANGE="bytes=0-99")
        assert ranged.status_code == 206 and len(b"".join(ranged.streaming_content)) == 100
        assert ranged["Content-Type"] == "video/mp4"
        # A proposal's files are for its proposer and the moderators only.
        assert client_for(bob).get(rendition_url).status_code == 404

    def test_a_corrupt_file_fails_cleanly_with_its_reason(self, video_worker, client_for, alice,
                                                          clips, tmp_path):
        data = clips.get("hd", seconds=2).read_bytes()
        corrupt = tmp_path / "corrompue.mp4"
        corrupt.write_bytes(data[: len(data) // 3])
        client = client_for(alice)
        client.post(UPLOAD, upload_data(corrupt))
        video = Video.objects.get()
        wait_until(lambda: state_of(video.pk).state in ("ready", "failed"), timeout=60)
        video = state_of(video.pk)
        assert video.state == VideoState.FAILED
        assert video.failure_reason == "Le fichier n'est pas une vidéo lisible."
        assert not video.renditions.exists()
        page = client.get(video.resource.get_absolute_url()).content.decode()
        assert "Le traitement de la vidéo a échoué" in page and "<video" not in page

    def test_a_worker_killed_mid_transcode_leaves_nothing_half_written_and_the_next_one_finishes(
        self, transactional_db, tmp_path, media_root, client_for, alice, clips
    ):
        source = clips.get("long", seconds=30)
        resource = ResourceFactory(kind=Kind.VIDEO, status="published", title="Longue séquence")
        copy = tmp_path / "upload.mp4"
        shutil.copyfile(source, copy)
        first = start_worker(tmp_path / "first", extra_env={"MEDIA_ROOT": str(media_root)})
        try:
            video = services.attach_video(resource, copy, original_size=source.stat().st_size)
            # 360p is made first; kill the worker while it writes the 720p rendition.
            wait_until(lambda: state_of(video.pk).progress >= 55, timeout=120, interval=0.05,
                       message=first.log.read_text()[-3000:])
            os.kill(first.process.pid, signal.SIGKILL)
            first.process.wait(timeout=10)
        finally:
            if first.process.poll() is None:
                first.process.kill()

        killed = state_of(video.pk)
        assert killed.state == VideoState.PROCESSING and killed.progress < 100
        assert [r.height for r in killed.renditions.all()] == [360]  # 720p was half-written
        page = client_for(alice).get(resource.get_absolute_url()).content.decode()
        assert "360p.mp4" in page and "720p.mp4" not in page  # playable already, 720p not shown
        assert "Traitement en cours" in page
        assert client_for(alice).get(
            reverse("resources:media", args=[resource.pk, "720p.mp4"])).status_code == 404

        wait_until(lambda: not services.is_video_locked(video.pk), timeout=20)
        second = start_worker(tmp_path / "second", extra_env={"MEDIA_ROOT": str(media_root)})
        try:
            # The new worker sweeps for stalled videos as it starts (beat does it every minute too).
            wait_until(lambda: state_of(video.pk).state in ("ready", "failed"), timeout=180,
                       message=second.log.read_text()[-3000:])
        finally:
            stop_worker(second)
        video = state_of(video.pk)
        assert video.state == VideoState.READY and video.attempts == 2
        assert [r.height for r in video.renditions.all()] == [360, 720]
        for rendition in video.renditions.all():
            assert transcoding.probe(media_root / rendition.path).duration == pytest.approx(30, abs=0.5)
        assert not list((media_root / video.folder).glob("*.part"))


@pytest.mark.django_db
class TestLimits:
    def test_a_file_that_is_not_a_video_by_name_is_refused_before_processing(
        self, client_for, alice, media_root, tmp_path
    ):
        text = tmp_path / "notes.txt"
        text.write_text("bonjour")
        response = client_for(alice).post(UPLOAD, upload_data(text))
        assert response.status_code == 400
        assert "n'est pas une vidéo acceptée" in response.content.decode().replace("&#x27;", "'")
        assert not Video.objects.exists()

    def test_a_file_over_the_size_limit_is_refused_while_it_streams(self, client_for, alice,
                                                                    media_root, clips, settings):
        # The declared length is within the margin: the upload handler stops reading.
        settings.RESOURCES_VIDEO_MAX_BYTES = 10_000
        response = client_for(alice).post(UPLOAD, upload_data(clips.get("hd", seconds=2)))
        assert response.status_code == 400
        assert not Video.objects.exists()

    def test_a_request_declaring_more_than_the_limit_is_refused_before_reading(
        self, client_for, alice, media_root, settings, tmp_path
    ):
        settings.RESOURCES_VIDEO_MAX_BYTES = 10_000
        big = tmp_path / "grosse.mp4"
        big.write_bytes(os.urandom(1_200_000))
        response = client_for(alice).post(UPLOAD, upload_data(big))
        assert response.status_code == 413
        assert "dépasse la taille maximale" in response.content.decode()
        assert not Video.objects.exists()

    def test_a_video_over_the_duration_limit_fails_with_its_reason(self, alice, media_root, clips,
                                                                   settings, tmp_path):
        settings.RESOURCES_VIDEO_MAX_SECONDS = 1
        resource = ResourceFactory(kind=Kind.VIDEO)
        copy = tmp_path / "clip.mp4"
        shutil.copyfile(clips.get("hd", seconds=2), copy)
        video = services.attach_video(resource, copy, original_size=1)
        assert services.process_video(video.pk) == "failed"
        video.refresh_from_db()
        assert "durée maximale" in video.failure_reason

    def test_the_sweep_finds_a_video_whose_job_died_but_not_one_being_processed(
        self, media_root
    ):
        from django.db import connections

        from resources.services import _video_lock

        dead = Video.objects.create(resource=ResourceFactory(kind=Kind.VIDEO),
                                    state=VideoState.PROCESSING)
        alive = Video.objects.create(resource=ResourceFactory(kind=Kind.VIDEO),
                                     state=VideoState.PROCESSING)
        other = connections.create_connection("default")  # another job's session holds the lock
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s, %s), pg_backend_pid()",
                               [services._LOCK_CLASS, alive.pk])
                other_pid = cursor.fetchone()[1]
            assert services.stalled_video_ids() == [dead.pk]
        finally:
            other.close()
        _wait_until_session_ends(other_pid)  # the server ends a closed session a moment later
        with _video_lock(alive.pk) as locked:
            assert locked  # released with the session that held it

    def test_a_finished_job_run_again_changes_nothing(self, alice, media_root, clips, tmp_path):
        resource = ResourceFactory(kind=Kind.VIDEO)
        copy = tmp_path / "clip.mp4"
        shutil.copyfile(clips.get("small", seconds=1, width=320, height=240), copy)
        video = services.attach_video(resource, copy, original_size=1)
        assert services.process_video(video.pk) == "ready"
        assert [r.height for r in video.renditions.all()] == [240]  # never upscaled to 360
        assert services.process_video(video.pk) == "nothing to do"
        assert state_of(video.pk).attempts == 1


VTT = b"WEBVTT\n\n00:00.000 --> 00:01.500\nBonjour et bienvenue.\n\n00:01.500 --> 00:02.000\nFin.\n"


@pytest.mark.django_db
class TestCaptionsAndChapters:
    @pytest.fixture
    def ready_video(self, alice, media_root, clips, tmp_path):
        resource = ResourceFactory(kind=Kind.EXPERT, proposed_by=alice, status="proposed",
                                   published_at=None)
        copy = tmp_path / "clip.mp4"
        shutil.copyfile(clips.get("small", seconds=1, width=320, height=240), copy)
        video = services.attach_video(resource, copy, original_size=1)
        services.process_video(video.pk)
        return video

    def test_captions_are_offered_by_the_player(self, client_for, alice, ready_video):
        client = client_for(alice)
        url = reverse("resources:add_caption", args=[ready_video.resource.pk])
        client.post(url, {"language": "fr", "file": SimpleUploadedFile("s.vtt", VTT)})
        assert Caption.objects.filter(video=ready_video, language="fr").exists()
        page = client.get(ready_video.resource.get_absolute_url()).content.decode()
        assert '<track kind="subtitles" srclang="fr"' in page
        track = client.get(reverse("resources:media", args=[ready_video.resource.pk, "captions-fr.vtt"]))
        assert b"".join(track.streaming_content).startswith(b"WEBVTT")
        assert track["Content-Type"].startswith("text/vtt")

    @pytest.mark.parametrize("content", [
        b"Bonjour\n\n00:00.000 --> 00:01.000\nSans signature.\n",
        b"WEBVTT\n\n00:00 --> 00:01\nHorodatage faux.\n",
        b"WEBVTT\n\n",
        "WEBVTT\n\n00:00.000 --> 00:01.000\nÉté\n".encode("latin-1"),
    ])
    def test_an_invalid_webvtt_file_is_refused(self, client_for, alice, ready_video, content):
        url = reverse("resources:add_caption", args=[ready_video.resource.pk])
        client_for(alice).post(url, {"language": "fr", "file": SimpleUploadedFile("s.vtt", content)})
        assert not Caption.objects.exists()

    def test_another_member_cannot_add_captions(self, client_for, bob, ready_video):
        url = reverse("resources:add_caption", args=[ready_video.resource.pk])
        response = client_for(bob).post(url, {"language": "fr", "file": SimpleUploadedFile("s.vtt", VTT)})
        assert response.status_code == 404
        assert not Caption.objects.exists()

    def test_chapters_split_a_long_talk_and_a_link_starts_at_a_time(self, client_for, alice,
                                                                    ready_video):
        client = client_for(alice)
        client.post(reverse("resources:set_chapters", args=[ready_video.resource.pk]),
                    {"chapters": "1:30 Le cadre légal\n0:00 Introduction\n1:02:03 Questions"})
        assert [(c.title, c.start) for c in ready_video.chapters.all()] == [
            ("Introduction", 0), ("Le cadre légal", 90), ("Questions", 3723)]
        page = client.get(ready_video.resource.get_absolute_url() + "?t=90").content.decode()
        assert 'data-start="90"' in page and "1:30 — Le cadre légal" in page


@pytest.mark.django_db
class TestStateAndRetry:
    @pytest.fixture
    def failed_video(self, alice, media_root, tmp_path):
        resource = ResourceFactory(kind=Kind.VIDEO, proposed_by=alice)
        bad = tmp_path / "bad.mp4"
        bad.write_bytes(b"\x00" * 2048)
        video = services.attach_video(resource, bad, original_size=2048, queue=False)
        services.process_video(video.pk)
        return state_of(video.pk)

    def test_a_member_cannot_restart_a_failed_video(self, client_for, alice, failed_video):
        url = reverse("resources:retry_video", args=[failed_video.resource.pk])
        assert client_for(alice).post(url).status_code == 403
        assert state_of(failed_video.pk).state == VideoState.FAILED

    def test_a_moderator_restarts_a_failed_video(self, client_for, mod, failed_video):
        url = reverse("resources:retry_video", args=[failed_video.resource.pk])
        assert client_for(mod).post(url).status_code == 302
        video = state_of(failed_video.pk)
        assert video.state == VideoState.QUEUED and video.attempts == 0 and not video.failure_reason

    def test_the_progress_poll_swaps_in_the_player_once_the_first_rendition_is_ready(
        self, client_for, alice, media_root
    ):
        from resources.models import VideoRendition

        resource = ResourceFactory(kind=Kind.VIDEO)
        video = Video.objects.create(resource=resource, state=VideoState.PROCESSING, progress=42)
        client = client_for(alice)
        poll = reverse("resources:video_status", args=[resource.pk])
        response = client.get(poll, {"shown": "0"})
        assert "Traitement en cours : 42 %" in response.content.decode()
        assert "HX-Retarget" not in response and "<video" not in response.content.decode()

        (media_root / video.folder).mkdir(parents=True)
        (media_root / video.folder / "360p.mp4").write_bytes(b"x")
        VideoRendition.objects.create(video=video, height=360, path=f"{video.folder}/360p.mp4")
        response = client.get(poll, {"shown": "0"})
        assert response["HX-Retarget"] == "#video-block" and "<video" in response.content.decode()
        assert "HX-Retarget" not in client.get(poll, {"shown": "1"})


def _wait_until_session_ends(pid: int, timeout: float = 5.0) -> None:
    import time

    from django.db import connection

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone() is None:
                return
        time.sleep(0.02)


@pytest.mark.django_db
def test_a_job_past_its_time_limit_fails_the_video_with_a_french_reason_and_can_be_retried(
        monkeypatch, settings):
    from celery.exceptions import SoftTimeLimitExceeded

    from resources import services, tasks

    video = Video.objects.create(resource=ResourceFactory(kind=Kind.VIDEO), state=VideoState.PROCESSING)

    def past_its_time(video_id):
        raise SoftTimeLimitExceeded()  # what Celery raises in the job at its soft limit

    monkeypatch.setattr(services, "process_video", past_its_time)
    assert tasks.process_video.run(video.pk) == "failed"

    video.refresh_from_db()
    assert video.state == VideoState.FAILED
    assert "dépassé le temps prévu" in video.failure_reason
    assert tasks.process_video.soft_time_limit == settings.RESOURCES_VIDEO_JOB_SECONDS
    assert tasks.process_video.time_limit > tasks.process_video.soft_time_limit
