"""Reads shared by several views: page arithmetic and the cached unread count."""

from __future__ import annotations

import math

from django.core.cache import cache
from django.db import transaction

from comcep.cache import db_scoped_key
from forum.models import Notification

POSTS_PER_PAGE = 50
TOPICS_PER_PAGE = 30
UNREAD_TTL = 300


def page_count(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page))


def page_slice(page: int, per_page: int, *, extra: int = 0) -> slice:
    """The items of page ``page`` (from 1), and ``extra`` more (one tells whether a next page exists)."""
    start = (page - 1) * per_page
    return slice(start, start + per_page + extra)


def page_of_post(number: int) -> int:
    return (max(number, 1) - 1) // POSTS_PER_PAGE + 1


def _unread_key(member_id: int) -> str:
    return db_scoped_key("forum:unread", member_id)


def unread_notification_count(member_id: int) -> int:
    """The badge of the notification centre, kept in the cache between changes."""
    key = _unread_key(member_id)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient_id=member_id, read_at=None).count()
        cache.set(key, count, UNREAD_TTL)
    return count


def forget_unread_count(member_ids) -> None:
    keys = [_unread_key(pk) for pk in set(member_ids)]
    transaction.on_commit(lambda: cache.delete_many(keys))
    cache.delete_many(keys)
