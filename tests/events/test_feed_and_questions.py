"""The personal calendar feed, the questions and their votes, and the race for the last seat."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, Preferences, QuestionVote, Registration
from forum import services as forum_services
from resources import services as resource_services
from resources.models import RegionalAction, Resource
from tests import factories


@pytest.mark.django_db
def test_the_feed_holds_the_registrations_and_the_actions_of_the_region(visitor, expert, alice,
                                                                        make_event):
    mine = make_event(expert, title="Mon webinaire")
    make_event(expert, title="Pas inscrite")
    services.register(member=alice.member, event_id=mine.pk)
    start = timezone.now() + timedelta(days=5)
    for code, title in (("53", "Action bretonne"), ("52", "Action ligérienne")):
        resource = Resource(title=title, summary="Une action", region=factories.region(code))
        action = RegionalAction(starts_at=start, ends_at=start + timedelta(hours=2), online=True,
                                organiser="Carif")
        staff = factories.make_regional_staff(region_code=code)
        resource_services.publish_action(resource, action, actor=staff)
    token = services.new_feed_token(alice.member)

    response = visitor.get(reverse("events:feed", args=[token]))

    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert "Mon webinaire" in response.text and "Action bretonne" in response.text
    assert "Pas inscrite" not in response.text and "ligérienne" not in response.text


@pytest.mark.django_db
def test_a_revoked_or_replaced_feed_address_gives_404(client_for, visitor, alice):
    client = client_for(alice)
    client.post(reverse("events:preferences"), {"action": "new_feed"})
    first = Preferences.objects.get(member=alice.member).feed_token
    assert visitor.get(reverse("events:feed", args=[first])).status_code == 200

    client.post(reverse("events:preferences"), {"action": "new_feed"})
    second = Preferences.objects.get(member=alice.member).feed_token
    assert visitor.get(reverse("events:feed", args=[first])).status_code == 404
    assert visitor.get(reverse("events:feed", args=[second])).status_code == 200

    client.post(reverse("events:preferences"), {"action": "revoke_feed"})
    assert visitor.get(reverse("events:feed", args=[second])).status_code == 404


@pytest.mark.django_db
def test_members_vote_once_per_question_and_hosts_see_them_by_votes(client_for, expert, alice, bob,
                                                                     make_event):
    event = make_event(expert)
    first = forum_services.create_post(actor=alice.member, topic=event.questions_topic,
                                       body="Question peu demandée ?", rate_limit=False)
    second = forum_services.create_post(actor=bob.member, topic=event.questions_topic,
                                        body="Question très demandée ?", rate_limit=False)
    vote = reverse("events:vote", args=[event.pk, second.pk])
    client_for(alice).post(vote)
    client_for(bob).post(vote)
    client_for(bob).post(reverse("events:vote", args=[event.pk, first.pk]))
    client_for(bob).post(reverse("events:vote", args=[event.pk, first.pk]))  # taken back

    assert QuestionVote.objects.filter(post=second).count() == 2
    assert not QuestionVote.objects.filter(post=first).exists()
    page = client_for(expert).get(reverse("events:detail", args=[event.pk])).text
    assert page.index("très demandée") < page.index("peu demandée")
    assert "2 votes" in page


@pytest.mark.django_db
def test_a_vote_for_a_post_of_another_topic_is_a_404(client_for, expert, alice, make_event):
    event = make_event(expert)
    other = make_event(expert, title="Autre")
    post = forum_services.create_post(actor=alice.member, topic=other.questions_topic, body="Ailleurs ?",
                                      rate_limit=False)

    assert client_for(alice).post(reverse("events:vote", args=[event.pk, post.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_members_asking_for_the_last_seat_at_once_get_it_one_only(reference_data, make_event):
    expert = factories.make_member(role="expert")
    event = make_event(expert, capacity=1)
    members = [factories.make_member().member for _ in range(2)]

    def take(member):
        try:
            services.register(member=member, event_id=event.pk)
            return "seat"
        except services.RegistrationRefused as error:
            return error.messages[0]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(take, members))

    assert sorted(outcomes)[0].startswith("Désolé, il n'y a plus de place")
    assert outcomes.count("seat") == 1
    assert Registration.objects.filter(event=event).count() == 1
    assert Event.objects.get(pk=event.pk).registered_count == 1
