"""Files leave the Python processes: nginx sends them after Django's permission check.

The deployment's own nginx configuration runs in front of the live server, which answers
with ``X-Accel-Redirect`` (MEDIA_ACCEL_REDIRECT); nginx then sends the bytes, byte ranges
included, with the upload policy. From the side of another member and of a visitor who
tries the internal address directly.
"""

from __future__ import annotations

import http.client

import pytest
from django.conf import settings as django_settings

from tests.nginx import start_nginx, stop_nginx, upstream_of
from tests.privatespace.factories import make_file
from tests.privatespace.helpers import PDF_BYTES

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def through_nginx(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.MEDIA_ACCEL_REDIRECT = "/_media/"
    port, process = start_nginx(tmp_path / "nginx", upstream=upstream_of(live_server),
                                media_root=settings.MEDIA_ROOT)
    yield port
    stop_nginx(process)


def get(port: int, path: str, *, session: str | None = None, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    all_headers = {"Host": "localhost", **(headers or {})}
    if session:
        all_headers["Cookie"] = f"{django_settings.SESSION_COOKIE_NAME}={session}"
    connection.request("GET", path, headers=all_headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def session_of(client) -> str:
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def test_nginx_sends_a_private_file_to_its_owner_with_the_upload_policy(
        through_nginx, alice, client_for):
    private_file = make_file(alice)

    response, body = get(through_nginx, private_file.download_url, session=session_of(client_for(alice)))

    assert response.status == 200
    assert body == PDF_BYTES
    assert response.getheader("Server", "").startswith("nginx")
    assert response.getheader("X-Accel-Redirect") is None  # consumed by nginx, never shown
    assert response.getheader("Content-Type") == "application/pdf"
    assert response.getheader("Content-Disposition").startswith("attachment;")
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Content-Security-Policy").startswith("sandbox;")


def test_nginx_answers_byte_ranges_for_the_owner(through_nginx, alice, client_for):
    private_file = make_file(alice)

    response, body = get(through_nginx, private_file.download_url,
                         session=session_of(client_for(alice)), headers={"Range": "bytes=4-11"})

    assert response.status == 206
    assert body == PDF_BYTES[4:12]
    assert response.getheader("Content-Range") == f"bytes 4-11/{len(PDF_BYTES)}"


def test_another_member_is_refused_before_nginx_reads_anything(through_nginx, alice, bob, client_for):
    private_file = make_file(alice)

    response, body = get(through_nginx, private_file.download_url, session=session_of(client_for(bob)))

    assert response.status == 404
    assert PDF_BYTES not in body


def test_the_internal_address_cannot_be_fetched_from_outside(through_nginx, alice, client_for):
    private_file = make_file(alice)

    for session in (None, session_of(client_for(alice))):
        response, body = get(through_nginx, f"/_media/{private_file.file.name}", session=session)
        assert response.status == 404
        assert PDF_BYTES not in body


def test_without_the_setting_python_streams_the_file(alice, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_ACCEL_REDIRECT = ""
    private_file = make_file(alice)

    response = client_for(alice).get(private_file.download_url)

    assert "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_with_the_setting_django_hands_over_only_files_of_the_media_folder(alice, client_for, settings,
                                                                           tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_ACCEL_REDIRECT = "/_media/"
    private_file = make_file(alice)

    response = client_for(alice).get(private_file.download_url)

    assert response["X-Accel-Redirect"] == f"/_media/{private_file.file.name}"
    assert response.content == b""
