"""What ``./dev up`` and ``./dev test`` do once the virtual environment is ready."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def _bootstrap_django(debug: bool) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comcep.settings")
    if debug:
        os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()  # starts the embedded PostgreSQL and exports DATABASE_URL if needed


def _wait_for(url: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


DEFAULT_PORT = "8000"


def site_url(environ: Mapping[str, str]) -> str:
    """The address the site is reached at: ``SITE_URL`` when given, else localhost on ``PORT``.

    ``up`` exports it before Django starts, so the web server, the worker (which renders the
    emails of jobs) and the links in every email agree with the address it prints.
    """
    given = (environ.get("SITE_URL") or "").strip()
    if given:
        return given.rstrip("/")
    port = (environ.get("PORT") or "").strip() or DEFAULT_PORT
    return f"http://localhost:{port}"


def up() -> int:
    port = (os.environ.get("PORT") or "").strip() or DEFAULT_PORT
    address = site_url(os.environ)
    os.environ["SITE_URL"] = address  # before the settings are read, and for the children
    _bootstrap_django(debug=True)
    from django.conf import settings
    from django.core.management import call_command

    print("→ Database:", "embedded PostgreSQL (var/postgres)"
          if "var%2Fpostgres" in os.environ["DATABASE_URL"] else "DATABASE_URL")
    print("→ Antivirus:", f"clamd at {settings.CLAMAV_ADDRESS}" if settings.CLAMAV_ADDRESS else
          "none configured (CLAMAV_ADDRESS is empty): uploads are not scanned")
    call_command("migrate", interactive=False, verbosity=0)
    print("→ Loading the demo data")
    call_command("seed_demo")

    children = [
        subprocess.Popen([PYTHON, "-m", "celery", "-A", "comcep", "worker", "--beat",
                          "--loglevel=WARNING", "--concurrency=2",
                          f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}"]),
        subprocess.Popen([PYTHON, "manage.py", "runserver", "--noreload", f"0.0.0.0:{port}"]),
    ]

    def stop(*_args):
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()

    signal.signal(signal.SIGTERM, lambda *a: (stop(), sys.exit(0)))
    try:
        if not _wait_for(f"http://127.0.0.1:{port}/healthz", timeout=60):
            print("The web server did not answer on /healthz.", file=sys.stderr)
            stop()
            return 1
        call_command("check_worker", timeout=60)
        mail = getattr(settings, "EMAIL_FILE_PATH", "SMTP")
        print(f"""
  Comcep is running: {address}/
  Every demo account's password is shown above; emails are written to {mail}.
  Stop with Ctrl-C.
""", flush=True)
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        print("A process stopped; stopping the others.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping…")
        return 0
    finally:
        stop()


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def test(args: list[str]) -> int:
    chromium = os.environ.get("COMCEP_CHROMIUM") or _chromium()
    if chromium:
        os.environ["COMCEP_CHROMIUM"] = chromium
    else:
        print("→ No Chromium on this machine: getting Playwright's own "
              "(needs the internet).", flush=True)
        subprocess.run([PYTHON, "-m", "playwright", "install", "chromium"], check=True)
    # Start the embedded database once here, so pytest and its workers share it.
    _bootstrap_django(debug=False)
    return subprocess.call([PYTHON, "-m", "pytest", *args])


def main() -> int:
    command, *rest = sys.argv[1:] or ["up"]
    if command == "up":
        return up()
    if command == "test":
        return test(rest)
    print(f"unknown command {command!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
