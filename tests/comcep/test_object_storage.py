"""Media in S3-compatible object storage: a real S3 server (moto's, over HTTP), a real bucket.

The site and the worker both write to the bucket through the storage API; nothing lands on
the local disk. A permitted download is a redirect to a short-lived signed URL of the object
store, which sends the bytes (byte ranges included) under the name and type the site chose;
someone refused gets a 404 and no URL at all.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from django.urls import reverse

from privatespace.models import PrivateFile
from resources.models import Resource, Video, VideoState
from tests.conftest import start_worker, stop_worker, wait_until
from tests.privatespace.helpers import PDF_BYTES, pdf_upload
from tests.resources.test_videos import upload_data

REGION = "eu-west-3"
KEY_ID, SECRET = "comcep-test-key", "comcep-test-secret"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def object_store(tmp_path_factory):
    """moto's S3 server in its own process, on a port of its own."""
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"the S3 server did not start: {log.read_text()[-2000:]}")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@dataclass
class Bucket:
    name: str
    endpoint: str
    client: object
    media_root: Path

    def keys(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def body(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def acl_grants(self, key: str) -> list:
        return self.client.get_object_acl(Bucket=self.name, Key=key)["Grants"]

    def options(self, **overrides) -> dict:
        return {"bucket_name": self.name, "endpoint_url": self.endpoint, "access_key": KEY_ID,
                "secret_key": SECRET, "region_name": REGION, **overrides}

    def worker_env(self) -> dict:
        return {"MEDIA_S3_BUCKET": self.name, "MEDIA_S3_ENDPOINT_URL": self.endpoint,
                "MEDIA_S3_ACCESS_KEY_ID": KEY_ID, "MEDIA_S3_SECRET_ACCESS_KEY": SECRET,
                "MEDIA_S3_REGION": REGION, "MEDIA_ROOT": str(self.media_root)}


def use_bucket(settings, bucket: Bucket, **options) -> None:
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "comcep.object_storage.ObjectStorage", "OPTIONS": bucket.options(**options)}}


@pytest.fixture
def bucket(object_store, settings, tmp_path):
    """A new bucket, the default storage pointed at it, and an empty MEDIA_ROOT to watch."""
    client = boto3.client("s3", endpoint_url=object_store, aws_access_key_id=KEY_ID,
                          aws_secret_access_key=SECRET, region_name=REGION)
    name = f"comcep-media-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    media_root = tmp_path / "media"
    media_root.mkdir()
    settings.MEDIA_ROOT = media_root
    settings.MEDIA_ACCEL_REDIRECT = "/_media/"  # as deployed: the object store still takes over
    made = Bucket(name, object_store, client, media_root)
    use_bucket(settings, made)
    return made


def files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def fetch(url: str, headers: dict | None = None):
    """GET an absolute URL outside the test client, as the browser does after the redirect."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}),
                                    timeout=20) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def upload_private_file(client, name="grille-entretien.pdf") -> PrivateFile:
    response = client.post(reverse("privatespace:upload_file"), {"upload": pdf_upload(name)})
    assert response.status_code in (200, 302), response.content[:500]
    return PrivateFile.objects.get()


def test_the_environment_chooses_a_private_bucket_and_the_pages_policy_allows_its_origin(
        django_db_setup):
    from tests.comcep.test_settings import run_manage

    show = ("import json\n"
            "from django.conf import settings as s\n"
            "from django.core.files.storage import storages\n"
            "d = storages['default']\n"
            "p = s.CONTENT_SECURITY_POLICY['DIRECTIVES']\n"
            "print(json.dumps([type(d).__name__] + [getattr(d, name, None) for name in ("
            "'bucket_name', 'default_acl', 'querystring_auth', 'querystring_expire', "
            "'file_overwrite')] + [p['img-src'], p['media-src'], p['script-src']]))\n")
    result = run_manage("shell", "-c", show, env_overrides={
        "MEDIA_S3_BUCKET": "comcep-media", "MEDIA_S3_ENDPOINT_URL": "https://s3.example.net:9000",
        "MEDIA_S3_ACCESS_KEY_ID": KEY_ID, "MEDIA_S3_SECRET_ACCESS_KEY": SECRET,
        "MEDIA_S3_REGION": REGION, "MEDIA_S3_URL_EXPIRY": "120"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        "ObjectStorage", "comcep-media", "private", True, 120, False,
        ["'self'", "https://s3.example.net:9000"],
        ["'self'", "blob:", "https://s3.example.net:9000"], ["'self'"]]

    # Without a bucket: the local disk, and the pages' policy as it was.
    result = run_manage("shell", "-c", show, env_overrides={"MEDIA_S3_BUCKET": ""})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        "MediaStorage", None, None, None, None, None, ["'self'"], ["'self'", "blob:"], ["'self'"]]


@pytest.mark.django_db
class TestPrivateFiles:
    def test_an_upload_is_a_private_object_of_the_bucket_and_nothing_is_on_the_disk(
            self, bucket, alice, client_for):
        private_file = upload_private_file(client_for(alice))

        assert bucket.keys() == [private_file.file.name]
        assert bucket.body(private_file.file.name) == PDF_BYTES
        assert "grille" not in private_file.file.name  # stored under a name of its own
        # Only the owner of the bucket's account holds a grant: no public read.
        grants = bucket.acl_grants(private_file.file.name)
        assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
        assert all("URI" not in g["Grantee"] for g in grants)
        assert files_under(bucket.media_root) == []

    def test_the_owner_is_redirected_to_a_signed_url_that_sends_the_file_under_its_name(
            self, bucket, alice, client_for):
        private_file = upload_private_file(client_for(alice))

        response = client_for(alice).get(private_file.download_url)

        assert response.status_code == 302
        assert "X-Accel-Redirect" not in response  # not a file of the local disk
        location = response["Location"]
        signed = urllib.parse.urlsplit(location)
        assert f"{signed.scheme}://{signed.netloc}" == bucket.endpoint
        query = urllib.parse.parse_qs(signed.query)
        assert {"X-Amz-Signature", "X-Amz-Expires", "X-Amz-Credential"} <= set(query)
        assert query["response-content-disposition"] == ['attachment; filename="grille-entretien.pdf"']
        assert "no-store" in response["Cache-Control"]  # the view's, kept as it is

        status, headers, body = fetch(location)
        assert status == 200 and body == PDF_BYTES
        assert headers["Content-Disposition"] == 'attachment; filename="grille-entretien.pdf"'
        assert headers["Content-Type"] == "application/pdf"

    def test_another_member_gets_a_404_and_no_url(self, bucket, alice, bob, client_for):
        private_file = upload_private_file(client_for(alice))

        response = client_for(bob).get(private_file.download_url)

        assert response.status_code == 404
        assert "Location" not in response
        page = response.content.decode()
        assert bucket.endpoint not in page and bucket.name not in page
        assert "X-Amz-Signature" not in page

    def test_the_signed_url_is_signed_for_its_expiry_and_never_cached_past_it(
            self, bucket, settings, alice, client_for):
        use_bucket(settings, bucket, querystring_expire=1)
        private_file = upload_private_file(client_for(alice))

        response = client_for(alice).get(private_file.download_url)

        query = urllib.parse.parse_qs(urllib.parse.urlsplit(response["Location"]).query)
        assert query["X-Amz-Expires"] == ["1"]
        assert "no-store" in response["Cache-Control"]
        assert fetch(response["Location"])[0] == 200  # fresh: it works


@pytest.mark.django_db
class TestAnObjectStoreThatDoesNotAnswer:
    """Nothing listens where the bucket should be: the member is told in French, and nothing
    is kept, neither a row nor a quota used."""

    @pytest.fixture
    def store_down(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path / "media"
        settings.MEDIA_ROOT.mkdir()
        down = Bucket("comcep-media", f"http://127.0.0.1:{_free_port()}", None, settings.MEDIA_ROOT)
        use_bucket(settings, down)
        return down

    def test_a_personal_file_is_refused_with_a_message_and_nothing_is_kept(
            self, store_down, alice, client_for):
        response = client_for(alice).post(reverse("privatespace:upload_file"),
                                          {"upload": pdf_upload()})

        assert response.status_code == 400
        assert "Le stockage des fichiers ne répond pas" in response.content.decode().replace(
            "&#x27;", "'")
        assert not PrivateFile.objects.exists()
        assert PrivateFile.objects.used_bytes(alice) == 0
        assert files_under(store_down.media_root) == []

    def test_a_video_is_refused_with_a_message_and_no_resource_is_left(
            self, store_down, alice, client_for, clips):
        response = client_for(alice).post(reverse("resources:upload_video"),
                                          upload_data(clips.get("hd", seconds=2)))

        assert response.status_code == 400
        assert "Le stockage des fichiers ne répond pas" in response.content.decode().replace(
            "&#x27;", "'")
        assert not Resource.objects.exists() and not Video.objects.exists()
        assert files_under(store_down.media_root) == []


@pytest.mark.django_db
class TestDeletion:
    def test_a_deleted_file_leaves_the_bucket_and_no_one_else_can_delete_it(
            self, bucket, alice, bob, client_for, django_capture_on_commit_callbacks):
        private_file = upload_private_file(client_for(alice))
        url = reverse("privatespace:delete_file", args=[private_file.key])

        with django_capture_on_commit_callbacks(execute=True):
            assert client_for(bob).post(url).status_code == 404
        assert bucket.keys() == [private_file.file.name]

        with django_capture_on_commit_callbacks(execute=True):
            client_for(alice).post(url)
        assert bucket.keys() == []

    def test_a_withdrawn_video_proposal_takes_every_object_of_its_video_with_it(
            self, bucket, alice, bob, clips, tmp_path, django_capture_on_commit_callbacks):
        from django.core.exceptions import PermissionDenied

        from resources import services
        from tests.resources.factories import ResourceFactory

        resource = ResourceFactory(kind="video", proposed_by=alice, status="proposed",
                                   published_at=None)
        clip = clips.get("small", seconds=1, width=320, height=240)
        video = services.attach_video(resource, clip, original_size=clip.stat().st_size,
                                      queue=False)
        assert clip.is_file()  # the caller's file is left to the caller
        assert services.process_video(video.pk) == "ready"  # in this process, from the bucket
        video.refresh_from_db()
        assert len(bucket.keys()) == 4  # source, one rendition (240p), poster, thumbnail

        with pytest.raises(PermissionDenied):
            services.withdraw_proposal(resource, actor=bob)
        assert len(bucket.keys()) == 4

        with django_capture_on_commit_callbacks(execute=True):
            assert services.withdraw_proposal(resource, actor=alice)
        assert bucket.keys() == []
        assert files_under(bucket.media_root) == []


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_video_processed_by_the_worker_lives_in_the_bucket_and_plays_from_it(
        bucket, tmp_path, client_for, alice, clips):
    import tempfile

    from django.db import connection

    worker = start_worker(tmp_path / "worker", extra_env=bucket.worker_env())
    try:
        client = client_for(alice)
        response = client.post(reverse("resources:upload_video"),
                               upload_data(clips.get("hd", seconds=2)))
        assert response.status_code == 302
        video = Resource.objects.get().video
        assert bucket.keys() == [video.source]  # stored by the site, before the job
        wait_until(lambda: Video.objects.get(pk=video.pk).state in ("ready", "failed"),
                   timeout=120, message=worker.log.read_text()[-3000:])
    finally:
        stop_worker(worker)

    video = Video.objects.get(pk=video.pk)
    assert video.state == VideoState.READY, video.failure_detail
    renditions = list(video.renditions.all())
    assert [r.height for r in renditions] == [360, 720]
    assert set(bucket.keys()) == {video.source, video.poster, video.thumbnail,
                                  *(r.path for r in renditions)}
    assert bucket.body(video.poster)[:3] == b"\xff\xd8\xff"  # a JPEG
    assert bucket.body(video.thumbnail)[8:12] == b"WEBP"
    for rendition in renditions:
        assert bucket.body(rendition.path)[4:8] == b"ftyp" and rendition.size > 0
    assert files_under(bucket.media_root) == []
    # The worker's local copies are gone.
    prefix = f"comcep-video-{connection.settings_dict['NAME']}-{video.pk}-"
    assert list(Path(tempfile.gettempdir()).glob(f"{prefix}*")) == []

    resource = video.resource
    page = client.get(resource.get_absolute_url()).content.decode()
    assert "<video" in page and "720p.mp4" in page

    response = client.get(reverse("resources:media", args=[resource.pk, "720p.mp4"]))
    assert response.status_code == 302
    assert response["Location"].startswith(bucket.endpoint + "/")
    # The view lets the browser keep the file an hour; the redirect lives half its URL's life.
    assert response["Cache-Control"] == "private, max-age=150"
    status, headers, body = fetch(response["Location"], {"Range": "bytes=0-99"})
    assert status == 206 and len(body) == 100
    assert headers["Content-Type"] == "video/mp4"
    assert headers["Content-Range"].startswith("bytes 0-99/")
    status, _headers, whole = fetch(response["Location"])
    assert status == 200 and whole[:100] == body

    poster = client.get(reverse("resources:media", args=[resource.pk, "poster.jpg"]))
    assert poster.status_code == 302 and fetch(poster["Location"])[2][:3] == b"\xff\xd8\xff"
