"""Where one page's time goes, in-process (not a test): the WSGI handler called directly.

Uses the benchmark database seeded by ``bench/forum_bench.py`` and member #1's session.

    .venv/bin/python bench/profile_page.py /forum/sujet/1/?page=1            # ms per request
    .venv/bin/python bench/profile_page.py /forum/sujet/1/?page=1 --profile  # and the top functions
    .venv/bin/python bench/profile_page.py "/forum/sujet/{}/" --vary 1000  # a different topic each time
    .venv/bin/python bench/profile_page.py --smoke  # a tiny forum in its own database, a few
                                                    # requests, every option: checks that it runs
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import forum_bench  # noqa: E402  (sets the environment before Django loads)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", nargs="?", default="/forum/sujet/1/?page=1")
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--cpu", action="store_true",
                        help="profile CPU time rather than wall time (waits on the database and the cache "
                             "then count for nothing: steadier on a busy machine)")
    parser.add_argument("--queries", action="store_true", help="print the SQL of one request")
    parser.add_argument("--vary", type=int, default=0,
                        help="fill the path's {} with 1, 2, … this number, then again: another object at "
                             "each request (as forum_bench's varied topic pages)")
    parser.add_argument("--smoke", action="store_true",
                        help="seed forum_bench's tiny forum in a database of its own (dropped at exit) "
                             "and run 3 requests with --queries and --profile; asserts no figure")
    args = parser.parse_args()
    if args.smoke:
        forum_bench.use_smoke_data("profile")
        args.n, args.queries, args.profile = 3, True, True
        if "{}" in args.path:
            args.vary = args.vary or 3
    forum_bench.setup_django(create=args.smoke)
    if args.smoke:
        forum_bench.seed()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cookie = forum_bench.session_cookie()
    handler = WSGIHandler()
    counter = iter(range(10**9))

    def request() -> bytes:
        target = args.path.format(next(counter) % args.vary + 1) if args.vary else args.path
        path, _, query = target.partition("?")
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8765", "HTTP_HOST": "127.0.0.1", "HTTP_COOKIE": cookie, "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, "SERVER_PROTOCOL": "HTTP/1.1",
        }
        statuses = []
        body = b"".join(handler(environ, lambda status, headers, *a: statuses.append(status)))
        assert statuses[0].startswith("200"), statuses[0]
        return body

    for _ in range(30):
        request()
    if args.queries:
        with CaptureQueriesContext(connection) as captured:
            request()
        for q in captured.captured_queries:
            print(q["time"], q["sql"][:400], "\n")
        print(len(captured.captured_queries), "queries")
    began, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.n):
        request()
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    print(f"{args.path}: {wall / args.n * 1000:.2f} ms per request, "
          f"{cpu / args.n * 1000:.2f} ms CPU in-process, {len(request())} bytes")
    if args.profile:
        profiler = cProfile.Profile(time.process_time) if args.cpu else cProfile.Profile()
        profiler.enable()
        for _ in range(args.n):
            request()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
