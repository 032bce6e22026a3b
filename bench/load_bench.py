"""Load and fault benchmark (not a test): signed-in members browsing and posting while Redis
may be stopped, through the real gunicorn, a real Celery worker (with beat) and the outbox.

Each simulated member, in its own thread, opens category lists, topic pages, the French
search, the notifications page and the community home one after the other (half a second
apart on average, ``--think``), and posts a reply every 30 seconds.
Every member wants an email at each notification, so replies produce emails. With
``--redis-outage``, the Redis server the site uses as its cache, session cache and broker
(started here, on a port of its own) is killed for the middle third of the run and then
started again, empty.

Reported: requests, errors by status, p50/p95/p99 per page, the worker's backlog (outbox
messages not sent yet) at its highest and at the end, and emails produced (outbox rows)
against emails sent (rows marked sent, and files the mail backend wrote, told apart by
their Message-ID so a duplicate would show).

Run from the repository root (PostgreSQL on localhost; redis-server installed):

    .venv/bin/python bench/load_bench.py                      # 50 members, 5 minutes
    .venv/bin/python bench/load_bench.py --redis-outage       # Redis away for the middle minute
    .venv/bin/python bench/load_bench.py --members 5 --duration 20   # a short run
    .venv/bin/python bench/load_bench.py --smoke   # 3 members for 4 s in a database of its own:
                                                   # checks that the bench runs

``--smoke`` asserts no figure: it exits 0 when every request was answered without an error.
It uses the caller's Redis (REDIS_URL) or none (the broker on disk), never a server of its own.

Environment: BENCH_LOAD_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/comcep_load),
BENCH_PORT (default 8766).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("BENCH_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/comcep_load")
PORT = int(os.environ.get("BENCH_PORT", "8766"))
WORK = Path(tempfile.mkdtemp(prefix="comcep-load-"))
REDIS_PORT = 0  # chosen at start
SEARCHES = ["bilan compétences", "reconversion", "financement CPF", "entretien", "VAE", "posture",
            "transition professionnelle", "accompagnement", "démission", "formation"]
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN_RE = re.compile(r'name="submission_token" value="([^"]*)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Redis:
    def __init__(self, port: int):
        self.port, self.process = port, None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(WORK)], stdout=subprocess.DEVNULL)
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("redis-server did not start")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def environment(redis_url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL, "REDIS_URL": redis_url, "CELERY_BROKER_DIR": str(WORK / "broker"),
        "DJANGO_SETTINGS_MODULE": "comcep.settings", "COMCEP_LOCAL": "1", "DJANGO_DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0", "STATICFILES_MANIFEST": "0",
        "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING", "EMAIL_URL": f"filemail://{WORK / 'mail'}",
        "CELERY_TASK_DEFAULT_QUEUE": f"load-bench-{os.getpid()}", "ACCOUNT_RATE_LIMITS_ENABLED": "0",
    }


def setup_django(env: dict) -> None:
    os.environ.update(env)
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(members: int, topics: int) -> list[int]:
    """Members (each wanting an email at every notification) and topics to read; account ids."""
    from django.utils import timezone

    from comcep import roles, services
    from comcep.models import Member, Operator, Region, Structure, User
    from forum import services as forum
    from forum.models import Category, EmailFrequency, ForumProfile, Post, TopicKind

    operator, region = Operator.objects.order_by("pk").first(), Region.objects.order_by("pk").first()
    structure, _ = Structure.objects.get_or_create(operator=operator, region=region, name="Agence")
    ids = []
    for n in range(members):
        email = f"charge{n:03d}@load.comcep.test"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=None,
                                            first_name="Prénom", last_name=f"Nom{n}")
            User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timezone.timedelta(days=400))
            roles.grant_role(user, roles.Role.MEMBER, actor=None)
            member = Member.objects.create(user=user, operator=operator, region=region, structure=structure)
            services.set_pseudonym(member, f"Chargée-de-test-{n:03d}")
        # Long-standing members: the new-member posting limit does not apply to them.
        Member.objects.filter(user=user).update(joined_at=timezone.now() - timezone.timedelta(days=400))
        ForumProfile.objects.update_or_create(member=user.member,
                                              defaults={"email_frequency": EmailFrequency.IMMEDIATELY})
        ids.append(user.pk)
    categories = []
    for slug, name in [("pratiques", "Échanges de pratiques"), ("questions", "Questions du métier")]:
        category, _ = Category.objects.get_or_create(slug=f"charge-{slug}",
                                                     defaults={"name": name, "position": 9})
        categories.append(category)
    rng = random.Random(7)
    existing = Post.objects.filter(topic__category__in=categories).count()
    authors = list(Member.objects.filter(user_id__in=ids))
    for n in range(max(0, topics - existing // 5)):
        author = rng.choice(authors)
        topic = forum.create_topic(actor=author, category=rng.choice(categories),
                                   title=f"{rng.choice(SEARCHES).capitalize()} : retour d'expérience {n}",
                                   body=f"Comment abordez-vous {rng.choice(SEARCHES)} en entretien ?",
                                   kind=TopicKind.DISCUSSION, tags=[], rate_limit=False)
        for _reply in range(4):
            forum.create_post(actor=rng.choice(authors), topic=topic, rate_limit=False,
                              body=f"Pour ma part, {rng.choice(SEARCHES)} demande du temps.")
    return ids


def session_for(user_id: int) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from comcep import legal
    from comcep.models import User

    user = User.objects.get(pk=user_id)
    legal.accept_at_application(user)  # the charter in force, accepted as at sign-up
    # Written to the database only: the site's cached_db sessions read it from there on a miss.
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "comcep.auth.Backend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[legal.SESSION_KEY] = legal.current_charter()[1]  # what a sign-in notes
    session.create()
    return session.session_key


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: Counter = Counter()
        self.by_page: Counter = Counter()
        self.refusal = ""
        self.errors: Counter = Counter()

    def add(self, page: str, status: int, seconds: float) -> None:
        with self.lock:
            self.latencies[page].append(seconds)
            self.statuses[status] += 1
            self.by_page[(page, status)] += 1
            if status >= 400 or status == 0:
                self.errors[(page, status)] += 1


class Member(threading.Thread):
    def __init__(self, session: str, topics: list[int], categories: list[str], results: Results,
                 until: float, seed: int, think: float):
        super().__init__(daemon=True)
        self.cookies = {"sessionid": session}
        self.topics, self.categories, self.results, self.until = topics, categories, results, until
        self.rng = random.Random(seed)
        self.think = think
        self.next_reply = time.monotonic() + self.rng.uniform(0, min(30, until - time.monotonic()))
        self.connection = None

    def request(self, page: str, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Host": "127.0.0.1",
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{PORT}/"
        started = time.monotonic()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            status = response.status
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
        except (OSError, http.client.HTTPException):
            self.connection = None
            status, text = 0, ""
        self.results.add(page, status, time.monotonic() - started)
        return status, text

    def reply(self) -> None:
        topic = self.rng.choice(self.topics)
        status, page = self.request("reply form", "GET", f"/forum/sujet/{topic}/repondre/")
        csrf, token = CSRF_RE.search(page), TOKEN_RE.search(page)
        if status != 200 or not csrf:
            return
        body = (f"csrfmiddlewaretoken={quote(csrf[1])}&body={quote('Merci, je partage cette expérience.')}"
                + (f"&submission_token={quote(token[1])}" if token else ""))
        status, page = self.request("reply (POST)", "POST", f"/forum/sujet/{topic}/repondre/", body)
        if status == 200:  # the form came back: say why, once
            with self.results.lock:
                if not self.results.refusal:
                    found = re.search(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)
                    text = found[1] if found else page[:300]
                    self.results.refusal = re.sub(r"<[^>]+>", " ", text).strip()

    def run(self) -> None:
        while time.monotonic() < self.until:
            if time.monotonic() >= self.next_reply:
                self.reply()
                self.next_reply += 30
                continue
            if self.think:
                time.sleep(self.rng.uniform(0.5, 1.5) * self.think)
            roll = self.rng.random()
            if roll < 0.3:
                self.request("category list", "GET", f"/forum/categorie/{self.rng.choice(self.categories)}/")
            elif roll < 0.7:
                # Page 1 asked for: without a page, a topic read before redirects to its first unread post.
                self.request("topic page", "GET", f"/forum/sujet/{self.rng.choice(self.topics)}/?page=1")
            elif roll < 0.85:
                self.request("search", "GET", f"/forum/recherche/?q={quote(self.rng.choice(SEARCHES))}")
            elif roll < 0.93:
                self.request("notifications", "GET", "/forum/notifications/")
            else:
                self.request("community home", "GET", "/communaute/")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)] * 1000


def mail_counts() -> tuple[int, int]:
    """(files the mail backend wrote, distinct Message-IDs among them)."""
    ids = []
    for path in (WORK / "mail").glob("*.log"):
        ids += re.findall(r"(?im)^Message-ID: (\S+)", path.read_text(errors="replace"))
    return len(ids), len(set(ids))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--duration", type=int, default=300, help="seconds of load")
    parser.add_argument("--topics", type=int, default=300)
    parser.add_argument("--redis-outage", action="store_true", help="kill Redis for the middle third")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--think", type=float, default=0.5,
                        help="seconds each member waits between two pages (0: as fast as possible)")
    parser.add_argument("--smoke", action="store_true",
                        help="3 members, 3 topics, 4 s of load, in a database of its own (dropped at exit)")
    args = parser.parse_args()

    global DATABASE_URL
    if args.smoke:
        import smoke

        DATABASE_URL = smoke.create_database(smoke.database_url("load"))
        args.members, args.topics, args.duration, args.think, args.workers = 3, 3, 4, 0.2, 1
        args.redis_outage, redis = False, None
        env = environment(os.environ.get("REDIS_URL", ""))
    else:
        redis = Redis(free_port())
        redis.start()
        env = environment(f"redis://127.0.0.1:{redis.port}/0")
    setup_django(env)
    log("Seeding")
    ids = seed(args.members, args.topics)
    from django.db.models import Max

    from comcep.models import OutboxMessage, OutboxStatus
    from forum.models import Category, Topic

    first_outbox = (OutboxMessage.objects.aggregate(top=Max("pk"))["top"] or 0)
    # What the seeding wrote is not counted: it is marked sent before the load starts.
    OutboxMessage.objects.exclude(status=OutboxStatus.SENT).update(status=OutboxStatus.SENT)
    topics = list(Topic.objects.filter(category__slug__startswith="charge-").values_list("pk", flat=True))
    categories = list(Category.objects.filter(slug__startswith="charge-").values_list("slug", flat=True))
    sessions = [session_for(pk) for pk in ids]

    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    web = subprocess.Popen([gunicorn, "comcep.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{PORT}",
                            "--log-level", "warning"], cwd=ROOT, env=env, start_new_session=True)
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "comcep", "worker", "--beat",
                               "--pool=threads", "--concurrency=4", "-Q", env["CELERY_TASK_DEFAULT_QUEUE"],
                               "--loglevel=WARNING",
                               "--schedule", str(WORK / "beat-schedule")],
                              cwd=ROOT, env=env, start_new_session=True,
                              stdout=(WORK / "worker.log").open("w"), stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        results = Results()
        shutil.rmtree(WORK / "mail", ignore_errors=True)  # count only what the load makes
        started = time.monotonic()
        until = started + args.duration
        log(f"Load: {args.members} members for {args.duration} s"
            + (" (Redis killed for the middle third)" if args.redis_outage else ""))
        threads = [Member(s, topics, categories, results, until, n, args.think)
                   for n, s in enumerate(sessions)]
        for thread in threads:
            thread.start()
        backlog_max = 0
        outage = [args.duration / 3, 2 * args.duration / 3] if args.redis_outage else None
        while any(t.is_alive() for t in threads):
            elapsed = time.monotonic() - started
            if outage and elapsed >= outage[0] and redis.process.poll() is None:
                log("Killing Redis")
                redis.kill()
            if outage and elapsed >= outage[1] and redis.process.poll() is not None:
                log("Starting Redis again (empty)")
                redis.start()
                outage = None
            unsent = OutboxMessage.objects.filter(pk__gt=first_outbox).exclude(status=OutboxStatus.SENT)
            backlog = unsent.count()
            backlog_max = max(backlog_max, backlog)
            time.sleep(1)
        load_end_backlog = backlog
        log("Load over; waiting for the outbox to drain (up to 3 minutes)")
        deadline = time.monotonic() + (60 if args.smoke else 180)
        while time.monotonic() < deadline:
            if not unsent.exists():
                break
            time.sleep(2)
        produced = OutboxMessage.objects.filter(pk__gt=first_outbox)
        sent = produced.filter(status=OutboxStatus.SENT).count()
        files, distinct = mail_counts()
        total = sum(results.statuses.values())
        print()
        print(f"Requests: {total} in {args.duration} s ({total / args.duration:.0f}/s), statuses: "
              + ", ".join(f"{code or 'no answer'}: {n}" for code, n in sorted(results.statuses.items())))
        print("By page and status: " + ", ".join(f"{page} {code}: {n}"
                                                  for (page, code), n in sorted(results.by_page.items())))
        if results.refusal:
            print(f"A reply was not published: {results.refusal}")
        print("Errors: " + (", ".join(f"{page} {code or 'no answer'}: {n}"
                                      for (page, code), n in sorted(results.errors.items())) or "none"))
        print(f"{'page':<16}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
        for page, values in sorted(results.latencies.items()):
            print(f"{page:<16}{len(values):>7}{statistics.median(values) * 1000:>9.1f}"
                  f"{percentile(values, .95):>9.1f}{percentile(values, .99):>9.1f}")
        print(f"Worker backlog (outbox not sent): highest {backlog_max}, at the end of the load "
              f"{load_end_backlog}, after draining {produced.count() - sent}")
        print(f"Emails produced: {produced.count()}, marked sent: {sent}, written by the mail backend: "
              f"{files} ({distinct} distinct Message-IDs, {files - distinct} duplicates)")
        if args.smoke:
            if results.errors or not total:
                raise SystemExit(f"smoke run: {total} requests, {sum(results.errors.values())} errors")
            print("smoke run: every request answered")
    finally:
        for process in (web, worker):
            os.killpg(process.pid, signal.SIGTERM)
        for process in (web, worker):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        if redis:
            redis.kill()
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
