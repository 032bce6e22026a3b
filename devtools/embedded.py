"""Embedded PostgreSQL for a machine where no ``DATABASE_URL`` is configured.

The ``pgserver`` package ships PostgreSQL binaries; we keep its data under
``var/postgres`` so that a newcomer runs the site and its tests with nothing to
install by hand. The first process that needs the database starts the server
and exports ``DATABASE_URL``, so every child process (web, worker, test
worker) talks to the same server without starting its own.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

DATABASE_NAME = "comcep"


def ensure_database_url(base_dir: Path) -> str:
    """Return ``DATABASE_URL``, starting the embedded server when it is unset."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    import warnings

    # pgserver asks platformdirs for a runtime dir it does not need here.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    import pgserver  # imported lazily: configured deployments never need it

    data_dir = base_dir / "var" / "postgres"
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode="stop": the server stops when the last process using it exits.
    server = pgserver.get_server(str(data_dir), cleanup_mode="stop")
    exists = server.psql(
        f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';"
    )
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    socket_dir = server.get_uri().split("host=", 1)[1].split("&", 1)[0]
    url = f"postgres://postgres@{quote(socket_dir, safe='')}/{DATABASE_NAME}"
    os.environ["DATABASE_URL"] = url
    # Keep a reference so the server lives as long as this process.
    _servers.append(server)
    return url


_servers: list = []
