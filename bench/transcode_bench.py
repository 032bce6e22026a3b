"""Transcoding speed and peak memory of a video job, on this machine.

    .venv/bin/python bench/transcode_bench.py [--seconds 60] [--runs 1]
    DATABASE_URL=postgres://…/comcep_resources REDIS_URL=redis://…/3 \
        .venv/bin/python bench/transcode_bench.py --worker
    .venv/bin/python bench/transcode_bench.py --smoke   # a 1 s clip, both ways: checks that it runs

Makes a 1280x720 25 fps clip with ffmpeg's test sources (testsrc + sine), then
runs what the worker's job runs — probe, the 360p and 720p H.264/AAC
renditions, the poster — in a child process shaped like a worker process
(Django loaded, the same ``resources.transcoding`` calls, the same settings).
With ``--worker`` it runs the real thing instead: a Celery worker process
(threads pool, as in production) takes the ``process_video`` job for a
video row made in the (migrated) database of DATABASE_URL; the rows are
deleted afterwards. It reports seconds of video transcoded per second of wall
time, and the peak resident memory of the worker process and of its ffmpeg
children, sampled every 50 ms. Not a test: nothing is asserted. ``--smoke`` runs a 1 s clip
through both, the worker on a database of its own beside DATABASE_URL's (migrated, dropped at exit).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

JOB = r"""
import json, sys, time
from pathlib import Path
import django
django.setup()
from resources import conf, transcoding

source, out = Path(sys.argv[1]), Path(sys.argv[2])
started = time.perf_counter()
probe = transcoding.probe(source)
for height in transcoding.target_heights(probe.height, conf.video_heights()):
    transcoding.transcode(source, out / f"{height}p.mp4", height=height, duration=probe.duration,
                          has_audio=probe.has_audio, preset=conf.video_preset())
transcoding.make_poster(source, out / "poster.jpg", at=min(probe.duration / 3, 5))
print(json.dumps({"duration": probe.duration, "elapsed": time.perf_counter() - started}))
"""


def sample_peak(pid: int, stop: threading.Event, result: dict) -> None:
    import psutil

    try:
        parent = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    while not stop.is_set():
        try:
            own = parent.memory_info().rss
            children = sum(c.memory_info().rss for c in parent.children(recursive=True))
        except psutil.Error:
            children = own = 0
        result["worker"] = max(result.get("worker", 0), own)
        result["ffmpeg"] = max(result.get("ffmpeg", 0), children)
        result["total"] = max(result.get("total", 0), own + children)
        time.sleep(0.05)


def report(run: int, duration: float, elapsed: float, peaks: dict, what: str) -> None:
    print(f"{what} run {run}: {duration:.1f} s of 720p video → 360p + 720p + poster "
          f"in {elapsed:.1f} s = {duration / elapsed:.2f} s of video per second; "
          f"peak RSS: worker process {peaks.get('worker', 0) / 2**20:.0f} MiB, "
          f"ffmpeg {peaks.get('ffmpeg', 0) / 2**20:.0f} MiB, "
          f"together {peaks.get('total', 0) / 2**20:.0f} MiB")


def run_real_worker(source: Path, folder: Path, runs: int) -> None:
    """The job through a real Celery worker process, on the database of DATABASE_URL."""
    import shutil
    import uuid

    media = folder / "media"
    media.mkdir()
    os.environ["MEDIA_ROOT"] = str(media)
    queue = f"comcep-bench-{uuid.uuid4().hex[:8]}"
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = queue
    import django

    django.setup()
    from resources import services
    from resources.models import Kind, Resource, Video

    log = (folder / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "comcep", "worker", "--pool=threads",
         "--concurrency=2", "--loglevel=WARNING", "-Q", queue, "--without-gossip",
         "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=os.environ, stdout=log, stderr=subprocess.STDOUT,
    )
    peaks: dict = {}
    stop = threading.Event()
    sampler = threading.Thread(target=sample_peak, args=(worker.pid, stop, peaks))
    sampler.start()
    try:
        time.sleep(3)  # let the worker start and connect
        for run in range(1, runs + 1):
            resource = Resource.objects.create(kind=Kind.VIDEO, title=f"bench {queue} {run}",
                                               summary="bench")
            copy = folder / f"upload{run}.mp4"
            shutil.copyfile(source, copy)
            started = time.perf_counter()
            video = services.attach_video(resource, copy, original_size=copy.stat().st_size)
            while Video.objects.filter(pk=video.pk, state__in=["queued", "processing"]).exists():
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
            video.refresh_from_db()
            if video.state != "ready":
                sys.exit(f"the job failed: {video.failure_reason}")
            report(run, video.duration, elapsed, peaks, "celery worker")
            resource.delete()
    finally:
        stop.set()
        sampler.join()
        worker.terminate()
        worker.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="length of the 720p source clip")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--worker", action="store_true",
                        help="through a real Celery worker (needs DATABASE_URL, migrated)")
    parser.add_argument("--smoke", action="store_true",
                        help="a 1 s clip, once in a job process and once through a real worker")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comcep.settings")
    os.environ.setdefault("COMCEP_LOCAL", "1")  # a benchmark on this checkout, not a deployment
    if args.smoke:
        import smoke

        args.seconds, args.runs = 1, 1
        os.environ["DATABASE_URL"] = smoke.create_database(smoke.database_url("transcode"))
        smoke.migrate()
    if args.worker or args.smoke:
        from resources import transcoding

        with tempfile.TemporaryDirectory() as folder:
            folder = Path(folder)
            source = transcoding.generate_test_clip(folder / "source-720p.mp4", seconds=args.seconds)
            run_real_worker(source, folder, args.runs)
        if not args.smoke:
            return

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comcep.settings")
    os.environ.setdefault("COMCEP_LOCAL", "1")  # a benchmark on this checkout, not a deployment
    os.environ.setdefault("DATABASE_URL", "postgres://bench@127.0.0.1:1/bench")  # never connected
    from resources import transcoding

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        source = transcoding.generate_test_clip(folder / "source-720p.mp4", seconds=args.seconds)
        print(f"source: 1280x720, {args.seconds} s, {source.stat().st_size / 1e6:.1f} MB "
              f"(ffmpeg {transcoding.ffmpeg_exe()})")
        for run in range(1, args.runs + 1):
            out = folder / f"run{run}"
            out.mkdir()
            peaks: dict = {}
            stop = threading.Event()
            process = subprocess.Popen([sys.executable, "-c", JOB, str(source), str(out)],
                                       stdout=subprocess.PIPE, text=True, cwd=ROOT, env=os.environ)
            sampler = threading.Thread(target=sample_peak, args=(process.pid, stop, peaks))
            sampler.start()
            output, _ = process.communicate()
            stop.set()
            sampler.join()
            if process.returncode:
                sys.exit(f"the job failed ({process.returncode})")
            figures = json.loads(output.strip().splitlines()[-1])
            report(run, figures["duration"], figures["elapsed"], peaks, "job process")


if __name__ == "__main__":
    main()
