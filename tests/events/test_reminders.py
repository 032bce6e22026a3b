"""Reminders the day before and an hour before, sent by a real Celery worker, once each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comcep.models import OutboxMessage, OutboxStatus
from events import reminders, services, tasks
from events.models import Event, Reminder, ReminderKind
from tests.conftest import wait_until


def sent_to(email):
    return OutboxMessage.objects.filter(to_email=email, kind="events_reminder",
                                        status=OutboxStatus.SENT).count()


@pytest.mark.worker
def test_the_worker_reminds_the_day_before_then_an_hour_before_and_never_twice(
        worker, client_for, expert, alice, bob, make_event):
    event = make_event(expert, starts_in=timedelta(hours=20), title="Atelier de la veille")
    services.register(member=alice.member, event_id=event.pk)
    services.register(member=bob.member, event_id=event.pk)
    services.set_reminder_preferences(bob.member, in_app=True, by_email=False)

    tasks.send_event_reminders.delay()
    wait_until(lambda: sent_to(alice.email) == 1, timeout=60, message="the day's reminder was not emailed")
    assert any("Demain : Atelier de la veille" in mail for mail in worker.sent_mail())

    # A second run of the job sends nothing more.
    tasks.send_event_reminders.delay()
    wait_until(lambda: not reminders.unsent_reminder_ids())
    assert Reminder.objects.filter(event=event, kind=ReminderKind.DAY).count() == 2
    assert sent_to(alice.email) == 1 and sent_to(bob.email) == 0

    # An hour before: the second reminder.
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() + timedelta(minutes=40),
                                             ends_at=timezone.now() + timedelta(minutes=100))
    tasks.send_event_reminders.delay()
    tasks.send_event_reminders.delay()
    wait_until(lambda: sent_to(alice.email) == 2, timeout=60, message="the hour's reminder was not emailed")
    wait_until(lambda: not reminders.unsent_reminder_ids())
    assert OutboxMessage.objects.filter(to_email=alice.email, kind="events_reminder").count() == 2
    assert sent_to(bob.email) == 0

    # In the site: bob sees his two reminders on the events page, once.
    page = client_for(bob).get(reverse("events:index")).text
    assert "Dans moins d&#x27;une heure" in page or "Dans moins d'une heure" in page
    assert "Atelier de la veille" in page
    assert 'class="event-reminder"' not in client_for(bob).get(reverse("events:index")).text


@pytest.mark.django_db
def test_each_reminder_is_written_and_emailed_once(expert, alice, make_event):
    event = make_event(expert, starts_in=timedelta(hours=3))
    services.register(member=alice.member, event_id=event.pk)

    assert reminders.send_due_reminders() == (1, 1)
    assert reminders.send_due_reminders() == (0, 0)
    assert Reminder.objects.get().kind == ReminderKind.DAY


@pytest.mark.django_db
def test_a_member_who_wants_no_reminder_on_the_site_sees_none(client_for, expert, alice, make_event):
    event = make_event(expert, starts_in=timedelta(minutes=30), title="Atelier discret")
    services.register(member=alice.member, event_id=event.pk)
    services.set_reminder_preferences(alice.member, in_app=False, by_email=False)

    reminders.send_due_reminders()

    assert 'class="event-reminder"' not in client_for(alice).get(reverse("events:index")).text
    assert not OutboxMessage.objects.filter(kind="events_reminder").exists()
