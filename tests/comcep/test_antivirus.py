"""The antivirus, from the attacker's side: the EICAR test file sent through every upload path
that others can fetch, against a real clamd (tests/clamav.py) loaded with the EICAR signature.
"""

from __future__ import annotations

import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comcep import antivirus
from comcep.models import AuditEvent
from forum.models import Attachment
from privatespace.models import Course, PrivateFile
from resources.models import Resource, Video, VideoState
from tests.clamav import EICAR, SIGNATURE
from tests.conftest import start_worker, stop_worker, wait_until
from tests.privatespace.helpers import PDF_BYTES, png_bytes
from tests.resources.test_videos import upload_data

pytestmark = pytest.mark.django_db(transaction=True)

BLOCKED = f"Ce fichier a été bloqué par l'antivirus (signature {SIGNATURE})\u00a0; il n'a pas été enregistré."
UNAVAILABLE = "L'analyse antivirus est impossible pour le moment"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def text(response) -> str:
    return html.unescape(response.content.decode())


def stored(folder) -> list:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def quarantined(settings) -> list:
    return stored(settings.CLAMAV_QUARANTINE_DIR)


def infected_png() -> bytes:
    # A valid image that Pillow opens, carrying the test virus after its end.
    return png_bytes() + EICAR


def infected_pdf() -> bytes:
    return PDF_BYTES + b"% " + EICAR + b"\n"


def assert_blocked_and_audited(settings, user, where: str) -> None:
    files = quarantined(settings)
    assert len(files) == 1 and EICAR in files[0].read_bytes()
    event = AuditEvent.objects.get(action="antivirus.blocked")
    assert event.actor_id == user.pk  # recorded by account, never by pseudonym
    assert event.data["where"] == where and event.data["signature"] == SIGNATURE
    assert event.data["quarantine"] == files[0].name
    assert user.member.pseudonym not in str(event.data) + event.reason


class TestTheClient:
    def test_clamd_flags_the_test_virus_over_its_unix_socket_and_over_tcp(self, antivirus_on, settings):
        for address in (antivirus_on.unix_address, antivirus_on.tcp_address):
            settings.CLAMAV_ADDRESS = address
            assert antivirus.ping()
            assert antivirus.scan_stream(io.BytesIO(b"hello " + EICAR)) == antivirus.Verdict(
                clean=False, signature=SIGNATURE)
            assert antivirus.scan_stream(io.BytesIO(PDF_BYTES)).clean

    def test_a_file_larger_than_one_chunk_is_streamed_whole(self, antivirus_on):
        big = io.BytesIO(b"\0" * (3 * antivirus.CHUNK + 17) + EICAR)
        assert not antivirus.scan_stream(big).clean

    def test_a_daemon_that_is_gone_is_told_apart_from_a_verdict(self, antivirus_on):
        antivirus_on.kill()
        with pytest.raises(antivirus.ScannerUnavailable):
            antivirus.scan_stream(io.BytesIO(b"x"))
        assert antivirus.status() == "down"

    def test_the_health_check_reports_the_scanner_without_failing_the_site_for_it(
            self, antivirus_on, visitor):
        assert visitor.get("/healthz").json()["antivirus"] == "ok"
        antivirus_on.kill()
        assert visitor.get("/healthz").json()["antivirus"] == "down"


@pytest.fixture
def antivirus_on(scanner, media):
    return scanner


class TestTheEicarFileIsRefusedEverywhere:
    def test_as_a_personal_file(self, antivirus_on, alice, client_for, media, settings):
        response = client_for(alice).post(reverse("privatespace:upload_file"), {
            "upload": SimpleUploadedFile("notes.txt", EICAR, content_type="text/plain")})

        assert response.status_code == 400 and BLOCKED in text(response)
        assert not PrivateFile.objects.exists() and stored(media) == []
        assert_blocked_and_audited(settings, alice, "privatespace.file")

    def test_as_a_course_cover(self, antivirus_on, alice, client_for, media, settings):
        response = client_for(alice).post(reverse("privatespace:create_course"), {
            "title": "L'entretien CEP", "summary": "Trois temps",
            "cover": SimpleUploadedFile("couverture.png", infected_png(), content_type="image/png")})

        assert response.status_code != 500 and BLOCKED in text(response)
        assert not Course.objects.exists() and stored(media) == []
        assert_blocked_and_audited(settings, alice, "privatespace.cover")

    def test_as_a_library_document(self, antivirus_on, alice, client_for, media, settings):
        response = client_for(alice).post(reverse("resources:propose"), {
            "kind": "document", "title": "Fiche pratique", "summary": "Une fiche.",
            "service_level": "all", "public": "all",
            "document_file": SimpleUploadedFile("fiche.pdf", infected_pdf(), content_type="application/pdf")})

        page = text(response)
        assert response.status_code == 200 and BLOCKED in page
        assert 'value="Fiche pratique"' in page  # what was typed is kept
        assert not Resource.objects.exists() and stored(media) == []
        assert_blocked_and_audited(settings, alice, "resources.document")

    def test_as_a_forum_image(self, antivirus_on, alice, client_for, media, settings):
        response = client_for(alice).post(reverse("forum:attachment_upload"), {
            "image": SimpleUploadedFile("dessin.png", infected_png(), content_type="image/png")})

        assert response.status_code == 400 and response.json()["error"] == BLOCKED
        assert not Attachment.objects.exists() and stored(media) == []
        assert_blocked_and_audited(settings, alice, "forum.image")


class TestCleanFilesAndAnAbsentScanner:
    def test_a_clean_file_passes_the_scanner(self, antivirus_on, alice, client_for, media, settings):
        response = client_for(alice).post(reverse("privatespace:upload_file"), {
            "upload": SimpleUploadedFile("grille.pdf", PDF_BYTES, content_type="application/pdf")})

        assert response.status_code == 302
        assert PrivateFile.objects.filter(owner=alice).count() == 1
        assert quarantined(settings) == [] and not AuditEvent.objects.filter(action="antivirus.blocked")

    def test_with_the_daemon_killed_uploads_are_refused_in_french_and_nothing_is_written(
            self, antivirus_on, alice, client_for, media, settings):
        antivirus_on.kill()
        client = client_for(alice)

        personal = client.post(reverse("privatespace:upload_file"), {
            "upload": SimpleUploadedFile("grille.pdf", PDF_BYTES, content_type="application/pdf")})
        image = client.post(reverse("forum:attachment_upload"), {
            "image": SimpleUploadedFile("dessin.png", png_bytes(), content_type="image/png")})
        document = client.post(reverse("resources:propose"), {
            "kind": "document", "title": "Fiche", "summary": "Une fiche.", "service_level": "all",
            "public": "all",
            "document_file": SimpleUploadedFile("fiche.pdf", PDF_BYTES, content_type="application/pdf")})

        assert personal.status_code == 400 and UNAVAILABLE in text(personal)
        assert image.status_code == 400 and UNAVAILABLE in image.json()["error"]
        assert document.status_code == 200 and UNAVAILABLE in text(document)
        assert not PrivateFile.objects.exists() and not Attachment.objects.exists()
        assert not Resource.objects.exists() and stored(media) == [] and quarantined(settings) == []

    def test_with_no_scanner_configured_uploads_still_work(self, alice, client_for, media, settings):
        settings.CLAMAV_ADDRESS = ""
        response = client_for(alice).post(reverse("privatespace:upload_file"), {
            "upload": SimpleUploadedFile("grille.pdf", PDF_BYTES, content_type="application/pdf")})

        assert response.status_code == 302 and PrivateFile.objects.filter(owner=alice).count() == 1
        assert antivirus.status() == "off"


@pytest.fixture
def scanning_worker(antivirus_on, media, tmp_path):
    """A real worker process sharing the test's media folder, database and clamd."""
    running = start_worker(tmp_path / "worker", extra_env={
        "MEDIA_ROOT": str(media), "CLAMAV_ADDRESS": antivirus_on.unix_address})
    yield running
    stop_worker(running)


def small_clip(clips):
    return clips.get("small", seconds=1, width=320, height=240)


@pytest.mark.worker
class TestVideos:
    def test_an_infected_video_fails_with_a_french_reason_and_its_source_is_quarantined(
            self, scanning_worker, alice, client_for, media, settings, tmp_path):
        fake = tmp_path / "sequence.mp4"
        fake.write_bytes(b"\0\0\0\x18ftypmp42" + EICAR)
        response = client_for(alice).post(reverse("resources:upload_video"), upload_data(fake))
        assert response.status_code == 302
        video = Resource.objects.get().video

        wait_until(lambda: Video.objects.get(pk=video.pk).state == VideoState.FAILED, timeout=120,
                   message=scanning_worker.log.read_text()[-3000:])
        video.refresh_from_db()
        assert video.failure_reason.startswith(
            f"Cette vidéo a été bloquée par l'antivirus (signature {SIGNATURE})")
        assert not video.renditions.exists() and not video.poster
        assert stored(media) == []  # the source left the media folder
        assert_blocked_and_audited(settings, alice, "resources.video")
        page = text(client_for(alice).get(Resource.objects.get().get_absolute_url()))
        assert "bloquée par l'antivirus" in page

    def test_a_clean_video_is_scanned_then_transcoded(
            self, scanning_worker, alice, client_for, clips, media, settings):
        client_for(alice).post(reverse("resources:upload_video"), upload_data(small_clip(clips)))
        video = Resource.objects.get().video

        wait_until(lambda: Video.objects.get(pk=video.pk).state in ("ready", "failed"), timeout=120,
                   message=scanning_worker.log.read_text()[-3000:])
        video.refresh_from_db()
        assert video.state == VideoState.READY, video.failure_reason
        assert quarantined(settings) == []

    def test_with_the_daemon_killed_a_video_waits_in_the_queue_and_is_not_failed(
            self, scanning_worker, clamd, alice, client_for, clips, media):
        clamd.kill()
        client_for(alice).post(reverse("resources:upload_video"), upload_data(small_clip(clips)))
        video = Resource.objects.get().video

        wait_until(lambda: "waits for the antivirus" in scanning_worker.log.read_text(), timeout=120,
                   message=scanning_worker.log.read_text()[-3000:])
        video.refresh_from_db()
        assert video.state == VideoState.QUEUED and video.attempts == 0
        assert (media / video.source).is_file() and not video.renditions.exists()
