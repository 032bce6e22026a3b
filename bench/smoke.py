"""What the benchmarks' ``--smoke`` runs share (a helper, not a benchmark).

A smoke run checks that a benchmark still runs, on tiny data and for a second or so of load;
it asserts no figure. It works in a database of its own, named after the one of
``DATABASE_URL`` (the test run's, under ``./dev test``), created at the start and dropped at
the end, so that it never touches a real benchmark's data nor the tests'.
"""

from __future__ import annotations

import atexit
import os
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/comcep"


def database_url(script: str, base: str | None = None) -> str:
    """A database of ``script``'s own smoke run, on the server of ``base`` (default: DATABASE_URL)."""
    parts = urlsplit(base or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    name = parts.path.lstrip("/") or "comcep"
    # The process id keeps two runs sharing a server apart; PostgreSQL names end at 63 bytes.
    own = f"{name[:30]}_smoke_{script[:16]}_{os.getpid()}"
    return urlunsplit(parts._replace(path=f"/{own}"))


def _server(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def create_database(url: str, *, drop_at_exit: bool = True) -> str:
    """Create the (empty) database of ``url``, dropped again when this process exits unless
    told otherwise (a shell script drops it itself)."""
    import psycopg

    admin, name = _server(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    if drop_at_exit:
        atexit.register(drop_database, url)
    return url


def drop_database(url: str) -> None:
    import psycopg

    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # noqa: S110  (Django never loaded, or already torn down)
        pass
    admin, name = _server(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate() -> None:
    """The tables and reference data of DATABASE_URL's database created, by a process of its own
    (this one's settings stay unread, free to take what the script sets next)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "manage.py", "migrate", "--verbosity=0"], cwd=root, check=True)
