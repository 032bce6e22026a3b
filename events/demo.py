"""Demo events (``manage.py seed_demo``): two upcoming webinars, one for a region, and an expert
session starting a few minutes after the seed, for which the first demo member is registered,
so that its video-conference link appears on its page. Idempotent: events are found by title."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from comcep import identity
from comcep.demo import DemoAccounts
from events import permissions, services
from events.models import Audience, Event, Kind

DEMO_EVENTS = [
    ("La VAE réformée : ce qui change pour le CEP", Kind.WEBINAR, timedelta(days=3, hours=2), 60, False,
     "Un tour d'horizon de la **VAE** après la réforme, et vos questions."),
    ("Accompagner les reconversions après 50 ans", Kind.EXPERT_SESSION, timedelta(minutes=10), 45, False,
     "Une session d'expert en direct : posez vos questions dès maintenant."),
    ("Rencontre régionale des conseiller·es CEP", Kind.WEBINAR, timedelta(days=8), 90, True,
     "Les actions de professionnalisation de la région et un temps d'échange."),
]


def seed(accounts: DemoAccounts) -> None:
    host = identity.member_of(accounts.expert)
    members = [identity.member_of(user) for user in accounts.members[:2]]
    if host is None or None in members:
        return
    with transaction.atomic():
        for title, kind, starts_in, minutes, regional, description in DEMO_EVENTS:
            if Event.objects.filter(title=title).exists():
                continue
            region = members[0].region if regional else None
            event = Event(kind=kind, title=title, description=description,
                          starts_at=timezone.now() + starts_in, duration_minutes=minutes,
                          audience=Audience.REGION if region else Audience.EVERYONE, region=region,
                          capacity=40, video_url="https://meet.jit.si/comcep-demo")
            services.create_event(actor=host, event=event, cohosts=[])
            for member in members:
                if permissions.can_register(member, event):
                    services.register(member=member, event_id=event.pk)
