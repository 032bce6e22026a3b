"""Jobs of the library. Thin: they take ids and call a service."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready

from resources import conf, services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=conf.video_job_seconds(),
             time_limit=conf.video_job_seconds() + 600)
def process_video(video_id: int) -> str:
    """Probe, transcode and make the poster of a video (idempotent, resumable)."""
    try:
        return services.process_video(video_id)
    except SoftTimeLimitExceeded:
        services.fail_past_its_time(video_id)
        return "failed"


@shared_task
def resume_stalled_videos() -> int:
    """Re-queue the videos whose job died with its worker, or whose message was lost.

    Runs from the beat schedule, and once whenever a worker starts.
    """
    ids = services.stalled_video_ids()
    for video_id in ids:
        process_video.delay(video_id)
    return len(ids)


@worker_ready.connect
def _resume_on_start(sender=None, **kwargs) -> None:
    # A worker that starts after one was killed picks its videos up at once,
    # without waiting for the beat schedule or the broker's visibility timeout.
    try:
        resume_stalled_videos.delay()
    except Exception:  # a broker hiccup here must not stop the worker; beat sweeps later
        logger.warning("Could not queue the sweep of stalled videos at worker start")


@shared_task
def tell_followers(change_id: int) -> tuple[int, int]:
    """Write the notices of one change of the watch and queue their emails (idempotent)."""
    from resources import watch

    return watch.tell_followers(change_id)


@shared_task
def sweep_watch() -> int:
    """Daily: write the legal texts past their date, and tell the followers left untold."""
    from resources import watch

    watch.record_expired_texts()
    ids = watch.untold_change_ids()
    for change_id in ids:
        tell_followers.delay(change_id)
    return len(ids)


@shared_task
def send_watch_digests() -> int:
    """Weekly: each follower's changes of the week in one email."""
    from resources import watch

    return watch.send_digests()
