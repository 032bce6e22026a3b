"""The library's settings, each with a default; override them in comcep/settings.py."""

from __future__ import annotations

from django.conf import settings


def video_max_bytes() -> int:
    """Largest video upload accepted (bytes). Default 2 GiB."""
    return getattr(settings, "RESOURCES_VIDEO_MAX_BYTES", 2 * 1024**3)


def video_max_seconds() -> int:
    """Longest video accepted (seconds). Default 3 hours."""
    return getattr(settings, "RESOURCES_VIDEO_MAX_SECONDS", 3 * 3600)


def video_extensions() -> tuple[str, ...]:
    """File name endings accepted for a video upload."""
    return tuple(getattr(settings, "RESOURCES_VIDEO_EXTENSIONS",
                         ("mp4", "m4v", "mov", "webm", "mkv", "avi", "mpg", "mpeg", "ogv", "wmv")))


def video_heights() -> tuple[int, ...]:
    """The renditions made (lines), never taller than the source."""
    return tuple(getattr(settings, "RESOURCES_VIDEO_HEIGHTS", (720, 360)))


def video_preset() -> str:
    """x264 preset: speed against file size."""
    return getattr(settings, "RESOURCES_VIDEO_PRESET", "veryfast")


def video_max_attempts() -> int:
    """How many times a video job is started before the video is marked failed."""
    return getattr(settings, "RESOURCES_VIDEO_MAX_ATTEMPTS", 3)


def document_max_bytes() -> int:
    return getattr(settings, "RESOURCES_DOCUMENT_MAX_BYTES", 50 * 1024**2)


def caption_max_bytes() -> int:
    return getattr(settings, "RESOURCES_CAPTION_MAX_BYTES", 512 * 1024)


# Caps on what a video may ask of the transcoder: an 8K or 240 fps source would take the
# worker for hours (and its renditions are 720p at most anyway).
def video_max_long_side() -> int:
    """Longest side of the picture (pixels). Default 3840 (4K UHD)."""
    return getattr(settings, "RESOURCES_VIDEO_MAX_LONG_SIDE", 3840)


def video_max_short_side() -> int:
    """Shortest side of the picture (pixels). Default 2160."""
    return getattr(settings, "RESOURCES_VIDEO_MAX_SHORT_SIDE", 2160)


def video_max_fps() -> float:
    """Highest frame rate (frames per second). Default 60."""
    return getattr(settings, "RESOURCES_VIDEO_MAX_FPS", 60)


def video_max_pixel_rate() -> int:
    """Highest width × height × frame rate. Default 4K at 30 frames per second."""
    return getattr(settings, "RESOURCES_VIDEO_MAX_PIXEL_RATE", 3840 * 2160 * 30)


def video_job_seconds() -> int:
    """How long one video job may run before it is stopped and the video fails with a reason
    (it can be started again from its page). Default 12 hours: two renditions of the longest
    video accepted, at the time ffmpeg is allowed for each (resources.transcoding)."""
    return getattr(settings, "RESOURCES_VIDEO_JOB_SECONDS", 12 * 3600)
