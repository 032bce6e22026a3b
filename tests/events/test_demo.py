import pytest

from comcep.demo import seed_accounts
from events import demo
from events.models import Event, Registration
from forum import demo as forum_demo


@pytest.mark.django_db
def test_the_demo_events_are_seeded_once(reference_data):
    accounts = seed_accounts()
    forum_demo.seed(accounts)

    demo.seed(accounts)
    demo.seed(accounts)

    assert Event.objects.count() == len(demo.DEMO_EVENTS)
    assert Registration.objects.count() >= len(demo.DEMO_EVENTS)
