"""Handing a job to the broker from a web request, without ever failing or stalling it.

Every job started from a request has its row in the database first (an outbox message, a
video, a data export) and a sweep that hands over what is still waiting, so a broker that
is down only delays work. ``hand_over`` tries once; after a failure it does not try again
for a few seconds, so that a request queueing many jobs does not wait on a dead broker for
each of them.
"""

from __future__ import annotations

import logging
import threading
import time

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0
_down_until = 0.0
_lock = threading.Lock()


def hand_over(task, *args, what: str) -> bool:
    """Queue ``task(*args)``; False (logged) when the broker is unreachable, the job then
    waits for its sweep. ``what`` names it in the log ("outbox message 12")."""
    global _down_until
    if time.monotonic() < _down_until:
        logger.info("Broker marked down; %s waits for the sweep", what)
        return False
    try:
        task.apply_async(args=list(args), retry=False)
    except Exception:
        with _lock:
            _down_until = time.monotonic() + RETRY_AFTER_SECONDS
        logger.warning("Broker unreachable; %s waits for the sweep", what)
        return False
    return True


def forget_failures() -> None:
    """Try the broker again at once (tests, and a process that knows it is back)."""
    global _down_until
    _down_until = 0.0
