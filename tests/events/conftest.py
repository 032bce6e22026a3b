from datetime import timedelta

import pytest
from django.utils import timezone

from events import services
from events.models import Audience, Event, Kind
from forum.models import Category, StartPolicy


@pytest.fixture
def sessions_category(db):
    category, _created = Category.objects.get_or_create(
        slug="sessions-experts", defaults={"name": "Sessions d'experts", "start_policy": StartPolicy.EXPERTS})
    return category


@pytest.fixture
def make_event(sessions_category):
    """make_event(host_user, starts_in=timedelta, **fields) → an event created through the service."""

    def make(host, *, starts_in=timedelta(days=3), cohosts=(), **fields):
        fields.setdefault("kind", Kind.WEBINAR)
        fields.setdefault("title", "Le CEP et la VAE")
        fields.setdefault("description", "Une heure sur la **VAE**.")
        fields.setdefault("duration_minutes", 60)
        fields.setdefault("audience", Audience.EVERYONE)
        fields.setdefault("capacity", 50)
        fields.setdefault("video_url", "https://visio.example.org/salle-cep")
        event = Event(starts_at=timezone.now() + starts_in, **fields)
        return services.create_event(actor=host.member, event=event, cohosts=[c.member for c in cohosts])

    return make
