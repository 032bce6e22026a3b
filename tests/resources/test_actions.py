"""Regional professionalisation actions: published by a region's Carif-Oref staff, for it only."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comcep.models import OutboxMessage
from resources.models import RegionalAction, Resource, SavedAction, Status
from tests import factories
from tests.resources.factories import ActionFactory

MANAGE = reverse("resources:actions_manage")
CREATE = reverse("resources:action_create")
ACTIONS = reverse("resources:actions")


def form_data(region, **overrides) -> dict:
    day = timezone.localdate() + timedelta(days=10)
    data = {
        "title": "Atelier : accompagner les transitions", "summary": "Une journée d'échanges.",
        "region": region.pk, "public": "counsellors", "date": day.isoformat(),
        "start_time": "09:30", "end_time": "12:30", "place": "Rennes, Carif-Oref",
        "organiser": "GREF Bretagne", "registration_url": "https://example.org/inscription",
        "capacity": "25",
    }
    return {**data, **overrides}


@pytest.fixture
def pays_de_la_loire_staff(reference_data):
    return factories.make_regional_staff(region_code="52")


def action_in(region_code: str, **fields) -> RegionalAction:
    return ActionFactory(resource__region=factories.region(region_code), **fields)


@pytest.mark.django_db
class TestPublishing:
    def test_regional_staff_publish_an_action_for_their_region(self, client_for, rita):
        response = client_for(rita).post(CREATE, form_data(factories.region("53")))
        assert response.status_code == 302, response.content.decode()[-3000:]
        action = RegionalAction.objects.get()
        assert action.resource.status == Status.PUBLISHED
        assert action.resource.region.code == "53"
        assert action.capacity == 25 and action.organiser == "GREF Bretagne"
        assert timezone.localtime(action.starts_at).strftime("%H:%M") == "09:30"

    def test_regional_staff_cannot_publish_for_another_region(self, client_for, rita):
        response = client_for(rita).post(CREATE, form_data(factories.region("52")))
        assert response.status_code == 403
        assert not RegionalAction.objects.exists()

    def test_regional_staff_cannot_edit_or_cancel_another_regions_action(
        self, client_for, rita, pays_de_la_loire_staff
    ):
        theirs = action_in("52")
        client = client_for(rita)
        edit = reverse("resources:action_edit", args=[theirs.resource.pk])
        assert client.get(edit).status_code == 403
        assert client.post(edit, form_data(factories.region("53"))).status_code == 403
        cancel = reverse("resources:action_cancel", args=[theirs.resource.pk])
        assert client.post(cancel, {"reason": "non"}).status_code == 403
        theirs.refresh_from_db()
        assert theirs.cancelled_at is None and theirs.resource.region.code == "52"

    def test_regional_staff_cannot_move_their_action_into_another_region(self, client_for, rita):
        mine = action_in("53")
        response = client_for(rita).post(reverse("resources:action_edit", args=[mine.resource.pk]),
                                         form_data(factories.region("52")))
        assert response.status_code in (200, 403)  # refused either way
        mine.refresh_from_db()
        assert mine.resource.region.code == "53"

    def test_a_member_cannot_publish_an_action(self, client_for, alice):
        assert client_for(alice).get(CREATE).status_code == 403
        assert client_for(alice).post(CREATE, form_data(factories.region("53"))).status_code == 403

    def test_an_operator_manager_cannot_see_the_actions(self, client_for, oscar):
        assert client_for(oscar).get(ACTIONS).status_code == 403
        assert client_for(oscar).get(MANAGE).status_code == 403

    def test_the_end_must_follow_the_start(self, client_for, rita):
        response = client_for(rita).post(CREATE, form_data(factories.region("53"), end_time="08:00"))
        assert response.status_code == 200
        assert not RegionalAction.objects.exists()

    def test_regional_staff_edit_their_action(self, client_for, rita):
        mine = action_in("53")
        response = client_for(rita).post(
            reverse("resources:action_edit", args=[mine.resource.pk]),
            form_data(factories.region("53"), title="Nouveau titre", online="on", place=""),
        )
        assert response.status_code == 302
        mine.refresh_from_db()
        assert mine.resource.title == "Nouveau titre" and mine.online and mine.sequence == 1


@pytest.mark.django_db
class TestBrowsingActions:
    def test_a_member_sees_their_own_regions_upcoming_actions_by_default(self, client_for, alice):
        action_in("53", resource__title="Atelier breton")
        action_in("52", resource__title="Atelier ligérien")
        action_in("53", resource__title="Atelier passé",
                  starts_at=timezone.now() - timedelta(days=10),
                  ends_at=timezone.now() - timedelta(days=9))
        page = client_for(alice).get(ACTIONS).content.decode()  # alice is in Bretagne (53)
        assert "Atelier breton" in page
        assert "Atelier ligérien" not in page and "Atelier passé" not in page

    def test_a_member_filters_by_region_and_date(self, client_for, alice):
        action_in("52", resource__title="Atelier ligérien")
        action_in("53", resource__title="Atelier lointain",
                  starts_at=timezone.now() + timedelta(days=60),
                  ends_at=timezone.now() + timedelta(days=60, hours=2))
        client = client_for(alice)
        assert "Atelier ligérien" in client.get(ACTIONS, {"region": "52"}).content.decode()
        later = (timezone.localdate() + timedelta(days=30)).isoformat()
        page = client.get(ACTIONS, {"region": "all", "from": later}).content.decode()
        assert "Atelier lointain" in page and "Atelier ligérien" not in page

    def test_the_month_calendar_shows_the_actions_of_the_month(self, client_for, alice):
        start = timezone.now().replace(day=15, hour=10) + timedelta(days=40)
        start = start.replace(day=15)
        action_in("53", resource__title="Atelier du quinze", starts_at=start,
                  ends_at=start + timedelta(hours=2))
        url = reverse("resources:actions_calendar_month", args=[start.year, start.month])
        page = client_for(alice).get(url).content.decode()
        assert "Atelier du quinze" in page
        other = start + timedelta(days=40)
        url = reverse("resources:actions_calendar_month", args=[other.year, other.month])
        assert "Atelier du quinze" not in client_for(alice).get(url).content.decode()

    def test_the_calendar_refuses_a_month_that_does_not_exist(self, client_for, alice):
        url = reverse("resources:actions_calendar_month", args=[2026, 13])
        assert client_for(alice).get(url).status_code == 404

    def test_a_member_downloads_the_action_as_an_ics_file(self, client_for, alice):
        action = action_in("53", resource__title="Atelier, avec; ponctuation")
        response = client_for(alice).get(reverse("resources:action_ics", args=[action.resource.pk]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        body = response.content.decode()
        assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
        assert "SUMMARY:Atelier\\, avec\\; ponctuation" in body
        assert f"DTSTART:{action.starts_at.astimezone(UTC):%Y%m%dT%H%M%SZ}" in body
        assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))

    def test_the_list_and_calendar_run_the_same_number_of_queries_at_two_sizes(self, client_for,
                                                                                alice):
        from tests.resources.test_library import count_queries

        client = client_for(alice)
        calendar = reverse("resources:actions_calendar")
        for _ in range(2):
            action_in("53")
        client.get(ACTIONS)
        small = (count_queries(client, ACTIONS), count_queries(client, calendar))
        for _ in range(30):
            action_in("53")
        assert (count_queries(client, ACTIONS), count_queries(client, calendar)) == small
        assert max(small) <= 12


@pytest.mark.django_db
class TestCancelling:
    def test_cancelling_tells_the_members_who_saved_it_and_says_so(self, client_for, rita, alice,
                                                                   bob):
        action = action_in("53", resource__title="Atelier annulé")
        client_for(alice).post(reverse("resources:action_save", args=[action.resource.pk]))
        assert SavedAction.objects.filter(action=action, user=alice).exists()

        response = client_for(rita).post(reverse("resources:action_cancel", args=[action.resource.pk]),
                                         {"reason": "Intervenant indisponible"})
        assert response.status_code == 302
        action.refresh_from_db()
        assert action.is_cancelled and action.cancel_reason == "Intervenant indisponible"

        emails = OutboxMessage.objects.filter(kind="resources_action_cancelled")
        assert [e.to_email for e in emails] == [alice.email]  # bob had not saved it
        assert "Intervenant indisponible" in emails[0].body_text
        page = client_for(alice).get(action.resource.get_absolute_url()).content.decode()
        assert "Cette action est annulée." in page
        ics = client_for(alice).get(reverse("resources:action_ics", args=[action.resource.pk]))
        assert "STATUS:CANCELLED" in ics.content.decode()

    def test_cancelling_twice_tells_nobody_twice(self, rita, alice):
        from resources import services

        action = action_in("53")
        services.save_action(action, actor=alice)
        assert services.cancel_action(action, actor=rita)
        assert not services.cancel_action(RegionalAction.objects.get(pk=action.pk), actor=rita)
        assert OutboxMessage.objects.filter(kind="resources_action_cancelled").count() == 1

    def test_actions_are_found_in_the_library_search(self, client_for, alice):
        action_in("53", resource__title="Atelier sur la reconversion")
        page = client_for(alice).get(reverse("resources:list"), {"q": "reconversions"})
        assert [r.title for r in page.context["page"]] == ["Atelier sur la reconversion"]
        assert Resource.objects.get().kind == "action"


@pytest.mark.django_db
def test_regional_staff_read_action_pages_but_nothing_else_of_the_library(client_for, rita, oscar):
    from tests.resources.factories import ResourceFactory

    other_region = action_in("52", resource__title="Atelier ligérien")
    document = ResourceFactory(title="Un document pour les membres")
    client = client_for(rita)
    page = client.get(other_region.resource.get_absolute_url())
    assert page.status_code == 200 and "Suivre cette action" not in page.content.decode()
    assert "Modifier" not in page.content.decode()  # not her region
    assert client.get(document.get_absolute_url()).status_code == 404
    assert client.get(reverse("resources:list")).status_code == 403
    assert client_for(oscar).get(other_region.resource.get_absolute_url()).status_code == 403
