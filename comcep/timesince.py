"""« 3 heures », « 2 semaines »: Django's ``timesince`` to one unit, as the topic lists and the
notification centre write it for every row, with its common case made cheap.

Under four weeks no month nor year can be counted, so the largest unit is found by division:
the same words as ``django.utils.timesince.timesince(d, now, depth=1)``, at a fraction of its
cost (it works out months and years with calendar arithmetic for every row). Longer spans are
left to Django.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.timesince import TIME_STRINGS, timesince

# Under this, no month is counted whatever the days of the month (a day kept for time zones).
_NO_MONTH_BELOW = timedelta(days=27)
_UNITS = (("week", 7 * 24 * 3600), ("day", 24 * 3600), ("hour", 3600), ("minute", 60))


def _unbroken(text) -> str:
    # django.utils.html.avoid_wrapping, without the lazy-text wrapper it pays on every call.
    return str(text).replace(" ", "\xa0")


def one_unit_since(moment: datetime, now: datetime, *, time_strings=None) -> str:
    """The time from ``moment`` to ``now`` in its largest unit, as ``timesince(depth=1)``."""
    strings = TIME_STRINGS if time_strings is None else time_strings
    delta = now - moment
    if delta.days * 24 * 3600 + delta.seconds <= 0:
        return _unbroken(strings["minute"] % {"num": 0})
    if delta >= _NO_MONTH_BELOW:
        return timesince(moment, now, time_strings=time_strings, depth=1)
    remaining = delta.total_seconds()
    for unit, seconds in _UNITS:
        count = int(remaining // seconds)
        if count:
            return _unbroken(strings[unit] % {"num": count})
    return _unbroken(strings["minute"] % {"num": 0})
