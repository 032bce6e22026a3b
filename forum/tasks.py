"""Forum jobs: the email digests, the sweep of unused images. Thin and idempotent (a digest
marks what it sent; a deleted image is no longer found)."""

from celery import shared_task

from forum import images, notify
from forum.models import EmailFrequency


@shared_task
def send_digests(frequency: str) -> int:
    """Queue one digest job per member on ``frequency`` who has something new."""
    if frequency not in (EmailFrequency.DAILY, EmailFrequency.WEEKLY):
        return 0
    member_ids = notify.digest_member_ids(frequency)
    for member_id in member_ids:
        send_digest.delay(member_id, frequency)
    return len(member_ids)


@shared_task(acks_late=True)
def send_digest(member_id: int, frequency: str) -> bool:
    return notify.send_digest(member_id, frequency)


@shared_task(acks_late=True)
def delete_unused_images() -> int:
    """Delete the images uploaded more than a day ago that no post shows."""
    return images.delete_unused_attachments()
