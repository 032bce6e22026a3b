"""How long the platform manager's dashboard takes to render (not a test).

Reads the database seeded by ``bench/forum_bench.py`` (20,000 members, 400,000 posts, in
comcep_bench; this script never seeds or changes it), renders the dashboard in-process (the
view itself, its tables and charts and template; the sign-in middleware left out) and prints
the median time and the number of queries.

    .venv/bin/python bench/stats_bench.py          # -n renders, default 30
    .venv/bin/python bench/stats_bench.py --smoke  # forum_bench's tiny forum in a database of its
                                                   # own (dropped at exit): checks that it runs
"""

from __future__ import annotations

import argparse
import inspect
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import forum_bench  # noqa: E402  (sets the environment before Django loads)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=30)
    parser.add_argument("--smoke", action="store_true",
                        help="seed forum_bench's tiny forum in a database of its own and render 3 "
                             "times; asserts no figure")
    args = parser.parse_args()
    if args.smoke:
        forum_bench.use_smoke_data("stats")
        args.n = 3
    forum_bench.setup_django(create=args.smoke)
    if args.smoke:
        forum_bench.seed()
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from stats import views

    # The view itself, without its role and two-factor checks (what is measured is the page).
    dashboard = inspect.unwrap(views.dashboard)
    request = RequestFactory().get("/gestion/statistiques/")
    request.user = AnonymousUser()

    def render() -> None:
        response = dashboard(request)
        assert response.status_code == 200, response.status_code

    render()  # warm: templates compiled, connection open
    with CaptureQueriesContext(connection) as captured:
        render()
    times = []
    for _ in range(args.n):
        began = time.perf_counter()
        render()
        times.append((time.perf_counter() - began) * 1000)
    print(f"dashboard: median {statistics.median(times):.1f} ms over {args.n} renders, "
          f"{len(captured.captured_queries)} queries")


if __name__ == "__main__":
    main()
