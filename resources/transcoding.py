"""A plain wrapper around ffmpeg: probe, transcode, poster. No ORM, no Django models.

The ffmpeg binary comes from the ``imageio-ffmpeg`` package (pinned in
requirements.txt), so nothing is installed by hand. That build has no ffprobe:
probing parses what ``ffmpeg -i`` prints about its input.

Every ffmpeg run reads local files only (``-protocol_whitelist file``), so a
playlist or a concat list that points at a URL cannot make the worker fetch
it, and the container format found is checked against a list of real video
containers, so playlists and lists of other local files are refused outright.
The paths given are on the worker's own disk: the job (resources.services) hands ffmpeg
a local copy of the stored source and stores what it writes through the storage API.
"""

from __future__ import annotations

import ctypes
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# The container names ffmpeg reports for real video files. Anything else
# (hls, concat, image sequences, text, tty, …) is refused.
VIDEO_CONTAINERS = frozenset({
    "mov", "mp4", "m4a", "3gp", "3g2", "mj2", "matroska", "webm", "avi", "mpeg", "mpegts",
    "flv", "ogg", "asf", "mpegvideo", "h264", "hevc", "m4v", "dv", "mxf", "nut",
})
# Still-image "video" codecs: an image renamed .mp4 is not a video.
STILL_IMAGE_CODECS = frozenset({"png", "mjpeg", "bmp", "gif", "tiff", "webp", "jpegls", "ansi"})

PROTOCOLS = ["-protocol_whitelist", "file"]
# Every output drops the source's tags and chapters: a title, an artist, a comment or a
# chapter name may be the uploader's real name, and renditions are what members fetch.
NO_METADATA = ["-map_metadata", "-1", "-map_chapters", "-1"]
# How long ffmpeg may take: reading a file's header, one frame, and a conversion (by the
# video's length: a few times real time on a small worker, and a minute to start).
PROBE_TIMEOUT_SECONDS = 120
POSTER_TIMEOUT_SECONDS = 300
TRANSCODE_BASE_SECONDS = 60
TRANSCODE_SECONDS_PER_SECOND = float(os.environ.get("RESOURCES_TRANSCODE_SECONDS_PER_SECOND", "2"))


def transcode_timeout(duration: float) -> float:
    return TRANSCODE_BASE_SECONDS + max(duration, 0) * TRANSCODE_SECONDS_PER_SECOND


class ProbeError(Exception):
    """The file is not a video we accept. ``reason`` is for people (French)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class TranscodeError(Exception):
    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


@dataclass
class Probe:
    container: str
    duration: float
    width: int
    height: int
    video_codec: str
    has_audio: bool
    containers: list[str] = field(default_factory=list)
    fps: float = 0.0  # frames per second as ffmpeg reports them (0 when it does not)


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Ask Linux to kill ffmpeg if the worker that started it dies (kill -9 included)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


_INPUT_RE = re.compile(r"^Input #0, (?P<formats>[^,]+(?:,[^,]+)*?), from ", re.MULTILINE)
_DURATION_RE = re.compile(r"Duration: (?P<h>\d+):(?P<m>\d\d):(?P<s>\d\d(?:\.\d+)?)")
_VIDEO_RE = re.compile(r"Stream #0:\d+.*?: Video: (?P<codec>\w+)[^\n]*?, (?P<w>\d{2,5})x(?P<h>\d{2,5})")
_AUDIO_RE = re.compile(r"Stream #0:\d+.*?: Audio: ")
_RATE_RE = re.compile(r"(?P<rate>\d+(?:\.\d+)?)(?P<k>k?) (?P<unit>fps|tbr)\b")


def parse_probe(output: str) -> Probe:
    """Read container, duration and streams from ``ffmpeg -i``'s report."""
    match = _INPUT_RE.search(output)
    if not match:
        raise ProbeError("Le fichier n'est pas une vidéo lisible.")
    containers = [name.strip() for name in match.group("formats").split(",")]
    if not set(containers) & VIDEO_CONTAINERS:
        raise ProbeError(
            "Ce format de fichier n'est pas accepté (liste de lecture, image ou fichier non vidéo)."
        )
    video = _VIDEO_RE.search(output)
    if not video or video.group("codec") in STILL_IMAGE_CODECS:
        raise ProbeError("Le fichier ne contient pas de piste vidéo.")
    duration_match = _DURATION_RE.search(output)
    if not duration_match:
        raise ProbeError("La durée de la vidéo est illisible.")
    duration = (
        int(duration_match["h"]) * 3600 + int(duration_match["m"]) * 60 + float(duration_match["s"])
    )
    if duration <= 0:
        raise ProbeError("La vidéo est vide.")
    # The frame rate, on the video stream's line: "25 fps", else the rate ffmpeg guesses ("tbr").
    line_end = output.find("\n", video.end())
    rates = {m["unit"]: float(m["rate"]) * (1000 if m["k"] else 1)
             for m in _RATE_RE.finditer(output[video.start(): line_end if line_end != -1 else None])}
    fps = rates.get("fps") or rates.get("tbr") or 0.0
    return Probe(
        container=containers[0], duration=duration, width=int(video["w"]), height=int(video["h"]),
        video_codec=video["codec"], has_audio=bool(_AUDIO_RE.search(output)), containers=containers,
        fps=fps,
    )


def probe(path: str | Path) -> Probe:
    """Probe a local file. Raises ProbeError (with a French reason) for what is not a video."""
    path = Path(path)
    if not path.is_file():
        raise ProbeError("Le fichier envoyé est introuvable.")
    try:
        result = subprocess.run(
            [ffmpeg_exe(), "-hide_banner", "-nostdin", *PROTOCOLS, "-i", str(path)],
            capture_output=True, text=True, errors="replace", timeout=PROBE_TIMEOUT_SECONDS,
            preexec_fn=_die_with_parent,
        )
    except subprocess.TimeoutExpired as error:
        raise ProbeError("La lecture de la vidéo a pris trop de temps (fichier endommagé ?).") from error
    # Without an output file ffmpeg always exits 1; the report is what matters.
    return parse_probe(result.stderr)


def target_heights(source_height: int, wanted: tuple[int, ...] = (720, 360)) -> list[int]:
    """The renditions to make, smallest first, never taller than the source.

    A source shorter than every wanted height gets one rendition at its own height.
    """
    heights = sorted({h for h in wanted if h <= source_height})
    if not heights:
        heights = [max(source_height - source_height % 2, 2)]
    return heights


_OUT_TIME_RE = re.compile(r"^out_time_(?:us|ms)=(\d+)$")


def transcode(
    source: str | Path,
    destination: str | Path,
    *,
    height: int,
    duration: float,
    has_audio: bool = True,
    on_progress: Callable[[float], None] | None = None,
    preset: str = "veryfast",
) -> None:
    """Write an H.264/AAC MP4 of ``height`` lines (fast start) to ``destination``.

    ``on_progress`` receives the fraction done (0..1) as ffmpeg reports it.
    """
    command = [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *PROTOCOLS, "-i", str(source),
        "-map", "0:v:0", "-vf", f"scale=-2:{height}", "-c:v", "libx264", "-preset", preset,
        "-crf", "23", "-profile:v", "main", "-pix_fmt", "yuv420p",
    ]
    if has_audio:
        command += ["-map", "0:a:0", "-c:a", "aac", "-b:a", "128k", "-ac", "2"]
    command += [*NO_METADATA, "-movflags", "+faststart", "-progress", "pipe:1", "-nostats",
                "-f", "mp4", str(destination)]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
        preexec_fn=_die_with_parent,
    )
    # A conversion that stalls or crawls is stopped: the job then fails with a reason and can
    # be tried again, instead of holding a worker for ever.
    timed_out = threading.Event()

    def stop_when_late():
        timed_out.set()
        process.kill()

    watchdog = threading.Timer(transcode_timeout(duration), stop_when_late)
    watchdog.daemon = True
    watchdog.start()
    stderr_tail: list[str] = []
    # Both pipes were asked for above.
    assert process.stdout is not None and process.stderr is not None

    def read_stderr():
        for line in process.stderr:
            stderr_tail.append(line)
            del stderr_tail[:-30]

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    try:
        for line in process.stdout:
            match = _OUT_TIME_RE.match(line.strip())
            if match and on_progress and duration > 0:
                on_progress(min(int(match.group(1)) / 1_000_000 / duration, 1.0))
        code = process.wait()
    finally:
        # Whatever stopped this (the job's own time limit, a lost database), ffmpeg stops too.
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
    reader.join(timeout=5)
    if timed_out.is_set():
        raise TranscodeError("La conversion de la vidéo a dépassé le temps prévu : relancez le traitement "
                             "depuis la page de la ressource.",
                             f"killed after {transcode_timeout(duration):.0f} s")
    if code != 0:
        raise TranscodeError("La conversion de la vidéo a échoué (fichier endommagé ?).",
                             "".join(stderr_tail)[-2000:])


def make_poster(source: str | Path, destination: str | Path, *, at: float, height: int = 720) -> None:
    """Write one JPEG frame taken at ``at`` seconds."""
    try:
        result = _run_poster(source, destination, at=at, height=height)
    except subprocess.TimeoutExpired as error:
        raise TranscodeError("L'image d'aperçu n'a pas pu être créée (délai dépassé).", str(error)) from error
    if result.returncode != 0 or not Path(destination).exists() or not os.path.getsize(destination):
        raise TranscodeError("L'image d'aperçu n'a pas pu être créée.", result.stderr[-2000:])


def _run_poster(source, destination, *, at: float, height: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *PROTOCOLS, "-ss", f"{max(at, 0):.2f}",
         "-i", str(source), *NO_METADATA, "-frames:v", "1", "-vf", f"scale=-2:'min({height},ih)'",
         "-q:v", "4", "-flags:v", "+bitexact",  # bitexact: no encoder comment in the JPEG
         "-f", "image2", "-c:v", "mjpeg", str(destination)],
        capture_output=True, text=True, errors="replace", timeout=POSTER_TIMEOUT_SECONDS,
        preexec_fn=_die_with_parent,
    )


def generate_test_clip(destination: str | Path, *, seconds: float = 3, width: int = 1280,
                       height: int = 720, rate: int = 25, frequency: int = 440) -> Path:
    """A clip from ffmpeg's own test sources (testsrc + sine): demo data and tests."""
    destination = Path(destination)
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
         "-f", "lavfi", "-i", f"testsrc=size={width}x{height}:rate={rate}:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency={frequency}:duration={seconds}",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
         "-shortest", str(destination)],
        check=True, capture_output=True, timeout=600,
    )
    return destination
