"""Every benchmark script still runs: its ``--smoke`` run (tiny data, a second or so of load, a
database of its own beside the test run's, the test run's Redis), with no figure asserted.

A script added to bench/ without ``--smoke`` fails here too (its options refuse it).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
HELPERS = {"smoke.py"}  # shared by the scripts' smoke runs, not a benchmark
SCRIPTS = sorted(path.name for path in BENCH.iterdir()
                 if path.suffix in {".py", ".sh"} and path.name not in HELPERS)
# Programs a script needs besides Python and PostgreSQL (CI installs them).
PROGRAMS = {"forum_bench.py": ["wrk"], "startup.sh": ["git", "curl"]}
# Scripts that start a real Celery worker process.
WORKERS = {"load_bench.py", "transcode_bench.py", "startup.sh"}
TIMEOUT = 240  # seconds; a smoke run takes well under a minute


def _environment() -> dict[str, str]:
    """A developer's shell, with the test run's servers and cache prefix (whose keys the tests
    clear), and none of the settings pytest gives the tests."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "DATABASE_URL", "REDIS_URL", "CACHE_KEY_PREFIX")
    return {name: os.environ[name] for name in keep if name in os.environ}


@pytest.mark.parametrize("script", [
    pytest.param(name, marks=[pytest.mark.worker] if name in WORKERS else []) for name in SCRIPTS
])
def test_the_benchmark_runs_on_a_tiny_data_set(script):
    missing = [program for program in PROGRAMS.get(script, []) if not shutil.which(program)]
    if missing:
        pytest.skip(f"{script} needs {', '.join(missing)}, not installed here")
    command = (["bash", str(BENCH / script)] if script.endswith(".sh")
               else [sys.executable, str(BENCH / script)])
    process = subprocess.Popen([*command, "--smoke"], cwd=ROOT, env=_environment(), text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        pytest.fail(f"{script} --smoke still running after {TIMEOUT} s:\n{output[-8000:]}")

    assert process.returncode == 0, f"{script} --smoke exited {process.returncode}:\n{output[-8000:]}"
