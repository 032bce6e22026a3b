#!/usr/bin/env bash
# Time from a fresh clone to the first page with the README's run command,
# cold (new clone: venv, install, embedded PostgreSQL, migrations, demo data)
# and warm (the same clone, started again). Uses pip's cache like a developer.
#   bash bench/startup.sh
#   bash bench/startup.sh --smoke   # once, in a clone sharing this checkout's .venv, on a database
#                                   # of its own beside DATABASE_URL's and REDIS_URL's Redis if
#                                   # any: checks that it runs (no figure asserted)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
smoke=""
[ "${1:-}" = "--smoke" ] && smoke=1
work=$(mktemp -d)
port=${PORT:-8791}
git clone -q "$root" "$work/comcep"
cd "$work/comcep"

first_page() {
  local start=$1 log=$2
  ./dev up > "$log" 2>&1 &
  local pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/"; do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$log" >&2; exit 1; }
    sleep 0.2
  done
  local elapsed
  elapsed=$(python3 -c "import time; print(f'{time.time() - $start:.1f}')")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  echo "$elapsed"
}

export PORT=$port
if [ -n "$smoke" ]; then
  # The installed requirements are shared, not reinstalled: what is run is the rest of the start.
  ln -s "$root/.venv" .venv
  py=$root/.venv/bin/python
  export PORT=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  port=$PORT
  DATABASE_URL=$(PYTHONPATH=$root/bench "$py" -c \
    'import smoke; print(smoke.create_database(smoke.database_url("startup"), drop_at_exit=False))')
  export DATABASE_URL CELERY_TASK_DEFAULT_QUEUE="startup-smoke-$$"
  trap 'PYTHONPATH=$root/bench "$py" -c "import smoke, sys; smoke.drop_database(sys.argv[1])" \
    "$DATABASE_URL"; rm -rf "$work"' EXIT
  once=$(first_page "$(date +%s.%N)" "$work/smoke.log")
  echo "smoke run: a clone (installed requirements shared) to its first page in ${once}s"
  exit 0
fi
unset DATABASE_URL REDIS_URL
cold=$(first_page "$(date +%s.%N)" "$work/cold.log")
warm=$(first_page "$(date +%s.%N)" "$work/warm.log")
echo "run command, fresh clone to first page: cold ${cold}s, warm ${warm}s"
rm -rf "$work"
