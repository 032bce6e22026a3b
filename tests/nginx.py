"""Debian's nginx running the deployment's own configuration (deploy/nginx/comcep.conf)
in front of the test's live server, on a port of its own."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NGINX_CONF = ROOT / "deploy" / "nginx" / "comcep.conf"
ERROR_PAGES = ROOT / "deploy" / "nginx" / "errors"
NGINX = "/usr/sbin/nginx"
# Where the deployment mounts the media volume (the web containers' MEDIA_ROOT).
DEPLOYED_MEDIA_ROOT = "/app/var/media/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_nginx(folder: Path, *, upstream: str, media_root: Path | None = None):
    """Start nginx in ``folder``; return (port, process). ``upstream`` is host:port."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    site = NGINX_CONF.read_text().replace("server web:8000;", f"server {upstream};")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    if media_root is not None:
        assert DEPLOYED_MEDIA_ROOT in site
        site = site.replace(DEPLOYED_MEDIA_ROOT, f"{media_root}/")
    assert f"127.0.0.1:{port}" in site and upstream in site
    (folder / "site.conf").write_text(site)
    shutil.copytree(ERROR_PAGES, folder / "errors")
    (folder / "logs").mkdir()
    for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / "temp" / temp).mkdir(parents=True)
    (folder / "nginx.conf").write_text(f"""
daemon off;
master_process off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/logs/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {folder}/logs/access.log;
    client_body_temp_path {folder}/temp/body;
    proxy_temp_path {folder}/temp/proxy;
    fastcgi_temp_path {folder}/temp/fastcgi;
    uwsgi_temp_path {folder}/temp/uwsgi;
    scgi_temp_path {folder}/temp/scgi;
    include /etc/nginx/mime.types;
    include {folder}/site.conf;
}}
""")
    args = [NGINX, "-c", str(folder / "nginx.conf"), "-p", f"{folder}/"]
    checked = subprocess.run([*args, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(args, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert process.poll() is None, process.stderr.read()
            assert time.monotonic() < deadline, "nginx did not start listening"
            time.sleep(0.05)
    return port, process


def stop_nginx(process) -> None:
    process.terminate()
    process.wait(timeout=10)


def upstream_of(live_server) -> str:
    return live_server.url.removeprefix("http://").replace("localhost", "127.0.0.1")
