"""« il y a 3 heures »: the one-unit span the lists write says exactly what Django's timesince
says, for spans of every length and at the month's edges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation
from django.utils.timesince import timesince

from comcep.timesince import one_unit_since

NOW = datetime(2027, 3, 1, 0, 30, tzinfo=UTC)
SPANS = [timedelta(seconds=s) for s in (-60, 0, 1, 59, 60, 61, 3599, 3600, 7199, 86399, 86400)] + [
    timedelta(days=d, hours=h) for d in (1, 6, 7, 13, 14, 20, 26, 27, 28, 29, 30, 31, 45, 365, 400)
    for h in (0, 23)]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("now", [NOW, datetime(2028, 2, 29, 23, 59, tzinfo=UTC),
                                 datetime(2027, 12, 31, 12, 0, tzinfo=UTC)])
def test_it_says_what_djangos_timesince_says(language, now):
    with translation.override(language):
        for span in SPANS:
            moment = now - span
            assert one_unit_since(moment, now) == timesince(moment, now, depth=1), span
