"""Production defaults: what a deployment gets when it sets only what it must."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env_overrides):
    env = {k: v for k, v in os.environ.items()
           if k not in {"SECURE_SSL_REDIRECT", "SECURE_COOKIES", "STATICFILES_MANIFEST",
                        "DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(env_overrides)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_nothing_with_debug_off(django_db_setup):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        env_overrides={"SECRET_KEY": "x9!" + "k" * 60 + "Zq#w2", "ALLOWED_HOSTS": "comcep.fr"},
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_debug_is_off_unless_asked_for(django_db_setup):
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)",
                        env_overrides={})

    assert result.stdout.strip().endswith("False"), result.stderr


def test_the_project_refuses_a_database_other_than_postgresql(django_db_setup):
    result = run_manage("check", env_overrides={"DATABASE_URL": "mysql://u:p@localhost/x"})

    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr


def production_env(**overrides) -> dict:
    """A deployment's environment: not ./dev's checkout (no COMCEP_LOCAL)."""
    env = {"COMCEP_LOCAL": "0", "SECRET_KEY": "x9!" + "k" * 60 + "Zq#w2", "ALLOWED_HOSTS": "comcep.fr"}
    env.update(overrides)
    return env


def test_a_production_process_without_database_url_refuses_to_start(django_db_setup):
    env = production_env()
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={k: v for k, v in {**os.environ, **env}.items() if k != "DATABASE_URL"})

    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr
    assert "embedded" in result.stderr  # says why: the embedded server is for ./dev only


def test_a_production_process_without_secret_key_refuses_to_start(django_db_setup):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={k: v for k, v in {**os.environ, **production_env()}.items() if k != "SECRET_KEY"})

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_production_process_with_both_set_starts(django_db_setup):
    result = run_manage("check", env_overrides=production_env())

    assert result.returncode == 0, result.stderr


def test_errors_go_to_sentry_when_a_dsn_is_set_without_personal_data(django_db_setup):
    import gzip
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received = []

    class Collector(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            received.append((self.path, body.decode("utf-8", "replace")))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = run_manage(
            "shell", "-c",
            "import logging, sentry_sdk; logging.getLogger('comcep.test').error('Panne simulée'); "
            "sentry_sdk.flush(5)",
            env_overrides={"SENTRY_DSN": f"http://public@127.0.0.1:{server.server_port}/1"})
    finally:
        server.shutdown()

    assert result.returncode == 0, result.stderr
    assert any(path == "/api/1/envelope/" and "Panne simul" in body for path, body in received), (
        received, result.stdout, result.stderr)
    assert not any('"user"' in body and '"ip_address"' in body for _, body in received)
