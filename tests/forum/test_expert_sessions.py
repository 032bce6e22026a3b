"""An expert session (a topic of the experts' category) takes replies between its opening and its
closing; before and after it can be read, not answered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from forum import services
from forum.models import Category, Post, StartPolicy


@pytest.fixture
def sessions(reference_data):
    return Category.objects.create(slug="sessions-experts", name="Sessions d'experts", position=9,
                                   start_policy=StartPolicy.EXPERTS)


def session(expert, sessions, *, opens=None, closes=None):
    return services.create_topic(actor=expert.member, category=sessions,
                                 title="Financer une reconversion", body="Posez vos questions.",
                                 session_opens_at=opens, session_closes_at=closes, rate_limit=False)


def test_an_expert_opens_a_session_with_its_dates(client_for, expert, sessions):
    form = client_for(expert).get(reverse("forum:topic_new", args=[sessions.slug])).text
    assert 'type="datetime-local"' in form

    response = client_for(expert).post(reverse("forum:topic_new", args=[sessions.slug]), {
        "title": "Le CPF de transition", "kind": "question", "tags": "", "body": "Vos questions ici.",
        "session_opens_at": "2030-03-02T14:00", "session_closes_at": "2030-03-02T16:00"})

    assert response.status_code == 302
    topic = sessions.topics.get()
    assert timezone.localtime(topic.session_opens_at).hour == 14  # Paris time, as typed
    assert topic.session_closes_at - topic.session_opens_at == timedelta(hours=2)


def test_a_closing_before_the_opening_is_refused_and_the_text_kept(client_for, expert, sessions):
    response = client_for(expert).post(reverse("forum:topic_new", args=[sessions.slug]), {
        "title": "Le CPF de transition", "kind": "question", "tags": "", "body": "Vos questions ici.",
        "session_opens_at": "2030-03-02T16:00", "session_closes_at": "2030-03-02T14:00"})

    assert response.status_code == 200
    assert "La clôture vient après l&#x27;ouverture." in response.text
    assert "Vos questions ici." in response.text and not sessions.topics.exists()


def test_other_categories_have_no_session_dates(client_for, alice, practices):
    form = client_for(alice).get(reverse("forum:topic_new", args=[practices.slug])).text
    assert "datetime-local" not in form
    with pytest.raises(ValidationError, match="sessions d'experts"):
        services.create_topic(actor=alice.member, category=practices, title="Un sujet daté",
                              body="Texte.", session_closes_at=timezone.now(), rate_limit=False)


@pytest.mark.parametrize(("opens", "closes", "open_to_replies", "says"), [
    (timedelta(hours=1), None, False, "Les questions s'ouvrent le"),
    (None, -timedelta(minutes=1), False, "Cette session est close"),
    (-timedelta(hours=1), timedelta(hours=1), True, "session ouverte"),
])
def test_a_session_takes_replies_only_while_it_is_open(client_for, alice, expert, sessions, opens, closes,
                                                      open_to_replies, says):
    now = timezone.now()
    topic = session(expert, sessions, opens=opens and now + opens, closes=closes and now + closes)

    page = client_for(alice).get(reverse("forum:topic", args=[topic.pk])).text
    reply = client_for(alice).post(reverse("forum:reply", args=[topic.pk]), {"body": "Ma question."})

    assert says in page
    assert ('name="body"' in page) is open_to_replies
    assert Post.objects.filter(topic=topic, body="Ma question.").exists() is open_to_replies
    if not open_to_replies:
        assert reply.status_code == 403
