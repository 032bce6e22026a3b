"""Who sees an event, its link and who registered: from the side of those refused."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comcep.notifications import absolute_url
from events import services
from events.models import Audience, Event, Kind, Registration
from groups.models import Group, Membership, MembershipRole, MembershipState
from tests import factories

pytestmark = pytest.mark.django_db
LINK = "https://visio.example.org/salle-cep"


def test_a_member_who_did_not_register_never_gets_the_link(client_for, expert, alice, make_event):
    event = make_event(expert, starts_in=timedelta(minutes=5))

    response = client_for(alice).get(reverse("events:detail", args=[event.pk]))

    assert response.status_code == 200
    assert LINK not in response.text
    assert "M&#x27;inscrire" in response.text or "M'inscrire" in response.text


def test_a_registered_member_gets_no_link_before_the_quarter_of_an_hour(client_for, expert,
                                                                        alice, make_event):
    event = make_event(expert, starts_in=timedelta(minutes=16))
    services.register(member=alice.member, event_id=event.pk)

    response = client_for(alice).get(reverse("events:detail", args=[event.pk]))

    assert LINK not in response.text
    assert "apparaîtra ici" in response.text


def test_a_registered_member_gets_the_link_from_a_quarter_of_an_hour_before_until_the_end(
        client_for, expert, alice, make_event):
    event = make_event(expert, starts_in=timedelta(minutes=14))
    services.register(member=alice.member, event_id=event.pk)
    client = client_for(alice)

    assert LINK in client.get(reverse("events:detail", args=[event.pk])).text

    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(minutes=61),
                                             ends_at=timezone.now() - timedelta(minutes=1))
    assert LINK not in client.get(reverse("events:detail", args=[event.pk])).text


def test_the_link_is_in_no_calendar_file(client_for, expert, alice, make_event):
    event = make_event(expert, starts_in=timedelta(minutes=5))
    services.register(member=alice.member, event_id=event.pk)

    response = client_for(alice).get(reverse("events:ics", args=[event.pk]))

    assert response["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in response.text and "Le CEP et la VAE" in response.text
    assert "visio.example.org" not in response.text
    unfolded = response.text.replace("\r\n ", "")
    assert f"URL:{absolute_url(reverse('events:detail', args=[event.pk]))}" in unfolded


def test_a_member_of_another_region_gets_404(client_for, expert, alice, bob, make_event):
    event = make_event(expert, audience=Audience.REGION, region=factories.region("53"))
    assert bob.member.region.code != "53"
    client = client_for(bob)

    assert client.get(reverse("events:detail", args=[event.pk])).status_code == 404
    assert client.post(reverse("events:register", args=[event.pk])).status_code == 404
    assert client.get(reverse("events:ics", args=[event.pk])).status_code == 404
    assert event.title not in client.get(reverse("events:index")).text
    assert client_for(alice).get(reverse("events:detail", args=[event.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["oscar", "rita", "paula"])
def test_staff_and_operator_managers_reach_no_event_page(request, client_for,
                                                         expert, alice, make_event, persona):
    event = make_event(expert)
    services.register(member=alice.member, event_id=event.pk)
    client = client_for(request.getfixturevalue(persona))

    for url in (reverse("events:index"), reverse("events:detail", args=[event.pk]),
                reverse("events:ics", args=[event.pk]), reverse("events:preferences")):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Lande Bretonne" not in response.text


def test_the_host_sees_who_registered_by_pseudonym_and_nobody_else_does(client_for, expert,
                                                                        alice, bob, make_event):
    event = make_event(expert)
    services.register(member=alice.member, event_id=event.pk)

    host_page = client_for(expert).get(reverse("events:detail", args=[event.pk])).text
    other_page = client_for(bob).get(reverse("events:detail", args=[event.pk])).text

    assert "Lande Bretonne" in host_page
    assert "Alice" not in host_page and "alice.martin@apec.fr" not in host_page
    assert "Lande Bretonne" not in other_page


def test_the_last_seat_goes_to_one_member_and_the_next_one_is_told_in_french(client_for, expert, alice, bob,
                                                                           make_event):
    event = make_event(expert, capacity=1)
    client_for(alice).post(reverse("events:register", args=[event.pk]))

    response = client_for(bob).post(reverse("events:register", args=[event.pk]), follow=True)

    assert "il n&#x27;y a plus de place" in response.text or "il n'y a plus de place" in response.text
    seats = Registration.objects.filter(event=event).values_list("member", flat=True)
    assert list(seats) == [alice.member.pk]


def test_a_double_click_registers_once(client_for, expert, alice, make_event):
    event = make_event(expert, capacity=5)
    client = client_for(alice)

    client.post(reverse("events:register", args=[event.pk]))
    client.post(reverse("events:register", args=[event.pk]))

    event.refresh_from_db()
    assert Registration.objects.filter(event=event).count() == 1
    assert event.registered_count == 1


def test_cancelling_gives_the_seat_back(client_for, expert, alice, bob, make_event):
    event = make_event(expert, capacity=1)
    client_for(alice).post(reverse("events:register", args=[event.pk]))
    client_for(alice).post(reverse("events:unregister", args=[event.pk]))

    client_for(bob).post(reverse("events:register", args=[event.pk]))

    assert list(Registration.objects.filter(event=event).values_list("member", flat=True)) == [bob.member.pk]


def test_a_past_event_takes_no_registration(client_for, expert, alice, make_event):
    event = make_event(expert)
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(hours=2),
                                             ends_at=timezone.now() - timedelta(hours=1))

    response = client_for(alice).post(reverse("events:register", args=[event.pk]), follow=True)

    assert "closes" in response.text
    assert not Registration.objects.filter(event=event).exists()


def _group(owner, *members, state=MembershipState.ACTIVE):
    group = Group.objects.create(name="Atelier jeunes", slug="atelier-jeunes", purpose="Publics jeunes",
                                 owner=owner.member)
    Membership.objects.create(group=group, member=owner.member, role=MembershipRole.OWNER,
                              state=MembershipState.ACTIVE)
    for member in members:
        Membership.objects.create(group=group, member=member.member, state=state)
    return group


def test_a_group_meeting_is_for_the_active_members_of_the_group_only(client_for, alice, bob, make_event):
    carol = factories.make_member(pseudonym="Carole Invitée")
    group = _group(alice, bob)
    Membership.objects.create(group=group, member=carol.member, state=MembershipState.INVITED)
    event = make_event(alice, kind=Kind.GROUP_MEETING, audience=Audience.GROUP, group=group,
                       title="Réunion de l'atelier")
    outsider = factories.make_member()

    for user in (carol, outsider):
        client = client_for(user)
        assert client.get(reverse("events:detail", args=[event.pk])).status_code == 404
        assert client.post(reverse("events:register", args=[event.pk])).status_code == 404
        assert "Réunion de l" not in client.get(reverse("events:index")).text
    assert client_for(bob).post(reverse("events:register", args=[event.pk])).status_code == 302
    assert Registration.objects.filter(event=event, member=bob.member).exists()
    assert "Réunion de l" in client_for(bob).get(reverse("events:index")).text


def test_a_plain_member_may_not_create_an_event(client_for, alice):
    assert client_for(alice).get(reverse("events:new")).status_code == 403


def test_a_bad_event_form_is_refused_in_french_and_keeps_what_was_typed(client_for, expert,
                                                                        sessions_category):
    response = client_for(expert).post(reverse("events:new"), {
        "kind": "webinar", "title": "Atelier posture", "description": "Texte", "duration_minutes": "60",
        "audience": "region", "capacity": "20", "video_url": "http://visio.example.org/x",
        "date": (timezone.localdate() + timedelta(days=2)).isoformat(), "start_time": "10:00",
    })

    assert response.status_code == 400
    assert "Choisissez la région" in response.text
    assert "Atelier posture" in response.text
    assert not Event.objects.exists()


def test_an_expert_creates_an_event_with_its_questions_topic(client_for, expert, mod, sessions_category):
    response = client_for(expert).post(reverse("events:new"), {
        "kind": "expert", "title": "Atelier posture", "description": "Texte *important*",
        "duration_minutes": "90", "audience": "everyone", "capacity": "20",
        "video_url": "https://meet.jit.si/atelier-posture", "cohosts": mod.member.pseudonym,
        "date": (timezone.localdate() + timedelta(days=2)).isoformat(), "start_time": "10:00",
    })

    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("events:detail", args=[event.pk])
    assert set(event.hosts.all()) == {expert.member, mod.member}
    assert event.questions_topic.category == sessions_category
    assert event.questions_topic.session_closes_at == event.ends_at
    assert "<em>important</em>" in event.description_html


def test_a_cohost_must_be_an_expert_or_a_moderator(client_for, expert, alice, sessions_category):
    response = client_for(expert).post(reverse("events:new"), {
        "kind": "webinar", "title": "Atelier", "description": "Texte", "duration_minutes": "60",
        "audience": "everyone", "capacity": "20", "video_url": "https://meet.jit.si/a",
        "cohosts": alice.member.pseudonym,
        "date": (timezone.localdate() + timedelta(days=2)).isoformat(), "start_time": "10:00",
    })

    assert response.status_code == 400 and "Lande Bretonne" in response.text
    assert not Event.objects.exists()
