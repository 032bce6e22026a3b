"""A request declaring a body larger than its route accepts is refused before it is read.

From the side of a hostile visitor who declares 5 GiB: the real nginx of the deployment
answers 413 with its French page without waiting for the body, Django answers the same when
reached directly, and the proxy's limits are exactly Django's, route by route.
"""

from __future__ import annotations

import re
import socket
import uuid

import crossplane
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from comcep import body_limits
from tests.nginx import ERROR_PAGES, NGINX_CONF, start_nginx, stop_nginx, upstream_of

FIVE_GIB = 5 * 1024**3
FRENCH_413 = "Envoi trop volumineux"

# Sample values for the converters of the project's routes, to reach every one.
SAMPLES = {"int": "7", "slug": "exemple", "str": "exemple", "path": "exemple",
           "uuid": str(uuid.UUID(int=7))}


# --- Reading the nginx configuration --------------------------------------------------

def _size(value: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    suffix = value[-1].lower()
    return int(value[:-1]) * units[suffix] if suffix in units else int(value)


def _server_block() -> list[dict]:
    payload = crossplane.parse(str(NGINX_CONF), single=True, check_ctx=False)
    assert payload["status"] == "ok", payload["errors"]
    (server,) = [d for d in payload["config"][0]["parsed"] if d["directive"] == "server"]
    return server["block"]


def _body_size(block: list[dict], default: int) -> int:
    sizes = [_size(d["args"][0]) for d in block if d["directive"] == "client_max_body_size"]
    return sizes[0] if sizes else default


def nginx_limit_for(path: str) -> int:
    """The client_max_body_size nginx applies to ``path``, chosen as nginx chooses a location:
    an exact match first, then the first regular expression that matches, then the longest prefix."""
    server = _server_block()
    default = _body_size(server, 1024**2)
    locations = [d for d in server if d["directive"] == "location"]
    for location in locations:
        if location["args"][0] == "=" and location["args"][1] == path:
            return _body_size(location["block"], default)
    for location in locations:
        if location["args"][0] in ("~", "~*") and re.search(location["args"][1], path):
            return _body_size(location["block"], default)
    prefixes = [loc for loc in locations if len(loc["args"]) == 1 and path.startswith(loc["args"][0])]
    best = max(prefixes, key=lambda loc: len(loc["args"][0]))
    return _body_size(best["block"], default)


def every_route_path(resolver=None, prefix="", namespace=""):
    """(URL name, a path of it) for every route of the project that a sample reaches."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from every_route_path(entry, prefix, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            converters = getattr(entry.pattern, "converters", {})
            kwargs = {name: SAMPLES.get(type(conv).__name__.removesuffix("Converter").lower(), "7")
                      for name, conv in converters.items()}
            try:
                yield f"{namespace}{entry.name}", reverse(f"{namespace}{entry.name}", kwargs=kwargs)
            except Exception:  # noqa: S112 - a pattern a sample cannot fill (regular expressions)
                continue


def _sample_path(url_name: str) -> str:
    """A path of the route ``url_name``, its parameters filled with samples."""
    return dict(every_route_path())[url_name]


# --- The proxy and Django agree --------------------------------------------------------

def test_the_proxy_limits_each_upload_route_exactly_as_django_does(db):
    for limit in body_limits.route_limits():
        path = _sample_path(limit.url_name)

        assert nginx_limit_for(path) == limit.body_bytes == body_limits.body_limit_for(path), \
            limit.url_name


def test_every_other_route_takes_only_an_ordinary_form_at_the_proxy(db):
    uploads = {limit.url_name for limit in body_limits.route_limits()}
    checked = 0
    for name, path in every_route_path():
        if name in uploads:
            continue
        assert nginx_limit_for(path) == body_limits.default_bytes() == body_limits.body_limit_for(path), \
            name
        checked += 1

    assert checked > 50


def test_the_proxy_413_page_states_the_limits_django_states():
    page = (ERROR_PAGES / "413.html").read_text().replace("&nbsp;", "\u00a0")

    assert FRENCH_413 in page
    assert body_limits.human_size(body_limits.default_bytes()) in page
    for limit in body_limits.route_limits():
        assert f"{limit.what}\u00a0: {body_limits.human_size(limit.file_bytes)}" in page
    # A strict Content-Security-Policy allows no inline style or script.
    assert "<style" not in page and "style=" not in page and "<script" not in page


# --- Raw HTTP ------------------------------------------------------------------------

def send_headers(port: int, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> str:
    """Send a request's head (and ``body``, if any) and return the response, as soon as it
    has come, without ever sending more of the body than given."""
    lines = [f"{method} {path} HTTP/1.1", "Host: localhost", "Connection: close",
             *(f"{k}: {v}" for k, v in headers.items())]
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        received = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += chunk
            head, _, rest = received.partition(b"\r\n\r\n")
            length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            if length and len(rest) >= int(length.group(1)):
                break
    return received.decode("utf-8", "replace")


def status_of(response: str) -> int:
    return int(response.split(" ", 2)[1])


def csrf_cookie(port: int) -> str:
    response = send_headers(port, "GET", "/", {})
    return re.search(r"(?im)^set-cookie: csrftoken=([^;]+)", response).group(1)


def form_post_headers(token: str, length: int, content_type="application/x-www-form-urlencoded"):
    return {"Content-Type": content_type, "Content-Length": str(length),
            "Cookie": f"csrftoken={token}", "Referer": "http://localhost/"}


# --- Django as the second line ----------------------------------------------------------

def test_django_refuses_a_declared_5_gib_form_in_french_without_reading_it(live_server):
    port = int(live_server.url.rsplit(":", 1)[1])

    response = send_headers(port, "POST", "/candidature/",
                            form_post_headers("x" * 32, FIVE_GIB))

    assert status_of(response) == 413
    assert FRENCH_413 in response
    assert "1\u00a0Mo" in response


def test_django_refuses_a_video_declared_larger_than_the_video_limit(live_server):
    port = int(live_server.url.rsplit(":", 1)[1])

    response = send_headers(port, "POST", "/ressources/proposer/video/",
                            form_post_headers("x" * 32, FIVE_GIB, "multipart/form-data; boundary=b"))

    assert status_of(response) == 413
    assert FRENCH_413 in response
    assert "2\u00a0Go" in response


def test_django_lets_an_upload_route_take_more_than_an_ordinary_form(client, alice):
    client.force_login(alice)
    three_mb = b"x" * (3 * 1024**2)

    refused = client.post("/candidature/", data=three_mb, content_type="application/octet-stream")
    accepted = client.post("/forum/images/", data=three_mb, content_type="application/octet-stream")

    assert refused.status_code == 413
    assert accepted.status_code != 413


# --- The real nginx in front -----------------------------------------------------------

@pytest.fixture
def nginx(live_server, tmp_path):
    """Debian's nginx running the deployment's configuration in front of the live server."""
    port, process = start_nginx(tmp_path, upstream=upstream_of(live_server))
    yield port
    stop_nginx(process)


def test_nginx_refuses_a_declared_5_gib_form_in_french_before_the_body(nginx, db):
    response = send_headers(nginx, "POST", "/candidature/",
                            form_post_headers("x" * 32, FIVE_GIB))

    assert status_of(response) == 413
    assert re.search(r"(?im)^server: nginx", response)  # the proxy answered, not Django
    assert FRENCH_413 in response
    assert "une vidéo&nbsp;: 2&nbsp;Go au plus" in response


def test_nginx_refuses_a_declared_5_gib_video_before_the_body(nginx, db):
    response = send_headers(nginx, "POST", "/ressources/proposer/video/",
                            form_post_headers("x" * 32, FIVE_GIB, "multipart/form-data; boundary=b"))

    assert status_of(response) == 413
    assert re.search(r"(?im)^server: nginx", response)
    assert FRENCH_413 in response


def test_nginx_refuses_a_two_megabyte_form_sent_whole(nginx, db):
    response = send_headers(nginx, "POST", "/candidature/",
                            form_post_headers("x" * 32, 2 * 1024**2), body=b"a" * (2 * 1024**2))

    assert status_of(response) == 413
    assert FRENCH_413 in response


def test_the_413_page_of_nginx_has_its_stylesheet(nginx, db):
    response = send_headers(nginx, "GET", "/_erreurs/erreurs.css", {})

    assert status_of(response) == 200
    assert "text/css" in response


def test_a_normal_form_passes_through_nginx_to_django(nginx, db):
    token = csrf_cookie(nginx)
    body = f"csrfmiddlewaretoken={token}&language=en&next=/&note={'a' * 500_000}".encode()

    response = send_headers(nginx, "POST", "/langue/", form_post_headers(token, len(body)), body=body)

    assert status_of(response) == 302
    assert re.search(r"(?im)^set-cookie: django_language=en", response)


def test_an_image_larger_than_a_form_passes_through_nginx_to_the_upload_route(nginx, db):
    token = csrf_cookie(nginx)
    body = b"a" * (3 * 1024**2)

    response = send_headers(nginx, "POST", "/forum/images/",
                            form_post_headers(token, len(body), "application/octet-stream"), body=body)

    # Django answered (a visitor is sent to sign in), not the proxy.
    assert status_of(response) != 413
    assert FRENCH_413 not in response


def test_nginx_compresses_pages(nginx, db):
    response = send_headers(nginx, "GET", "/", {"Accept-Encoding": "gzip"})

    assert status_of(response) == 200
    head = response.partition("\r\n\r\n")[0]
    assert re.search(r"(?im)^content-encoding: gzip", head)
    assert re.search(r"(?im)^vary: .*accept-encoding", head)
