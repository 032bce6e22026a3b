"""Reminders and escalation, run by a real Celery worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from comcep.models import OutboxMessage, OutboxStatus
from enrolment import services, tasks
from enrolment.models import Application, Status
from tests.conftest import wait_until
from tests.enrolment.factories import make_application


def days_ago(application, days):
    Application.objects.filter(pk=application.pk).update(
        status_changed_at=timezone.now() - timedelta(days=days))


def sent_to(email, kind):
    return OutboxMessage.objects.filter(to_email=email, kind=kind, status=OutboxStatus.SENT).count()


@pytest.mark.worker
def test_the_worker_reminds_escalates_and_chases_unanswered_reasons(worker, reference_data, oscar,
                                                                     paula):
    fresh = make_application(status=Status.PENDING, manager=oscar)
    six_days = make_application(status=Status.PENDING, manager=oscar)
    eleven_days = make_application(status=Status.PENDING, manager=oscar)
    chased = make_application(status=Status.REASON_REQUESTED, manager=oscar, platform_manager=paula)
    days_ago(six_days, 6)
    days_ago(eleven_days, 11)
    days_ago(chased, 8)

    tasks.send_enrolment_reminders.delay()

    wait_until(lambda: sent_to(paula.email, "enrolment_escalated") == 1
               and sent_to(oscar.email, "enrolment_pending_reminder") == 2
               and sent_to(oscar.email, "enrolment_reason_reminder") == 1
               and sent_to(paula.email, "enrolment_reason_reminder") == 1,
               timeout=60, message="the reminders were not sent by the worker")
    assert not fresh.events.filter(action="reminded").exists()
    assert eleven_days.events.filter(action="escalated").count() == 1
    assert any("attend depuis au moins 10 jours" in mail for mail in worker.sent_mail())

    # A second beat run finds nothing left to send.
    tasks.send_enrolment_reminders.delay()
    wait_until(lambda: services.due_reminders() == {"pending": [], "escalate": [], "reason": []})
    assert OutboxMessage.objects.filter(kind="enrolment_pending_reminder").count() == 2


@pytest.mark.django_db
def test_each_reminder_is_claimed_once(reference_data, oscar):
    application = make_application(status=Status.PENDING, manager=oscar)
    days_ago(application, 6)

    assert services.remind_pending(application.pk) is True
    assert services.remind_pending(application.pk) is False
    assert services.remind_pending(10**9) is False  # gone: quietly nothing


@pytest.mark.django_db
def test_the_delays_are_settings(reference_data, oscar, settings):
    settings.ENROLMENT_REMINDER_DAYS = 1
    application = make_application(status=Status.PENDING, manager=oscar)
    days_ago(application, 2)

    assert services.due_reminders()["pending"] == [application.pk]


@pytest.mark.django_db
def test_a_decision_resets_the_reminders(reference_data, oscar, paula):
    application = make_application(status=Status.APPEALED, manager=oscar, platform_manager=paula)
    days_ago(application, 30)
    from enrolment import transitions

    transitions.request_reason(Application.objects.get(pk=application.pk), actor=paula)

    assert services.due_reminders()["reason"] == []
