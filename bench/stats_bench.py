"""How long the statistics pages take to render (not a test).

Works on the forum benchmark's data (``bench/forum_bench.py``: 20,000 members, 20,000 topics,
400,000 posts, in comcep_bench), seeded by forum_bench's own ``seed`` when the database does not
hold it yet, plus what the dashboard counts beyond the forum: one application per member,
admitted, with its steps (submitted, confirmed, admitted), and 2,000 more applicants at the
other stages (waiting for the operator, some overdue, refused, in appeal, on a waiting list),
spread over the operators and regions. Then it renders each page in-process (the view itself,
its tables, charts and template; the sign-in middleware and the role checks left out), ``-n``
times, and prints per page the median and 95th percentile time and the number of queries: as a
manager reads it (what the shared cache keeps of the history already there), then as if an
application had taken a step before each render (the enrolment's figures read again), then
with the whole history read again at every render (the first reading of a new week):

  * the platform manager's dashboard (funnel, delays, roll-out, twelve weeks of activity),
  * an operator manager's figures of their network (the operator of every seeded member),
  * the cost-share page.

    .venv/bin/python bench/stats_bench.py          # seeds once (a few minutes), then measures
    .venv/bin/python bench/stats_bench.py -n 50    # renders per page, default 30
    .venv/bin/python bench/stats_bench.py --smoke  # forum_bench's tiny forum in a database of its
                                                   # own (dropped at exit): checks that it runs

``--smoke`` asserts no figure. Environment: BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/comcep_bench), REDIS_URL (default redis://127.0.0.1:6379/2).
"""

from __future__ import annotations

import argparse
import inspect
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import forum_bench  # noqa: E402  (sets the environment before Django loads)

EXTRA_APPLICANTS = 2_000  # applicants who are not members (yet), at the other stages
SMOKE_EXTRA_APPLICANTS = 40
MANAGER_EMAIL = "responsable@bench.comcep.fr"


def applications_seeded() -> bool:
    from enrolment.models import Application

    return Application.objects.exists()


def seed_applications(extra: int) -> None:
    """An admitted application for each member, ``extra`` applicants at the other stages, and
    their steps, loaded with COPY (the forum's seed makes accounts, not applications)."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from comcep.models import Operator, Region

    forum_bench.log(f"applications: {forum_bench.MEMBERS} members, {extra} other applicants")
    rng = random.Random(43)
    now = datetime.now(UTC)
    operators = list(Operator.objects.order_by("pk").values_list("pk", flat=True))
    regions = list(Region.objects.order_by("pk").values_list("pk", flat=True))
    raw = connection.cursor().connection
    password = make_password(None)  # applicants who are not members have no usable password
    with raw.cursor() as cur:
        cur.execute("SELECT user_id, operator_id, region_id, joined_at FROM comcep_member ORDER BY id")
        members = cur.fetchall()
        cur.execute("SELECT coalesce(max(id), 0) FROM comcep_user")
        next_user = cur.fetchone()[0] + 1
        # (user, operator, region, status, steps: [(action, from, to, when)])
        applications = []
        for user_id, operator_id, region_id, _joined in members:
            # Admissions spread over the last 500 days, so that this year's months have some.
            admitted = now - timedelta(days=rng.randint(0, 500), hours=rng.randint(0, 23))
            submitted = admitted - timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 23))
            confirmed = submitted + timedelta(minutes=rng.randint(2, 600))
            applications.append((user_id, operator_id, region_id, "admitted", admitted, [
                ("submit", "", "submitted", submitted), ("confirm_email", "submitted", "pending", confirmed),
                ("approve", "pending", "admitted", admitted)]))
        stages = ["pending", "pending", "overdue", "refused", "appealed", "waitlisted", "submitted"]
        new_users = []
        for n in range(extra):
            user_id = next_user + n
            new_users.append(user_id)
            stage = stages[n % len(stages)]
            submitted = now - timedelta(days=rng.randint(1 if stage != "overdue" else 20, 60))
            confirmed = submitted + timedelta(hours=rng.randint(1, 30))
            decided = confirmed + timedelta(days=rng.randint(1, 10))
            steps = [("submit", "", "submitted", submitted)]
            if stage == "submitted":
                status, changed = "submitted", submitted
            elif stage == "waitlisted":
                steps.append(("waitlist", "submitted", "waitlisted", confirmed))
                status, changed = "waitlisted", confirmed
            else:
                steps.append(("confirm_email", "submitted", "pending", confirmed))
                status, changed = "pending", confirmed
                if stage in ("refused", "appealed"):
                    steps.append(("refuse", "pending", "refused", decided))
                    status, changed = "refused", decided
                if stage == "appealed":
                    steps.append(("appeal", "refused", "appealed", decided + timedelta(days=1)))
                    status, changed = "appealed", decided + timedelta(days=1)
            applications.append((user_id, rng.choice(operators), rng.choice(regions), status, changed, steps))
        with cur.copy("COPY comcep_user (id, password, is_superuser, first_name, last_name, is_staff, "
                      "is_active, date_joined, email) FROM STDIN") as copy:
            for user_id in new_users:
                copy.write_row((user_id, password, False, "Prénom", f"Nom{user_id}", False, True, now,
                                f"candidat{user_id}@bench.comcep.fr"))
        with cur.copy("COPY enrolment_application (id, user_id, first_name, last_name, name_key, email, "
                      "operator_id, region_id, structure_name, job_title, charter_accepted_at, language, "
                      "status, status_changed_at, created_at, refusal_category, refusal_text, "
                      "appeal_text, operator_reason) FROM STDIN") as copy:
            for pk, (user_id, operator_id, region_id, status, changed, steps) in enumerate(applications, 1):
                created = steps[0][3]
                copy.write_row((pk, user_id, "Prénom", f"Nom{user_id}", f"nom{user_id} prenom",
                                f"{'bench' if user_id < next_user else 'candidat'}{user_id}@bench.comcep.fr",
                                operator_id, region_id, "Agence", "Conseiller·ère", created, "fr", status,
                                changed, created, "other" if status in ("refused", "appealed") else "",
                                "", "", ""))
        with cur.copy("COPY enrolment_applicationevent (application_id, action, from_status, to_status, "
                      "actor_role, category, text, created_at) FROM STDIN") as copy:
            for pk, (_user, _operator, _region, _status, _changed, steps) in enumerate(applications, 1):
                for action, before, after, when in steps:
                    role = "operator_manager" if action in ("approve", "refuse") else "applicant"
                    copy.write_row((pk, action, before, after, role, "", "", when))
        for table in ("comcep_user", "enrolment_application", "enrolment_applicationevent"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))")
    raw.commit()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE comcep_user, enrolment_application, enrolment_applicationevent")


def operator_manager():
    """The manager of the operator every seeded member belongs to (named once)."""
    from comcep import roles
    from comcep.models import Member, Operator, User

    operator = Operator.objects.get(pk=Member.objects.order_by("pk").values_list("operator", flat=True)[0])
    user = User.objects.filter(email=MANAGER_EMAIL).first()
    if user is None:
        user = User.objects.create_user(email=MANAGER_EMAIL, password=None, first_name="Responsable",
                                        last_name="Banc")
        roles.name_operator_manager(user, operator, actor=None)
    return user, operator


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else times[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=30, help="renders per page (default 30)")
    parser.add_argument("--smoke", action="store_true",
                        help="seed forum_bench's tiny forum in a database of its own and render each "
                             "page 3 times; asserts no figure")
    args = parser.parse_args()
    extra = EXTRA_APPLICANTS
    if args.smoke:
        forum_bench.use_smoke_data("stats")
        args.n, extra = 3, SMOKE_EXTRA_APPLICANTS
    forum_bench.setup_django(create=args.smoke)
    if args.smoke or not forum_bench.seeded():
        began = time.monotonic()
        forum_bench.seed()
        forum_bench.log(f"the forum's seeding took {time.monotonic() - began:.0f} s")
    else:
        # Data seeded by an older checkout: its schema brought up to this one's.
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    if not applications_seeded():
        seed_applications(extra)
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext, override_settings

    from stats import views

    manager, operator = operator_manager()
    factory = RequestFactory()

    def page(view, path: str, user, **kwargs):
        # The view itself, without its role and two-factor checks (what is measured is the page).
        bare = inspect.unwrap(view)
        request = factory.get(path)
        request.user = user

        def render() -> None:
            response = bare(request, **kwargs)
            assert response.status_code == 200, (path, response.status_code)
        return render

    pages = {
        "dashboard": page(views.dashboard, "/gestion/statistiques/", AnonymousUser()),
        f"operator's figures ({operator.name})": page(views.operator, f"/gestion/statistiques/reseau/"
                                                      f"{operator.slug}/", manager, slug=operator.slug),
        "cost share": page(views.cost_share, "/gestion/statistiques/repartition/", AnonymousUser()),
    }
    def measure(label: str, render) -> None:
        render()  # warm: templates compiled, connection open, the history's figures kept
        with CaptureQueriesContext(connection) as captured:
            render()
        times = []
        for _ in range(args.n):
            began = time.perf_counter()
            render()
            times.append((time.perf_counter() - began) * 1000)
        print(f"{label}: median {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms "
              f"over {args.n} renders, {len(captured.captured_queries)} queries", flush=True)

    for name, render in pages.items():
        measure(name, render)
    # An application took a step since the last reading, at every render: what is kept under
    # the steps' revision is read again, the weeks over are not.
    from stats import queries

    # A revision never seen before (the cache outlives a run: a counter would meet the keys
    # of the previous one).
    kept_revision = queries.steps_revision
    queries.steps_revision = lambda: f"{kept_revision()}-bench-{uuid.uuid4().hex}"
    for name, render in pages.items():
        measure(f"{name}, after a new application step", render)
    queries.steps_revision = kept_revision
    # The first reading after the history changed (a new application step; a week over): what
    # the shared cache keeps is read again from the database at every render.
    with override_settings(STATS_CACHE_SECONDS=0):
        for name, render in pages.items():
            measure(f"{name}, history read again", render)


if __name__ == "__main__":
    main()
