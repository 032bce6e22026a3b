"""What apps tell a member, gathered in the notification centre, registered in each app's
``AppConfig.ready``.

The centre's page belongs to one app (the forum); the other apps register a source here, and the
page lists ``latest_for(member_id)`` without knowing which apps exist. A
source is a function ``latest(member_id, limit)`` giving that member's latest notices, newest
first, in one query.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple


class Notice(NamedTuple):
    created_at: datetime
    text: str  # already translated, with no name nor email in it
    url: str  # where opening it leads (marking it read on the way)
    unread: bool


Source = Callable[[int, int], list[Notice]]
MarkRead = Callable[[int], None]

_sources: dict[str, Source] = {}
_mark_read: dict[str, MarkRead] = {}


def register(name: str, latest: Source, *, mark_all_read: MarkRead | None = None) -> None:
    """``mark_all_read(member_id)`` is called by the centre's « Tout marquer comme lu »."""
    _sources[name] = latest
    if mark_all_read is not None:
        _mark_read[name] = mark_all_read


def latest_for(member_id: int, limit: int = 30) -> list[Notice]:
    """The latest notices of every source, newest first."""
    notices = [notice for source in _sources.values() for notice in source(member_id, limit)]
    notices.sort(key=lambda notice: notice.created_at, reverse=True)
    return notices[:limit]


def mark_all_read(member_id: int) -> None:
    for mark in _mark_read.values():
        mark(member_id)
