"""Forum benchmark (not a test): 20,000 members, 20,000 topics, 400,000 posts.

Seeds its own database with COPY (about a minute and a half), reads it into
memory (pg_prewarm when the server has it), serves the site with gunicorn, and
measures with wrk, signed in as a member:

  * the topic list of a category (about 5,000 topics in it),
  * a topic page of 50 posts,
  * page 1 of 1,000 different topics read by 200 members in random order,
  * the forum's index (the categories and the latest topics across them),
  * the search page, sequentially over varied French queries (p50/p95), then with wrk
    over the same queries.

Run from the repository root (PostgreSQL and Redis on localhost):

    .venv/bin/python bench/forum_bench.py            # seeds once, then measures
    .venv/bin/python bench/forum_bench.py --reseed   # drops and seeds again
    .venv/bin/python bench/forum_bench.py --smoke    # a tiny forum in its own database, every
                                                     # scenario for 2 s: checks that the bench runs

``--smoke`` asserts no figure: it exits 0 when every scenario answered 200, 1 otherwise.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/comcep_bench),
REDIS_URL (default redis://127.0.0.1:6379/2), BENCH_PORT (default 8765).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/comcep_bench")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
MEMBERS, TOPICS, POSTS = 20_000, 20_000, 400_000
LONG_TOPICS = 1_000  # topics with 58 posts (enough for a full page of 50); the others have 18
LONG_SIZE, SHORT_SIZE = 58, 18
assert LONG_TOPICS * LONG_SIZE + (TOPICS - LONG_TOPICS) * SHORT_SIZE == POSTS
# --smoke: a forum small enough to seed in a few seconds, in a database of its own.
SMOKE_MEMBERS, SMOKE_TOPICS, SMOKE_LONG_TOPICS = 200, 50, 5
SMOKE_SECONDS = 1
# The servers the caller gave (a test run's, say), before the bench's own replace them.
GIVEN_DATABASE_URL, GIVEN_REDIS_URL = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")

os.environ.update({
    "DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL, "DJANGO_SETTINGS_MODULE": "comcep.settings",
    "DJANGO_DEBUG": "0", "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0", "STATICFILES_MANIFEST": "0",
    "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING", "COMCEP_LOCAL": "1",
})

WORDS = " ".join([
    "accompagnement bilan compétences conseil évolution professionnelle reconversion formation",
    "financement projet transition entretien orientation métier emploi salarié employeur VAE CPF",
    "diplôme certification parcours démarche personne besoin outil pratique posture écoute",
    "neutralité confidentialité synthèse restitution territoire entreprise secteur numérique",
    "handicap jeunes seniors insertion mobilité qualification apprentissage alternance titre",
    "expérience savoir-faire ressources questionnaire atelier collectif individuel distanciel",
    "téléphone visioconférence agenda rendez-vous suivi plan action objectif étape réseau",
    "partenaires Carif-Oref région opérateur dispositif prescription aide montant durée organisme",
    "santé travail prévention licenciement démission création reprise activité",
]).split()
TAGS = ["vae", "cpf", "bilan", "reconversion", "outils", "posture", "financement", "jeunes",
        "handicap", "numérique", "territoire", "entretien", "ptp", "formation", "éthique"]
CATEGORIES = [("echanges-de-pratiques", "Échanges de pratiques"),
              ("questions-vives", "Questions vives du métier"),
              ("sessions-experts", "Sessions d'experts"), ("region-bretagne", "En région : Bretagne")]
SEARCHES = ["évaluation des compétences", "financement VAE", "reconversion salarié", "entretien téléphone",
            "posture neutralité", "\"transition professionnelle\"", "handicap emploi -jeunes", "cpf OR vae",
            "diplome", "outil numérique", "projet de transition", "accompagnement jeunes insertion",
            "employeur confidentialité", "atelier collectif", "titre professionnel", "creation activite",
            "mobilité territoire", "qualification apprentissage", "restitution synthèse", "santé travail"]


def use_smoke_data(script: str = "forum") -> None:
    """Switch to the small data set, in a database of its own beside the caller's (dropped at
    exit), with the caller's Redis or none (before Django is set up)."""
    global DATABASE_URL, REDIS_URL, MEMBERS, TOPICS, POSTS, LONG_TOPICS, VARIED_TOPICS, VARIED_MEMBERS
    import atexit

    import smoke

    DATABASE_URL = smoke.database_url(script, GIVEN_DATABASE_URL or DATABASE_URL)
    os.environ["DATABASE_URL"] = DATABASE_URL
    atexit.register(smoke.drop_database, DATABASE_URL)
    REDIS_URL = GIVEN_REDIS_URL or ""
    if REDIS_URL:
        os.environ["REDIS_URL"] = REDIS_URL
    else:  # the local-memory cache and the broker on disk, as in a checkout with no Redis
        os.environ.pop("REDIS_URL")
    MEMBERS, TOPICS, LONG_TOPICS = SMOKE_MEMBERS, SMOKE_TOPICS, SMOKE_LONG_TOPICS
    POSTS = LONG_TOPICS * LONG_SIZE + (TOPICS - LONG_TOPICS) * SHORT_SIZE
    VARIED_TOPICS, VARIED_MEMBERS = LONG_TOPICS, min(VARIED_MEMBERS, MEMBERS - 1)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def setup_django(create: bool) -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    admin = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if create and exists:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
            # Cached pages are keyed by row revisions, which start again in a new database:
            # forget this database's keys (comcep.cache.db_scoped_key), and only those.
            if REDIS_URL:
                import redis

                client = redis.Redis.from_url(REDIS_URL)
                for cached in client.scan_iter(match=f"*:{name}:*", count=1000):
                    client.delete(cached)
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()


# Text with the shape of real French: stop words first, then the trade's words, then a long
# tail of rarer words, drawn with Zipf's law (a hundred words alone would put every word
# in a third of the posts, which no real forum does).
STOP_WORDS = " ".join([
    "de la le et les des en un une pour que qui dans sur avec pas plus par est sont",
    "nous vous il elle on ce cette au aux du se sa son ses mais ou donc très bien aussi",
]).split()


def vocabulary(rng: random.Random, size: int = 6000) -> tuple[list[str], list[float]]:
    syllables = ["ba", "cor", "di", "fen", "ga", "lu", "mar", "né", "po", "ri", "sa", "té", "vo", "chan",
                 "ter", "mon", "pli", "ver", "quo", "zé", "bri", "dor", "fla", "gri"]
    tail = set()
    while len(tail) < size:
        tail.add("".join(rng.choices(syllables, k=rng.randint(2, 4))))
    words = STOP_WORDS + WORDS + sorted(tail)
    cumulative, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1 / rank ** 1.07
        cumulative.append(total)
    return words, cumulative


_VOCABULARY: tuple[list[str], list[float]] | None = None


def sentence(rng: random.Random, n: int) -> str:
    global _VOCABULARY
    if _VOCABULARY is None:
        _VOCABULARY = vocabulary(random.Random(7))
    words = rng.choices(_VOCABULARY[0], cum_weights=_VOCABULARY[1], k=n)
    return " ".join(words).capitalize() + "."


def seeded() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('forum_post') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("SELECT count(*) FROM forum_post")
        return cursor.fetchone()[0] == POSTS


def seed() -> None:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection

    from comcep.models import new_public_id
    from comcep.pseudonyms import key, skeleton

    log("migrating")
    call_command("migrate", verbosity=0)
    rng = random.Random(42)
    now = datetime.now(UTC)
    password = make_password("bench-password-2026")
    raw = connection.cursor().connection  # psycopg 3
    with raw.cursor() as cur:
        cur.execute("SELECT id FROM auth_group WHERE name = 'member'")
        group_id = cur.fetchone()[0]
        cur.execute("SELECT id FROM comcep_operator ORDER BY id LIMIT 1")
        operator_id = cur.fetchone()[0]
        cur.execute("SELECT id FROM comcep_region WHERE code = '53'")
        region_id = cur.fetchone()[0]

        log(f"members: {MEMBERS}")
        first = ["Boussole", "Lanterne", "Passerelle", "Sextant", "Horizon", "Jalon", "Zénith", "Orée",
                 "Marée", "Rose", "Cap", "Fil", "Grain", "Quai", "Vent", "Phare", "Étoile", "Cairn"]
        second = ["Bleue", "Verte", "du Large", "d'Automne", "Claire", "Vive", "Nord", "Sud", "Ouest",
                  "Est", "Haute", "Douce", "Franche", "Libre"]
        pseudonyms, skeletons = [], set()
        i = 0
        while len(pseudonyms) < MEMBERS:
            n, letters = i, ""
            while True:
                letters = chr(65 + n % 26) + letters
                n //= 26
                if not n:
                    break
            candidate = f"{first[i % len(first)]} {second[(i // len(first)) % len(second)]} {letters}"[:30]
            i += 1
            folded = skeleton(candidate)
            if folded in skeletons:
                continue
            skeletons.add(folded)
            pseudonyms.append(candidate)
        joined = now - timedelta(days=400)
        with cur.copy("COPY comcep_user (id, password, is_superuser, first_name, last_name, is_staff, "
                      "is_active, date_joined, email) FROM STDIN") as copy:
            for m in range(1, MEMBERS + 1):
                copy.write_row((m, password, False, "Prénom", f"Nom{m}", False, True, joined,
                                f"bench{m}@bench.comcep.fr"))
        with cur.copy("COPY comcep_user_groups (user_id, group_id) FROM STDIN") as copy:
            for m in range(1, MEMBERS + 1):
                copy.write_row((m, group_id))
        public_ids: set[str] = set()
        while len(public_ids) < MEMBERS:
            public_ids.add(new_public_id())
        with cur.copy("COPY comcep_member (id, user_id, public_id, pseudonym, pseudonym_key, "
                      "pseudonym_skeleton, show_network, bio, joined_at, operator_id, region_id) "
                      "FROM STDIN") as copy:
            rows = zip(pseudonyms, sorted(public_ids), strict=True)
            for m, (pseudonym, public_id) in enumerate(rows, start=1):
                copy.write_row((m, m, public_id, pseudonym, key(pseudonym), skeleton(pseudonym), False, "",
                                joined, operator_id, region_id))

        log("categories, topics, tags")
        for position, (slug, name) in enumerate(CATEGORIES):
            cur.execute(
                "INSERT INTO forum_category (id, name, slug, description, position, start_policy, "
                "topic_count, post_count, last_post_at, revision, members_only) "
                "VALUES (%s, %s, %s, '', %s, 'members', 0, 0, NULL, 0, false)",
                [position + 1, name, slug, position],
            )
        start = now - timedelta(days=365)
        topics = []
        for t in range(1, TOPICS + 1):
            size = LONG_SIZE if t <= LONG_TOPICS else SHORT_SIZE
            created = start + timedelta(seconds=rng.randrange(0, 300 * 86400))
            topics.append((t, 1 + (t % len(CATEGORIES)), size, created, 1 + rng.randrange(MEMBERS)))
        # The pages measured: the first of the long topics, in category 2.
        posts_of = {}
        with cur.copy("COPY forum_topic (id, category_id, title, kind, author_id, created_at, is_pinned, "
                      "is_locked, post_count, last_post_at, last_poster_id, revision) FROM STDIN") as copy:
            for t, category, size, created, author in topics:
                stamps = sorted(created + timedelta(minutes=rng.randrange(0, 60 * 24 * 60))
                                for _ in range(size - 1))
                posters = [1 + rng.randrange(MEMBERS) for _ in range(size - 1)]
                posts_of[t] = (stamps, posters)
                title = sentence(rng, rng.randint(4, 9))[:150]
                copy.write_row((t, category, title, "question" if t % 5 == 0 else "discussion", author,
                                created, t % 997 == 0, False, size, stamps[-1], posters[-1], 0))
        cur.execute("SELECT id FROM django_content_type WHERE app_label = 'forum' AND model = 'topic'")
        topic_ct = cur.fetchone()[0]
        with cur.copy("COPY taggit_tag (id, name, slug) FROM STDIN") as copy:
            for index, tag in enumerate(TAGS, start=1):
                copy.write_row((index, tag, re.sub(r"\W", "-", tag)))
        with cur.copy("COPY taggit_taggeditem (object_id, content_type_id, tag_id) FROM STDIN") as copy:
            for t, *_rest in topics:
                for tag_id in rng.sample(range(1, len(TAGS) + 1), 2):
                    copy.write_row((t, topic_ct, tag_id))

        log(f"posts: {POSTS} (the search column is computed by PostgreSQL as they load)")
        cur.execute("DROP INDEX IF EXISTS post_search_idx")
        post_id = 0
        with cur.copy("COPY forum_post (id, topic_id, number, author_id, body, body_html, created_at, "
                      "thanks_count, is_hidden, hidden_reason, headline) FROM STDIN") as copy:
            for t, _category, size, created, author in topics:
                stamps, posters = posts_of[t]
                for number in range(1, size + 1):
                    post_id += 1
                    paragraphs = [sentence(rng, rng.randint(10, 30)) for _ in range(rng.randint(1, 3))]
                    body = "\n\n".join(paragraphs)
                    html = "".join(f"<p>{p}</p>\n" for p in paragraphs)
                    when = created if number == 1 else stamps[number - 2]
                    who = author if number == 1 else posters[number - 2]
                    copy.write_row((post_id, t, number, who, body, html, when, rng.randrange(0, 4), False, "",
                                    "" if number > 1 else f"topic {t}"))
        log("indexes and counters")
        cur.execute("UPDATE forum_post p SET headline = t.title FROM forum_topic t "
                    "WHERE p.topic_id = t.id AND p.number = 1")
        cur.execute("CREATE INDEX post_search_idx ON forum_post USING gin (search_vector)")
        cur.execute("UPDATE forum_category c SET topic_count = s.topics, post_count = s.posts, "
                    "last_post_at = s.last FROM (SELECT category_id, count(*) topics, "
                    "sum(post_count) posts, max(last_post_at) last FROM forum_topic GROUP BY category_id) s "
                    "WHERE s.category_id = c.id")
        for table in ("comcep_user", "comcep_member", "forum_category", "forum_topic", "forum_post",
                      "taggit_tag"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))")
    raw.commit()
    connection.close()
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    log("seeded")


def session_cookie(user_id: int = 1) -> str:
    """A signed-in session for a member, stored as the site stores them."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore

    from comcep import legal
    from comcep.models import User

    user = User.objects.get(pk=user_id)
    legal.accept_at_application(user)  # the charter in force, accepted as at sign-up
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "comcep.auth.Backend"  # what a sign-in through the site stores
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[legal.SESSION_KEY] = legal.current_charter()[1]  # what a sign-in notes
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def prewarm() -> None:
    """Read the forum's tables and indexes into memory, as a live server holds its working set.

    Between runs this machine hands memory that nobody touched back to its host, so a run
    would otherwise start by reading the database from disk.
    """
    import psycopg

    relations = ["forum_post", "forum_topic", "forum_category", "comcep_member", "comcep_user",
                 "post_search_idx", "post_recent_idx", "forum_post_pkey", "post_number_unique_in_topic",
                 "forum_topic_pkey", "comcep_member_pkey", "comcep_user_pkey"]
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            for relation in relations:
                conn.execute("SELECT pg_prewarm(%s::regclass, 'read')", [relation])
        except psycopg.Error:
            # No pg_prewarm: a sequential read of the big table does most of it.
            conn.execute("SELECT count(*) FROM forum_post WHERE body_html <> '' "
                         "AND search_vector IS NOT NULL")


VARIED_TOPICS, VARIED_MEMBERS = 1_000, 200


def varied_script() -> str:
    """A wrk script that asks for page 1 of a random long topic as a random member."""
    import tempfile

    cookies = [session_cookie(member) for member in range(2, VARIED_MEMBERS + 2)]
    paths = [f"/forum/sujet/{topic}/?page=1" for topic in range(1, VARIED_TOPICS + 1)]  # the long topics
    lua = ("cookies = {" + ",".join(f'"{c}"' for c in cookies) + "}\n"
           "paths = {" + ",".join(f'"{p}"' for p in paths) + "}\n"
           "request = function()\n"
           "  local cookie = cookies[math.random(#cookies)]\n"
           "  return wrk.format('GET', paths[math.random(#paths)],\n"
           "    {Host = wrk.headers['Host'], Cookie = cookie})\n"
           "end\n")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(lua)
    return handle.name


def search_script() -> str:
    """A wrk script that runs the bench's searches in turn."""
    import tempfile
    from urllib.parse import urlencode

    paths = ["/forum/recherche/?" + urlencode({"q": q}) for q in SEARCHES]
    lua = ("paths = {" + ",".join(f'"{p}"' for p in paths) + "}\n"
           "counter = 0\n"
           "request = function()\n"
           "  counter = counter + 1\n"
           "  return wrk.format('GET', paths[counter % #paths + 1])\n"
           "end\n")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(lua)
    return handle.name


def start_server(workers: int, threads: int = 1) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    # With threads, gunicorn's gthread worker keeps connections alive between requests.
    worker_class = ["-k", "gthread", "--threads", str(threads)] if threads > 1 else []
    process = subprocess.Popen(
        [gunicorn, "comcep.wsgi", "-w", str(workers), *worker_class, "-b", f"127.0.0.1:{PORT}",
         "--access-logfile", "-", "--log-level", "warning"],
        cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
            return process
        except Exception:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect (to the sign-in page, say) is an answer of its own, not a 200


_opener = urllib.request.build_opener(_NoRedirect)


def get(path: str, cookie: str) -> tuple[int, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers={"Cookie": cookie})
    try:
        with _opener.open(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def run_wrk(path: str, cookie: str, duration: int, *, threads: int = 2, connections: int = 8,
            script: str | None = None) -> dict:
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "-H", f"Cookie: {cookie}",
         *(["-s", script] if script else []), f"http://127.0.0.1:{PORT}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout

    def ms(label: str) -> float:
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50": ms("50%"), "p99": ms("99%"), "non2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0, "raw": out,
    }


def measure_search(cookie: str, rounds: int) -> dict:
    from urllib.parse import urlencode

    for q in SEARCHES:  # a first pass warms the workers and the database, as a live site is
        get("/forum/recherche/?" + urlencode({"q": q}), cookie)
    timings, by_query = [], {}
    for _ in range(rounds):
        for q in SEARCHES:
            began = time.perf_counter()
            status, _body = get("/forum/recherche/?" + urlencode({"q": q}), cookie)
            elapsed = (time.perf_counter() - began) * 1000
            timings.append(elapsed)
            by_query.setdefault(q, []).append(elapsed)
            assert status == 200
    timings.sort()
    slowest = sorted(by_query, key=lambda q: -statistics.median(by_query[q]))[:3]
    return {"n": len(timings), "p50": statistics.median(timings),
            "p95": timings[int(len(timings) * 0.95) - 1], "max": timings[-1],
            "slowest": ", ".join(f"{q!r} {statistics.median(by_query[q]):.0f} ms" for q in slowest)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reseed", action="store_true", help="drop the benchmark database and seed again")
    parser.add_argument("--smoke", action="store_true",
                        help=f"{SMOKE_MEMBERS} members, {SMOKE_TOPICS} topics in a database of its own "
                             f"(seeded afresh), every scenario for {SMOKE_SECONDS} s; exit 0 when every "
                             "scenario answered 200")
    parser.add_argument("--duration", type=int, default=20, help="seconds per wrk run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker (gthread worker, keep-alive); 1 = gunicorn's sync worker")
    parser.add_argument("--search-rounds", type=int, default=5)
    parser.add_argument("--search-only", action="store_true", help="measure the search alone")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed (apt-get install wrk)")
    if args.smoke:
        use_smoke_data()
        args.reseed, args.duration, args.search_rounds = True, SMOKE_SECONDS, 1
    alone_seconds = SMOKE_SECONDS if args.smoke else 5

    setup_django(create=args.reseed)
    if not seeded():
        began = time.monotonic()
        seed()
        log(f"seeding took {time.monotonic() - began:.0f} s")
    else:
        # Data seeded by an older checkout: its schema brought up to this one's.
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    cookie = session_cookie()
    from forum.models import Category, Topic

    category = Category.objects.get(pk=2)
    topic = Topic.objects.filter(post_count__gte=50, category=category).order_by("pk").first()
    pages = {
        f"topic list ({category.topic_count} topics in the category)": f"/forum/categorie/{category.slug}/",
        f"topic page (50 of {topic.post_count} posts)": f"/forum/sujet/{topic.pk}/?page=1",
        "forum index": "/forum/",
    }
    if args.search_only:
        pages = {}
    prewarm()
    server = start_server(args.workers, args.threads)
    failures = []

    def check(name: str, result: dict) -> dict:
        if result["non2xx"] or result["socket_errors"] or not result["requests"]:
            failures.append(f"{name}: {result['requests']} requests, {result['non2xx']} not 2xx/3xx, "
                            f"{result['socket_errors']} socket errors")
        return result

    try:
        for path in pages.values():
            status, body = get(path, cookie)
            assert status == 200 and b"Se d\xc3\xa9connecter" in body, f"{path} answered {status}"
            for _ in range(20):  # warm every worker's connection and caches
                get(path, cookie)
        results, alone = {}, {}
        for name, path in pages.items():
            log(f"wrk -t2 -c8 -d{args.duration}s {path}")
            results[name] = check(name, run_wrk(path, cookie, args.duration))
            # One connection at a time: the service time of a request, without queueing.
            alone[name] = check(f"{name}, alone", run_wrk(path, cookie, alone_seconds, threads=1,
                                                          connections=1))
        if pages:
            # Many readers on many topics, in random order: most pages are read for the first
            # time by their reader (a read mark is written), and the shared parts of a topic
            # page are built the first time anyone opens it.
            name = f"topic pages, {VARIED_TOPICS} topics × {VARIED_MEMBERS} members, at random"
            log(f"wrk -t2 -c8 -d{args.duration}s over {name}")
            results[name] = check(name, run_wrk("/", cookie, args.duration, script=varied_script()))
        search = measure_search(cookie, args.search_rounds)
        name = f"search, {len(SEARCHES)} queries in turn"
        log(f"wrk -t2 -c8 -d{args.duration}s over {name}")
        results[name] = check(name, run_wrk("/", cookie, args.duration, script=search_script()))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)

    print()
    print(f"Forum benchmark — {MEMBERS:,} members, {TOPICS:,} topics, {POSTS:,} posts; "
          f"gunicorn {args.workers} workers; wrk -t2 -c8 -d{args.duration}s")
    print(f"{'page':<44} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for name, r in results.items():
        print(f"{name:<44} {r['rps']:>8.1f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['non2xx']:>8}")
    for name, r in alone.items():
        print(f"  one connection only (wrk -t1 -c1 -d{alone_seconds}s): {name:<40} p50 {r['p50']:.2f} ms, "
              f"{r['rps']:.1f} req/s")
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    print(f"search ({search['n']} sequential requests over {len(SEARCHES)} queries): "
          f"p50 {search['p50']:.1f} ms, p95 {search['p95']:.1f} ms, max {search['max']:.1f} ms")
    print(f"  slowest queries (median): {search['slowest']}")
    if failures:
        print("FAILED:", *failures, sep="\n  ")
        raise SystemExit(1)
    if args.smoke:
        print("smoke run: every scenario answered 200")


if __name__ == "__main__":
    main()
