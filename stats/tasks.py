"""The statistics' job: their figures read again ahead of their expiry from the shared cache.

A figure read from the whole history (the funnel, the decision delays, the weeks of activity
already over) is kept for ``STATS_CACHE_SECONDS``; read again on a page when it expires, it
costs that page a few hundred milliseconds on 20,000 members. The worker reads every table of
the dashboard and of each operator's page more often than that (``STATS_REFRESH_SECONDS``), so
that a manager finds them kept; a figure moved by a new application step is still read at
once, from its new revision.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task
def keep_figures_fresh() -> int:
    """The tables read again and kept: how many were."""
    from comcep.models import Operator
    from stats import queries, tables

    if not queries.cache_seconds():
        return 0
    read = 0
    year = timezone.localdate().year
    with queries.refreshed():
        for build in tables.DASHBOARD_TABLES.values():
            build()
            read += 1
        for operator in Operator.objects.order_by("pk"):
            tables.operator_admitted_table(operator, year)
            tables.operator_activity_table(operator)
            read += 2
    logger.info("Statistics: %s tables read again", read)
    return read
