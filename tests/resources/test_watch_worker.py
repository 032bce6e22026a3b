"""The regulatory watch through a real Celery worker: a new version reaches its followers, in the
notification centre and by email, once; the daily sweep and the weekly digest run as jobs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from resources import tasks, watch
from resources.models import Kind, LegalChange, LibraryNotice, VersionStatus
from tests.conftest import wait_until
from tests.resources.factories import ResourceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_tells_the_followers_of_a_new_version_once(worker, client_for, alice, bob, mod):
    text = ResourceFactory(kind=Kind.LEGAL, title="Le compte personnel de formation")
    client_for(alice).post(reverse("resources:follow_text", args=[text.pk]))

    response = client_for(mod).post(reverse("resources:add_version", args=[text.pk]), {
        "effective_on": "2027-01-01", "status": VersionStatus.UPCOMING,
        "change_summary": "Reste à charge de 100 euros.", "text": "Nouvelle rédaction.", "official_url": ""})
    assert response.status_code == 302

    mails = wait_until(worker.sent_mail, timeout=40, message="no watch email sent by the worker")
    assert "Une nouvelle version de « Le compte personnel de formation »" in mails[0]
    assert "Reste à charge de 100 euros." in mails[0]
    body = mails[0].split("\n\n", 1)[1]
    for secret in (alice.first_name, alice.last_name):
        assert secret not in body
    wait_until(lambda: LegalChange.objects.filter(told_at__isnull=False).exists())
    assert LibraryNotice.objects.filter(member=alice.member).count() == 1
    assert not LibraryNotice.objects.filter(member=bob.member).exists()

    # The daily sweep hands over nothing already told: still one email.
    tasks.sweep_watch.delay()
    tasks.send_watch_digests.delay()
    digest = wait_until(lambda: [m for m in worker.sent_mail() if "les changements de la semaine" in m],
                        timeout=40, message="no weekly digest sent by the worker")
    assert len(digest) == 1
    assert len([m for m in worker.sent_mail() if "Une nouvelle version de" in m]) == 1


def test_the_sweep_tells_the_followers_of_a_change_the_broker_missed(worker, alice):
    text = ResourceFactory(kind=Kind.LEGAL, title="La validation des acquis de l'expérience")
    watch.follow(alice.member, resource=text)
    # Written without its hand-over (the broker was down when it was committed), long enough ago.
    LegalChange.objects.create(kind="version", resource=text, key="missed:1",
                               happened_at=timezone.now() - timedelta(hours=1))
    tasks.sweep_watch.delay()
    wait_until(lambda: LibraryNotice.objects.filter(member=alice.member).exists(), timeout=40,
               message="the sweep did not tell the follower")
    mails = wait_until(worker.sent_mail, timeout=40)
    assert len(mails) == 1 and "La validation des acquis" in mails[0]
