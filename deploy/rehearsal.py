"""Deployment rehearsal: the scaled-out topology, from real parts, on one machine.

Starts what docker-compose.yml describes, without containers: Redis, an S3 server (moto's
standalone server), the migration job once, two gunicorn web nodes (A and B), two Celery
workers, one beat, and Debian's nginx in front with the deployment's own configuration
(deploy/nginx/comcep.conf) balancing the two nodes. PostgreSQL is the machine's. Then it
checks, and exits non-zero when a check fails:

  1. migrations ran once, by the migration job, not by a web node;
  2. a video uploaded through node A is processed by a worker and plays through node B
     (a signed URL of the object store, byte ranges);
  3. a private file is served to its owner and refused to another member through both nodes;
  4. nginx refuses a declared 5 GiB body with its French 413 page;
  5. with node A stopped, nginx still serves every member.

    .venv/bin/python deploy/rehearsal.py

Environment: REHEARSAL_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/comcep_rehearsal,
dropped and created again).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get("REHEARSAL_DATABASE_URL",
                              "postgres://postgres@127.0.0.1:5432/comcep_rehearsal")
WORK = Path(tempfile.mkdtemp(prefix="comcep-rehearsal-"))
BUCKET = "comcep-media"
PASSWORD = "repetition-" + secrets.token_hex(6)
processes: list[tuple[str, subprocess.Popen]] = []
failures: list[str] = []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def say(message: str) -> None:
    print(f"→ {message}", flush=True)


def check(condition: bool, what: str) -> None:
    print(f"   {'ok  ' if condition else 'FAIL'} {what}", flush=True)
    if not condition:
        failures.append(what)


def start(name: str, command: list[str], env: dict) -> subprocess.Popen:
    log = (WORK / f"{name}.log").open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    processes.append((name, process))
    return process


def stop(process: subprocess.Popen) -> None:
    """Stop a process and its children (gunicorn's and Celery's workers)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def wait_port(port: int, name: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{name} did not start: {(WORK / (name + '.log')).read_text()[-2000:]}")


class Browser:
    """A person's browser against one address (a node or nginx): cookies, CSRF, forms."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None,
                port: int | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=60)
        all_headers = {"Host": "localhost", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                       **(headers or {})}
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        conn.close()
        return response, data

    def form(self, path: str, fields: dict, files: dict | None = None, *, port: int | None = None,
             page: str | None = None):
        """GET the form's page (for its CSRF and submission tokens), then POST it, multipart."""
        response, page = self.request("GET", page or path, port=port)
        text = page.decode("utf-8", "replace")
        if response.status != 200:
            raise SystemExit(f"GET {path} answered {response.status} {response.getheader('Location')}")
        fields = dict(fields)
        fields["csrfmiddlewaretoken"] = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)[1]
        if token := re.search(r'name="submission_token" value="([^"]*)"', text):
            fields["submission_token"] = token[1]
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            for one in value if isinstance(value, list) else [value]:
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{one}\r\n'
                             .encode())
        for name, (filename, content, content_type) in (files or {}).items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                         f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                         + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body=body, port=port, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Referer": f"http://localhost:{port or self.port}{path}"})


def main() -> int:
    redis_port, s3_port, port_a, port_b, proxy_port = (free_port() for _ in range(5))
    s3_url = f"http://127.0.0.1:{s3_port}"
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "comcep.settings", "DATABASE_URL": DATABASE_URL, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_DEBUG": "0", "COMCEP_LOCAL": "0",
        "ALLOWED_HOSTS": "localhost,127.0.0.1", "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0",
        "STATICFILES_MANIFEST": "0", "EMAIL_URL": f"filemail://{WORK / 'mail'}", "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(WORK / "no-local-media"), "MEDIA_S3_BUCKET": BUCKET,
        "MEDIA_S3_ENDPOINT_URL": s3_url, "MEDIA_S3_ACCESS_KEY_ID": "rehearsal",
        "MEDIA_S3_SECRET_ACCESS_KEY": secrets.token_hex(16), "MEDIA_S3_REGION": "us-east-1",
        "CELERY_TASK_DEFAULT_QUEUE": "rehearsal", "ACCOUNT_RATE_LIMITS_ENABLED": "0",
    }
    try:
        say("PostgreSQL (the machine's): a fresh database")
        import psycopg

        name = DATABASE_URL.rsplit("/", 1)[1]
        with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')

        say("Redis and the S3 server")
        start("redis", ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                        "--appendonly", "no", "--dir", str(WORK)], env)
        start("s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)], env)
        wait_port(redis_port, "redis")
        wait_port(s3_port, "s3")
        import boto3

        boto3.client("s3", endpoint_url=s3_url, aws_access_key_id=env["MEDIA_S3_ACCESS_KEY_ID"],
                     aws_secret_access_key=env["MEDIA_S3_SECRET_ACCESS_KEY"],
                     region_name="us-east-1").create_bucket(Bucket=BUCKET)

        say("The migration job, once")
        migrated = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env,
                                  capture_output=True, text=True)
        if migrated.returncode != 0:
            raise SystemExit(migrated.stdout + migrated.stderr)
        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "comcep.settings"
        import django

        django.setup()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*), max(applied) FROM django_migrations")
            migration_count, migrated_at = cursor.fetchone()

        say("Two web nodes, two workers, one beat, nginx in front")
        gunicorn = str(BIN / "gunicorn")
        node_a = start("web-a", [gunicorn, "comcep.wsgi", "-w", "2", "-b", f"127.0.0.1:{port_a}"], env)
        start("web-b", [gunicorn, "comcep.wsgi", "-w", "2", "-b", f"127.0.0.1:{port_b}"], env)
        for worker in ("worker-1", "worker-2"):
            start(worker, [sys.executable, "-m", "celery", "-A", "comcep", "worker", "-n", f"{worker}@%h",
                           "--concurrency=2", "-Q", "rehearsal", "--loglevel=INFO"], env)
        start("beat", [sys.executable, "-m", "celery", "-A", "comcep", "beat", "--loglevel=INFO",
                       "--schedule", str(WORK / "beat-schedule")], env)
        wait_port(port_a, "web-a")
        wait_port(port_b, "web-b")
        from tests.nginx import start_nginx

        site_folder = WORK / "nginx"
        conf = (ROOT / "deploy" / "nginx" / "comcep.conf").read_text()
        assert "server web:8000;" in conf
        # Both nodes behind the one upstream of the deployment's configuration.
        both = f"127.0.0.1:{port_a};\n    server 127.0.0.1:{port_b}"
        nginx_port, nginx = start_nginx(site_folder, upstream=both)
        processes.append(("nginx", nginx))
        proxy_port = nginx_port

        say("1. Migrations ran once")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*), max(applied) FROM django_migrations")
            after = cursor.fetchone()
        check(after == (migration_count, migrated_at), "no web node or worker applied a migration")

        say("Members")
        from allauth.account.models import EmailAddress

        from comcep import legal, roles
        from comcep import services as core
        from comcep.models import Member, Operator, Region, Structure, User

        operator, region = Operator.objects.order_by("pk").first(), Region.objects.order_by("pk").first()
        structure, _ = Structure.objects.get_or_create(operator=operator, region=region, name="Agence")
        people = {}
        for n, who in enumerate(["alice", "bob"]):
            user = User.objects.create_user(email=f"{who}@repetition.comcep.test", password=PASSWORD,
                                            first_name=who.title(), last_name="Essai")
            roles.grant_role(user, roles.Role.MEMBER, actor=None)
            member = Member.objects.create(user=user, operator=operator, region=region, structure=structure)
            core.set_pseudonym(member, f"Hirondelle-{n}")
            legal.accept_at_application(user)
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            people[who] = user

        def signed_in(port: int, who: str) -> Browser:
            browser = Browser(port)
            response, page = browser.form("/compte/login/",
                                          {"login": people[who].email, "password": PASSWORD})
            if response.status != 302 or "sessionid" not in browser.cookies:
                raise SystemExit(f"{who} could not sign in ({response.status} "
                                 f"{response.getheader('Location')}): {page[:2000]!r}")
            return browser

        say("2. A video uploaded through node A plays through node B")
        from resources import transcoding

        clip = transcoding.generate_test_clip(WORK / "clip.mp4", seconds=2, width=640, height=360)
        alice_a = signed_in(port_a, "alice")
        response, _ = alice_a.form("/ressources/proposer/video/", {
            "kind": "video", "title": "Répétition : le premier entretien",
            "summary": "Une mise en situation.",
            "service_level": "1", "public": "all", "tags_text": "entretien",
        }, {"video_file": ("sequence.mp4", clip.read_bytes(), "video/mp4")})
        check(response.status == 302, f"node A takes the upload (answered {response.status})")
        from resources.models import Resource, Video, VideoState

        resource = Resource.objects.order_by("-pk").first()
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            video = Video.objects.filter(resource=resource).first()
            if video and video.state in (VideoState.READY, VideoState.FAILED):
                break
            time.sleep(2)
        state = f"{getattr(video, 'state', None)} {getattr(video, 'failure_reason', '')}"
        check(video is not None and video.state == VideoState.READY, f"a worker processed it ({state})")
        alice_b = signed_in(port_b, "alice")
        _response, page = alice_b.request("GET", f"/ressources/{resource.pk}/")
        sources = re.findall(r'<source src="([^"]+\.mp4)"', page.decode("utf-8", "replace"))
        check(bool(sources), "node B's page offers the renditions")
        if sources:
            response, _ = alice_b.request("GET", sources[0])
            location = response.getheader("Location", "")
            check(response.status == 302 and location.startswith(s3_url),
                  "node B sends the rendition to a signed URL of the object store")
            if location:
                parts = urlsplit(location)
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                conn.request("GET", f"{parts.path}?{parts.query}", headers={"Range": "bytes=0-99"})
                media = conn.getresponse()
                data = media.read()
                check(media.status == 206 and len(data) == 100, "the object store answers a byte range")

        say("3. A private file: its owner gets it, another member does not, through both nodes")
        from tests.privatespace.helpers import PDF_BYTES

        response, _ = alice_a.form("/espace-prive/fichiers/envoyer/", {}, {
            "upload": ("grille.pdf", PDF_BYTES, "application/pdf")}, page="/espace-prive/fichiers/")
        check(response.status in (200, 302), f"node A stores the file (answered {response.status})")
        from privatespace.models import PrivateFile

        private_file = PrivateFile.objects.filter(owner=people["alice"]).order_by("-pk").first()
        check(private_file is not None, "the file is recorded")
        if private_file:
            for name, port in (("A", port_a), ("B", port_b)):
                bob = signed_in(port, "bob")
                response, data = bob.request("GET", private_file.download_url)
                check(response.status == 404 and PDF_BYTES not in data,
                      f"node {name} refuses it to another member ({response.status})")
            response, _ = alice_b.request("GET", private_file.download_url)
            check(response.status == 302 and response.getheader("Location", "").startswith(s3_url),
                  "node B sends it to its owner by a signed URL")

        say("4. nginx refuses a declared 5 GiB body in French")
        with socket.create_connection(("127.0.0.1", proxy_port), timeout=20) as sock:
            sock.sendall(b"POST /ressources/proposer/video/ HTTP/1.1\r\nHost: localhost\r\n"
                         b"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 5368709120\r\n"
                         b"Connection: close\r\n\r\n")
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        text = answer.decode("utf-8", "replace")
        check(text.startswith("HTTP/1.1 413") and "Envoi trop volumineux" in text,
              "413 with the French page, before the body")

        say("5. Node A stopped: nginx still serves every member")
        stop(node_a)
        statuses = []
        for who in ("alice", "bob"):
            browser = signed_in(proxy_port, who)
            for path in ("/forum/", "/ressources/", "/espace-prive/", "/healthz"):
                response, _ = browser.request("GET", path)
                statuses.append(response.status)
        check(all(status == 200 for status in statuses), f"every page answered 200 ({statuses})")
    finally:
        for _name, process in reversed(processes):
            stop(process)
        if failures:
            for name, _process in processes:
                log = WORK / f"{name}.log"
                if log.exists():
                    print(f"--- {name} ---\n{log.read_text()[-1500:]}")
        shutil.rmtree(WORK, ignore_errors=True)
    print(json.dumps({"checks_failed": failures}, ensure_ascii=False))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
