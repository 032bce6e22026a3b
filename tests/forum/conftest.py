"""Forum fixtures: the categories, and a helper to write topics as a persona."""

from __future__ import annotations

import pytest

from forum import services
from forum.models import Category, StartPolicy, TopicKind


@pytest.fixture
def practices(reference_data):
    return Category.objects.create(slug="echanges", name="Échanges de pratiques", position=0)


@pytest.fixture
def expert_sessions(reference_data):
    return Category.objects.create(slug="sessions", name="Sessions d'experts", position=1,
                                   start_policy=StartPolicy.EXPERTS)


@pytest.fixture
def write():
    """write(user, category, title, body, kind=..., tags=...) → a topic opened by that user."""

    def make(user, category, title="Un sujet pour échanger", body="Bonjour à toutes et tous.",
             kind=TopicKind.DISCUSSION, tags=()):
        return services.create_topic(actor=user.member, category=category, title=title, body=body,
                                     kind=kind, tags=list(tags), rate_limit=False)

    return make


@pytest.fixture
def reply():
    def make(user, topic, body="Je réponds.", reply_to=None):
        return services.create_post(actor=user.member, topic=topic, body=body, reply_to=reply_to,
                                    rate_limit=False)

    return make
