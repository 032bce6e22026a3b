"""A working group's page shows its coming meetings (an extra of the events, registered for a
group through ``comcep.extras``: the groups app knows nothing of events), and the group's owner,
and only them, organises one from there."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Audience, Event, Kind
from groups import services as group_services
from tests import factories

pytestmark = pytest.mark.django_db


def _group(owner, *members, name="Atelier jeunes"):
    group = group_services.create_group(actor=owner.member, name=name, purpose="Publics jeunes.",
                                        visibility="open")
    for user in members:
        group_services.join(actor=user.member, group=group)
    group.refresh_from_db()
    return group


def _meeting(make_event, owner, group, title="Réunion de l'atelier", **fields):
    return make_event(owner, kind=Kind.GROUP_MEETING, audience=Audience.GROUP, group=group, title=title,
                      **fields)


def _meetings_section(page: str) -> str:
    """The group page's « Prochaines réunions » box alone (the meetings' questions topics are in
    the discussion below)."""
    start = page.index('id="group-events-title"')
    return page[start:page.index("</section>", start)]


def _form(group, title="Point d'étape de l'atelier", **extra):
    data = {"kind": "meeting", "title": title, "description": "Ordre du jour : *bilan*.",
            "duration_minutes": "60", "audience": "group", "group": str(group.pk), "capacity": "12",
            "video_url": "https://meet.jit.si/atelier-jeunes",
            "date": (timezone.localdate() + timedelta(days=3)).isoformat(), "start_time": "10:00"}
    data.update(extra)
    return data


def test_the_group_page_lists_its_coming_meetings_to_its_members(client_for, alice, bob, expert, make_event):
    group = _group(alice, bob)
    _meeting(make_event, alice, group)
    _meeting(make_event, alice, group, title="Réunion passée", starts_in=timedelta(days=1))
    Event.objects.filter(title="Réunion passée").update(starts_at=timezone.now() - timedelta(days=2),
                                                         ends_at=timezone.now() - timedelta(days=2, hours=-1))
    other = _group(expert, name="Autre groupe")
    _meeting(make_event, expert, other, title="Réunion d'un autre groupe")
    make_event(expert, title="Webinaire pour tous")

    page = _meetings_section(client_for(bob).get(reverse("groups:detail", args=[group.slug])).text)

    assert "Réunion de l&#x27;atelier" in page
    assert "Réunion passée" not in page
    assert "Réunion d&#x27;un autre groupe" not in page
    assert "Webinaire pour tous" not in page
    assert "Organiser une réunion du groupe" not in page  # bob is a member, not the owner


def test_a_cancelled_meeting_leaves_the_group_page(client_for, alice, make_event):
    group = _group(alice)
    event = _meeting(make_event, alice, group)
    Event.objects.filter(pk=event.pk).update(cancelled_at=timezone.now())

    page = _meetings_section(client_for(alice).get(reverse("groups:detail", args=[group.slug])).text)

    assert "Réunion de l&#x27;atelier" not in page
    assert "Aucune réunion prévue" in page


def test_the_owner_organises_a_meeting_from_the_group_page(client_for, alice, bob, sessions_category):
    group = _group(alice, bob)
    client = client_for(alice)
    page = client.get(reverse("groups:detail", args=[group.slug])).text
    assert "Organiser une réunion du groupe" in page
    link = f"{reverse('events:new')}?groupe={group.slug}"
    assert link in page

    form_page = client.get(link)
    assert form_page.status_code == 200
    assert f'value="{group.pk}" selected' in form_page.text or f'value="{group.pk}" checked' in form_page.text

    response = client.post(reverse("events:new"), _form(group))
    assert response.status_code == 302
    event = Event.objects.get(title="Point d'étape de l'atelier")
    assert event.group == group and event.audience == Audience.GROUP
    assert event.questions_topic.category_id == group.category_id  # the questions stay in the group
    assert "Point d&#x27;étape de l&#x27;atelier" in _meetings_section(client_for(bob).get(
        reverse("groups:detail", args=[group.slug])).text)


def test_a_member_who_owns_no_group_may_not_organise_one_for_it(client_for, alice, bob, sessions_category):
    group = _group(alice, bob)
    client = client_for(bob)

    assert client.get(f"{reverse('events:new')}?groupe={group.slug}").status_code == 403
    assert client.post(reverse("events:new"), _form(group)).status_code == 403
    assert not Event.objects.exists()


def test_the_owner_of_another_group_may_not_organise_a_meeting_for_this_one(client_for, alice, bob,
                                                                           sessions_category):
    group = _group(alice, bob)
    _group(bob, name="Groupe de Bob")
    client = client_for(bob)

    form_page = client.get(f"{reverse('events:new')}?groupe={group.slug}").text
    assert f'value="{group.pk}"' not in form_page  # neither chosen nor offered
    response = client.post(reverse("events:new"), _form(group))

    assert response.status_code == 400
    assert "Point d&#x27;étape de l&#x27;atelier" in response.text  # what was typed is kept
    assert not Event.objects.exists()


def test_a_former_owner_loses_the_link_once_they_hand_the_group_over(client_for, alice, bob,
                                                                     sessions_category):
    group = _group(alice, bob)
    group_services.hand_over(actor=alice.member, group=group, member=bob.member)

    page = client_for(alice).get(reverse("groups:detail", args=[group.slug])).text

    assert "Organiser une réunion du groupe" not in page
    assert client_for(alice).post(reverse("events:new"), _form(group)).status_code == 403
    assert "Organiser une réunion du groupe" in client_for(bob).get(
        reverse("groups:detail", args=[group.slug])).text


def test_a_former_member_sees_no_meeting_of_the_group(client_for, alice, bob, make_event):
    group = _group(alice, bob)
    event = _meeting(make_event, alice, group)
    group_services.leave(actor=bob.member, group=group)
    client = client_for(bob)

    assert client.get(reverse("groups:detail", args=[group.slug])).status_code == 404
    assert client.get(reverse("events:detail", args=[event.pk])).status_code == 404
    assert "Réunion de l" not in client.get(reverse("events:index")).text


def test_the_extra_shows_nothing_to_a_reader_outside_the_group(rf, alice, bob, make_event):
    """The extra reads the meetings through the events' own visibility, whatever page draws it."""
    from events.extras import group_events

    group = _group(alice)
    _meeting(make_event, alice, group)
    request = rf.get("/")
    request.user = bob
    bob.member = bob.member  # the member cached on the account, as comcep.auth does

    assert group_events(request, group) is None
    request.user = factories.make_operator_manager(operator_slug="apec")
    assert group_events(request, group) is None


@pytest.mark.parametrize("count", [1, 8])
def test_the_group_page_reads_its_meetings_in_a_fixed_number_of_queries(client_for, alice, bob, make_event,
                                                                        count, django_assert_max_num_queries):
    group = _group(alice, bob)
    for number in range(count):
        _meeting(make_event, alice, group, title=f"Réunion {number}",
                 starts_in=timedelta(days=1, hours=number))
    client = client_for(bob)
    client.get(reverse("groups:detail", args=[group.slug]))  # warms the session and the shared caches

    with django_assert_max_num_queries(GROUP_PAGE_BUDGET):
        response = client.get(reverse("groups:detail", args=[group.slug]))
    assert response.text.count('class="card event-row"') == min(count, 5)


GROUP_PAGE_BUDGET = 6  # measured: 5 at both sizes
