"""Two managers deciding the same application at the same moment: exactly one decision."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from enrolment import transitions
from enrolment.models import Application, ApplicationEvent, Status
from tests import factories
from tests.enrolment.factories import make_application

pytestmark = pytest.mark.django_db(transaction=True)


def race(*moves):
    """Run each move in its own thread (own connection, own transaction), all at once."""
    barrier = threading.Barrier(len(moves))
    outcomes = [None] * len(moves)

    def run(index, move):
        try:
            barrier.wait(timeout=10)
            move()
            outcomes[index] = "won"
        except transitions.AlreadyDecided:
            outcomes[index] = "already decided"
        except Exception as error:  # reported by the assertion below
            outcomes[index] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, move)) for i, move in enumerate(moves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.parametrize("round_", range(5))
def test_two_operator_managers_approve_and_refuse_at_once(reference_data, round_):
    first = factories.make_operator_manager(operator_slug="apec")
    second = factories.make_operator_manager(operator_slug="apec")
    application = make_application(status=Status.PENDING, manager=first)

    outcomes = race(
        lambda: transitions.approve(Application.objects.get(pk=application.pk), actor=first),
        lambda: transitions.refuse(Application.objects.get(pk=application.pk), actor=second,
                                   category="other", text="Non."),
    )

    assert sorted(outcomes) == ["already decided", "won"]
    decisions = ApplicationEvent.objects.filter(application=application,
                                                action__in=["approve", "refuse"])
    assert decisions.count() == 1
    application.refresh_from_db()
    assert application.status == decisions.get().to_status


def test_the_loser_waits_on_the_winner_s_open_transaction_then_sees_it_decided(reference_data):
    """Deterministic overlap: the first transaction holds the claimed row while the second tries."""
    first = factories.make_operator_manager(operator_slug="apec")
    second = factories.make_operator_manager(operator_slug="apec")
    application = make_application(status=Status.PENDING, manager=first)
    claimed, release = threading.Event(), threading.Event()
    outcomes = {}

    def slow_winner():
        from django.db import transaction

        try:
            with transaction.atomic():
                transitions.approve(Application.objects.get(pk=application.pk), actor=first)
                claimed.set()
                release.wait(timeout=10)  # hold the row lock until the other one is blocked
            outcomes["first"] = "won"
        finally:
            connections.close_all()

    def loser():
        try:
            claimed.wait(timeout=10)
            transitions.refuse(Application.objects.get(pk=application.pk), actor=second,
                               category="other", text="Non.")
            outcomes["second"] = "won"
        except transitions.AlreadyDecided:
            outcomes["second"] = "already decided"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=slow_winner), threading.Thread(target=loser)]
    for thread in threads:
        thread.start()
    claimed.wait(timeout=10)
    # Wait until the second transaction is really blocked on the first one's row lock.
    with connection.cursor() as cursor:
        for _ in range(100):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                           "AND datname = current_database()")
            if cursor.fetchone()[0]:
                break
            threading.Event().wait(0.05)
    release.set()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes == {"first": "won", "second": "already decided"}
    assert ApplicationEvent.objects.filter(application=application,
                                           action__in=["approve", "refuse"]).count() == 1


@pytest.mark.parametrize("round_", range(3))
def test_two_platform_managers_decide_the_same_appeal_at_once(reference_data, round_):
    first, second = factories.make_platform_manager(), factories.make_platform_manager()
    application = make_application(status=Status.REASON_GIVEN, platform_manager=first)

    outcomes = race(
        lambda: transitions.overturn(Application.objects.get(pk=application.pk), actor=first,
                                     text="Admis."),
        lambda: transitions.uphold(Application.objects.get(pk=application.pk), actor=second,
                                   text="Confirmé."),
    )

    assert sorted(outcomes) == ["already decided", "won"]
    assert ApplicationEvent.objects.filter(application=application,
                                           action__in=["overturn", "uphold"]).count() == 1
