"""Memory of a large video upload: the body streams to a temporary file on disk.

    .venv/bin/python bench/transcode_upload_bench.py [--mib 2048]
    .venv/bin/python bench/transcode_upload_bench.py --smoke   # 4 MiB: checks that it runs

Feeds a multipart body of the given size, generated on the fly, through
Django's multipart parser with the upload handler that the video upload view
installs (``resources.views.LimitedTemporaryFileUploadHandler``), and reports
the process's peak resident memory before and after. Not a test.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BOUNDARY = "comcepbenchboundary"
CHUNK = b"\x00\x11\x22\x33" * 16384  # 64 KiB of file content


class GeneratedBody(io.RawIOBase):
    """A multipart body of ``size`` bytes of file content, never held in memory whole."""

    def __init__(self, size: int):
        self.head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"video_file\"; "
                     f"filename=\"bench.mp4\"\r\nContent-Type: video/mp4\r\n\r\n").encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.size = size
        self.sent = 0
        self.length = len(self.head) + size + len(self.tail)
        self.buffer = b""

    def readable(self) -> bool:
        return True

    def _more(self) -> bytes:
        if self.head:
            data, self.head = self.head, b""
            return data
        if self.sent < self.size:
            data = CHUNK[: min(len(CHUNK), self.size - self.sent)]
            self.sent += len(data)
            return data
        data, self.tail = self.tail, b""
        return data

    def read(self, n: int = -1) -> bytes:
        while (n < 0 or len(self.buffer) < n) and (more := self._more()):
            self.buffer += more
        if n < 0:
            n = len(self.buffer)
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=2048, help="size of the uploaded file")
    parser.add_argument("--smoke", action="store_true", help="a 4 MiB upload; asserts no figure")
    args = parser.parse_args()
    if args.smoke:
        args.mib = 4
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comcep.settings")
    os.environ.setdefault("COMCEP_LOCAL", "1")  # a benchmark on this checkout, not a deployment
    os.environ.setdefault("DATABASE_URL", "postgres://bench@127.0.0.1:1/bench")  # never connected
    import django

    django.setup()
    from django.conf import settings
    from django.http.multipartparser import MultiPartParser
    from django.test import RequestFactory

    from resources.views import LimitedTemporaryFileUploadHandler

    settings.RESOURCES_VIDEO_MAX_BYTES = (args.mib + 1) * 2**20
    body = GeneratedBody(args.mib * 2**20)
    request = RequestFactory().post("/", data=b"", content_type="multipart/form-data")
    meta = {"CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
            "CONTENT_LENGTH": str(body.length)}
    before = peak_mib()
    started = time.perf_counter()
    _post, files = MultiPartParser(meta, body, [LimitedTemporaryFileUploadHandler(request)]).parse()
    elapsed = time.perf_counter() - started
    upload = files["video_file"]
    print(f"{upload.size / 2**20:.0f} MiB received to {upload.temporary_file_path()} "
          f"in {elapsed:.1f} s; peak RSS {before:.0f} MiB before, {peak_mib():.0f} MiB after")
    upload.close()


if __name__ == "__main__":
    main()
