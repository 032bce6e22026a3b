"""Serving stored files through permission-checking views."""

from __future__ import annotations

import os

from django.http import FileResponse, HttpResponse


def _size(handle) -> int:
    try:
        return os.fstat(handle.fileno()).st_size
    except (AttributeError, OSError):
        return handle.size  # a Django File over a storage without file descriptors


def ranged_file_response(request, handle, *, content_type: str, download_name: str | None = None,
                         as_attachment: bool | None = None) -> HttpResponse:
    """An open binary file, honouring a single byte range, so that a video player can seek.

    ``download_name`` names the file; it is offered as a download unless ``as_attachment`` is
    False (then shown in the browser).
    """
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
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        handle.seek(start)
        response = FileResponse(_limited(handle, end - start + 1), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    else:
        attachment = bool(download_name) if as_attachment is None else as_attachment
        response = FileResponse(handle, content_type=content_type, as_attachment=attachment,
                                filename=download_name or "")
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    return response


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
