"""The worker reads the statistics again before they leave the cache: a figure of the weeks
already over, kept since the last reading, is read afresh by the job, so the manager's next
page shows it without reading the whole history itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from forum import services as forum_services
from forum.models import Category, Post, Topic
from stats import tasks
from tests import factories
from tests.conftest import wait_until
from tests.stats.test_figures import _table

pytestmark = pytest.mark.django_db(transaction=True)


def _earlier_topics(category, authors, when):
    topics = [forum_services.create_topic(actor=author, category=category, title=f"Sujet {n}",
                                          body="Premier message.", rate_limit=False)
              for n, author in enumerate(authors)]
    Topic.objects.filter(pk__in=[t.pk for t in topics]).update(created_at=when)
    Post.objects.filter(topic__in=topics).update(created_at=when)


def test_the_worker_reads_the_history_again_and_keeps_it(worker, client_for, paula, reference_data):
    category = Category.objects.create(slug="echanges", name="Échanges de pratiques")
    two_weeks_ago = timezone.now() - timedelta(weeks=2)
    _earlier_topics(category, [factories.make_member().member for _ in range(10)], two_weeks_ago)
    client = client_for(paula)
    week = next(key for key, row in _table(client, "activite").items() if row[:3] == ["10", "10", "10"])

    # Two more topics of that week, written after the figures were kept (as an import would):
    # the page still shows what it kept.
    _earlier_topics(category, [factories.make_member().member for _ in range(2)], two_weeks_ago)
    assert _table(client, "activite")[week][:3] == ["10", "10", "10"]

    tasks.keep_figures_fresh.delay()
    wait_until(lambda: _table(client, "activite")[week][:3] == ["12", "12", "12"], timeout=40,
               message="the worker did not read the history again")
