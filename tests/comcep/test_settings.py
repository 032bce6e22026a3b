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
