"""The events list runs a fixed number of queries, whatever the number of events."""

from datetime import timedelta

import pytest
from django.urls import reverse

from events import services
from events.models import Audience
from tests import factories

BUDGET = 12


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 25])
def test_the_events_list_has_a_flat_query_budget(client_for, expert, alice, make_event, count,
                                                 django_assert_max_num_queries):
    for number in range(count):
        event = make_event(expert, starts_in=timedelta(days=1, hours=number), title=f"Webinaire {number}",
                           audience=Audience.REGION if number % 2 else Audience.EVERYONE,
                           region=factories.region("53") if number % 2 else None)
        if number % 3 == 0:
            services.register(member=alice.member, event_id=event.pk)
    client = client_for(alice)
    client.get(reverse("events:index"))  # warms the session

    with django_assert_max_num_queries(BUDGET):
        response = client.get(reverse("events:index"))
    assert response.text.count('class="card event-row') == count
