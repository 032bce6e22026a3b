"""The yearly cost-share report: counted at a date, signed off once, audited."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from comcep.models import AuditEvent
from enrolment.models import Status
from stats.models import CostShareReport
from tests.enrolment.factories import make_application

pytestmark = pytest.mark.django_db


def test_the_platform_manager_draws_up_and_signs_the_split_once(client_for, paula, oscar):
    for _ in range(2):
        make_application(status=Status.ADMITTED, manager=oscar)
    make_application(status=Status.PENDING, manager=oscar)
    today = timezone.localdate()
    client = client_for(paula)

    client.post(reverse("stats:cost_share"), {"year": today.year, "as_of": today.isoformat()})
    report = CostShareReport.objects.get(year=today.year)
    client.post(reverse("stats:cost_share_sign", args=[report.pk]))
    again = client.post(reverse("stats:cost_share_sign", args=[report.pk]), follow=True)
    redraw = client.post(reverse("stats:cost_share"), {"year": today.year,
                                                       "as_of": today.isoformat()})

    report.refresh_from_db()
    assert report.counts["Apec"] == 2 and report.signed_by == paula
    assert "déjà signée" in again.text and "déjà signée" in redraw.text
    assert AuditEvent.objects.filter(action="stats.cost_share_signed").count() == 1


def test_members_are_counted_as_they_were_at_the_date(client_for, paula, oscar):
    make_application(status=Status.ADMITTED, manager=oscar)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    client_for(paula).post(reverse("stats:cost_share"), {"year": 2025,
                                                          "as_of": yesterday.isoformat()})

    assert CostShareReport.objects.get(year=2025).counts["Apec"] == 0


def test_an_operator_manager_may_not_sign(client_for, paula, oscar):
    report = CostShareReport.objects.create(year=2024, as_of=datetime.date(2024, 12, 31),
                                            counts={"Apec": 3}, drawn_up_by=paula)

    response = client_for(oscar).post(reverse("stats:cost_share_sign", args=[report.pk]))

    report.refresh_from_db()
    assert response.status_code in (403, 404) and report.signed_at is None
