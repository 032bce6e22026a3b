"""Serving stored files through permission-checking views.

An uploaded file is never a page of the site: whatever it holds, the browser must not
run it in the site's origin. Every upload is therefore served with its type fixed
(nosniff), in a sandbox with no script (its own Content-Security-Policy, which the site's
CSP middleware leaves alone), and as a download unless it is an image, a sound or a video
that a page shows inline. A file kept in object storage is sent by the object store from
a signed URL of its own origin, named and typed as here (``_signed_url``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header
from django.utils.text import slugify

# The policy of a served upload: no script, no plugin, no form, no same-origin rights;
# an image, sound or video may still be shown, from this site only.
UPLOAD_POLICY = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'"
# Images a browser only ever draws (SVG is a document that may hold scripts: not one of them).
INLINE_IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}


def shown_inline(content_type: str) -> bool:
    """Whether a file of this type may be shown in the browser rather than downloaded."""
    kind = content_type.split(";")[0].strip().lower()
    return kind in INLINE_IMAGE_TYPES or kind.startswith(("audio/", "video/"))


def neutral_name(title: str, extension: str, *, fallback: str = "fichier") -> str:
    """The name a file is offered under to others: the title it was given, slugified, and
    the extension of what it is; never the name it was uploaded with."""
    return f"{slugify(title)[:80] or fallback}{extension}"


_Response = TypeVar("_Response", bound=HttpResponseBase)


def protect(response: _Response) -> _Response:
    """The headers every served upload carries, whatever its status."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = UPLOAD_POLICY
    return response


def _size(handle) -> int:
    try:
        return os.fstat(handle.fileno()).st_size
    except (AttributeError, OSError):
        return handle.size  # a Django File over a storage without file descriptors


def ranged_file_response(request, handle, *, content_type: str, download_name: str | None = None,
                         as_attachment: bool | None = None) -> HttpResponseBase:
    """An open binary file, honouring a single byte range, so that a video player can seek.

    Who sends the bytes depends on where the file lies: a file of the object store is a
    redirect to a short-lived signed URL (the object store answers byte ranges itself); a file
    of the local disk is handed to nginx with ``MEDIA_ACCEL_REDIRECT``; only ``./dev``'s local
    disk without it is streamed by Python. ``handle`` is an open FieldFile (or StoredFile, which
    knows its storage and name), or any open binary file.

    ``download_name`` names the file (a neutral name when anyone but its owner may fetch
    it). It is offered as a download unless ``as_attachment`` is False (then shown in the
    browser); only an image, a sound or a video may be shown, anything else is always a
    download.
    """
    attachment = bool(download_name) if as_attachment is None else as_attachment
    attachment = attachment or not shown_inline(content_type)
    if (signed := _signed_url(handle, content_type=content_type, attachment=attachment,
                              download_name=download_name)) is not None:
        url, lifetime = signed
        handle.close()
        return protect(SignedRedirect(url, lifetime=lifetime))
    if (internal := accel_redirect_path(handle)) is not None:
        handle.close()
        return _handed_to_web_server(internal, content_type=content_type, attachment=attachment,
                                     download_name=download_name)
    size = _size(handle)
    header = request.headers.get("Range", "")
    if header.startswith("bytes=") and "," not in header:
        first, _sep, last = header[6:].partition("-")
        try:
            if first:
                start, end = int(first), min(int(last) if last else size - 1, size - 1)
            else:
                start, end = max(size - int(last), 0), size - 1
        except ValueError:
            start, end = 0, size - 1
        if start > end or start >= size:
            handle.close()
            response: HttpResponseBase = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return protect(response)
        handle.seek(start)
        response = FileResponse(_limited(handle, end - start + 1), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    else:
        response = FileResponse(handle, content_type=content_type, as_attachment=attachment,
                                filename=download_name or "")
    response["Accept-Ranges"] = "bytes"
    # Named by ``download_name`` only, never by the stored file's own name; a range too.
    if disposition := content_disposition_header(attachment, download_name or ""):
        response["Content-Disposition"] = disposition
    elif "Content-Disposition" in response:
        del response["Content-Disposition"]
    return protect(response)


def accel_redirect_path(handle) -> str | None:
    """The internal address under which the web server sends this file itself, or None.

    With ``MEDIA_ACCEL_REDIRECT`` set (``/_media/`` behind the deployment's nginx), a file of
    the local media storage is sent by nginx after this view's permission check, byte ranges
    included: a long video holds no Python worker. Without it (``./dev up``) Python streams.
    """
    prefix = settings.MEDIA_ACCEL_REDIRECT
    if not prefix:
        return None
    if getattr(handle, "storage", None) is not None:  # a FieldFile: its name is the storage's
        if not isinstance(handle.storage, FileSystemStorage):
            return None
        absolute = Path(handle.storage.path(handle.name))
    else:
        name = getattr(handle, "name", None)
        if not isinstance(name, str) or not os.path.isabs(name):
            return None
        absolute = Path(name)
    root = Path(settings.MEDIA_ROOT).resolve()
    try:
        relative = absolute.resolve().relative_to(root)
    except ValueError:  # outside the media folder: never handed over
        return None
    return prefix.rstrip("/") + "/" + quote(relative.as_posix())


def _signed_url(handle, *, content_type: str, attachment: bool,
                download_name: str | None) -> tuple[str, int] | None:
    """A short-lived signed URL of the object store for this file, and its lifetime; None for
    a file of the local disk (or any handle whose storage signs no URL).

    The object store answers it, byte ranges included, with the type and the disposition (the
    neutral name) decided here, not those stored with the object. It cannot add this module's
    sandbox policy, and the bucket (or the proxy in front of it) should send
    ``X-Content-Type-Options: nosniff`` on every object; but the URL's origin is the object
    store's, not the site's: whatever a file holds, a script in it never runs with the site's
    cookies or pages.
    """
    storage = getattr(handle, "storage", None)  # a FieldFile, or a comcep.storage.StoredFile
    sign = getattr(storage, "signed_url", None)
    if storage is None or sign is None:
        return None
    url = sign(handle.name, content_type=content_type,
               content_disposition=content_disposition_header(attachment, download_name or ""))
    return url, storage.url_lifetime


class SignedRedirect(HttpResponseRedirect):
    """A redirect (302) to a signed URL, which the browser may keep only while the URL works.

    The views that serve files set the Cache-Control of the file's bytes (a day for a forum
    image); given to this redirect it would outlive the signature, and the browser would follow
    a dead URL. So any Cache-Control set on it is bounded by half the URL's life, except
    ``no-store``, which stays as it is.
    """

    def __init__(self, url: str, *, lifetime: int):
        self._lifetime = lifetime
        super().__init__(url)
        self["Cache-Control"] = "private"

    def __setitem__(self, header, value):
        if header.lower() == "cache-control" and "no-store" not in value:
            value = f"private, max-age={max(self._lifetime // 2, 0)}"
        super().__setitem__(header, value)


def _handed_to_web_server(internal: str, *, content_type: str, attachment: bool,
                          download_name: str | None) -> HttpResponse:
    response = HttpResponse(content_type=content_type)
    response["X-Accel-Redirect"] = internal
    if disposition := content_disposition_header(attachment, download_name or ""):
        response["Content-Disposition"] = disposition
    # nginx keeps Content-Type and Content-Disposition from here, and adds the upload policy
    # itself (deploy/nginx/comcep.conf); set here too, for a proxy that passes them on.
    return protect(response)


def _limited(handle, length: int, chunk: int = 64 * 1024):
    try:
        while length > 0:
            data = handle.read(min(chunk, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        handle.close()
