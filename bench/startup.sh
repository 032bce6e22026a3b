#!/usr/bin/env bash
# Time from a fresh clone to the first page with the README's run command,
# cold (new clone: venv, install, embedded PostgreSQL, migrations, demo data)
# and warm (the same clone, started again). Uses pip's cache like a developer.
#   bash bench/startup.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
port=${PORT:-8791}
git clone -q "$root" "$work/comcep"
cd "$work/comcep"

first_page() {
  local start=$1 log=$2
  ./dev up > "$log" 2>&1 &
  local pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/"; do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$log"; exit 1; }
    sleep 0.2
  done
  local elapsed
  elapsed=$(python3 -c "import time; print(f'{time.time() - $start:.1f}')")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  echo "$elapsed"
}

export PORT=$port
unset DATABASE_URL REDIS_URL
cold=$(first_page "$(date +%s.%N)" "$work/cold.log")
warm=$(first_page "$(date +%s.%N)" "$work/warm.log")
echo "run command, fresh clone to first page: cold ${cold}s, warm ${warm}s"
rm -rf "$work"
