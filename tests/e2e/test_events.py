"""Live sessions in a browser at phone, tablet and desktop widths, with a real worker: a member
registers, is reminded by the worker's job, sees the link appear when it is time and opens it;
the host attaches the replay, which the worker makes a library video linked from the event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events import services
from events.models import Event, Reminder
from events.tasks import send_event_reminders
from forum.models import Category, StartPolicy
from resources.models import VideoState
from tests import factories
from tests.conftest import start_worker, stop_worker, wait_until
from tests.e2e.conftest import sign_in

LINK = "https://meet.jit.si/comcep-e2e"


@pytest.fixture
def running_worker(settings, tmp_path):
    """A real worker sharing the live server's media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    worker = start_worker(tmp_path / "worker", extra_env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)})
    yield worker
    stop_worker(worker)


def _session(expert, *, starts_in: timedelta) -> Event:
    Category.objects.get_or_create(slug="sessions-experts", defaults={
        "name": "Sessions d'experts", "start_policy": StartPolicy.EXPERTS})
    return services.create_event(actor=expert.member, cohosts=[], event=Event(
        title="Session en direct", description="Une session **en direct**.", duration_minutes=60,
        starts_at=timezone.now() + starts_in, capacity=10, video_url=LINK))


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_register_get_reminded_and_open_the_link_when_it_is_time(page, live_server, viewport, screenshot,
                                                                 running_worker, alice, expert):
    event = _session(expert, starts_in=timedelta(minutes=50))
    sign_in(page, live_server, alice.email, factories.PASSWORD)

    page.goto(f"{live_server.url}/evenements/")
    page.get_by_role("link", name="Session en direct").click()
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_text("Vous êtes inscrit·e.", exact=True)).to_be_visible()
    expect(page.locator(".event-link-later")).to_contain_text("un quart d'heure avant le début")
    assert LINK not in page.content()
    screenshot("1-registered")

    # The beat job, run by the worker, reminds her: the hour's reminder, on the events page.
    send_event_reminders.delay()
    wait_until(lambda: Reminder.objects.filter(event=event, member=alice.member).exists(), timeout=60,
               message="the worker wrote no reminder")
    page.goto(f"{live_server.url}/evenements/")
    reminders = page.locator(".event-reminders")
    expect(reminders).to_contain_text("Dans moins d'une heure")
    expect(reminders.get_by_role("link", name="Session en direct")).to_be_visible()
    assert fits_the_screen(page)
    screenshot("2-reminded")

    # A quarter of an hour before the start, the link appears, and opens the video-conference.
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() + timedelta(minutes=10),
                                             ends_at=timezone.now() + timedelta(minutes=70))
    page.context.route(f"{LINK}**", lambda route: route.fulfill(
        status=200, content_type="text/html",
        body='<!doctype html><html lang="fr"><title>Salle</title><main><h1>Salle de visioconférence</h1>'
             "</main></html>"))
    reminders.get_by_role("link", name="Session en direct").click()
    join = page.get_by_role("link", name="Rejoindre la visioconférence")
    expect(join).to_have_attribute("href", LINK)
    assert fits_the_screen(page)
    screenshot("3-live")
    with page.expect_popup() as popup:
        join.click()
    room = popup.value
    room.wait_for_load_state()
    assert room.url == LINK
    room.close()

    with page.expect_download() as download:
        page.get_by_role("link", name="Ajouter à mon agenda (.ics)").click()
    calendar = download.value.path().read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in calendar and "meet.jit.si" not in calendar


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_host_attaches_the_replay_and_members_find_it_on_the_event(page, live_server, viewport,
                                                                      screenshot, running_worker, clips,
                                                                      expert, alice):
    event = _session(expert, starts_in=timedelta(days=1))
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(hours=2),
                                             ends_at=timezone.now() - timedelta(hours=1))
    clip = clips.get("replay", seconds=2, width=320, height=180)
    sign_in(page, live_server, expert.email, factories.PASSWORD)

    page.goto(f"{live_server.url}/evenements/{event.pk}/")
    page.get_by_role("link", name="Joindre l'enregistrement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Joindre l'enregistrement")
    # A file that is not a video is refused in French, the chapters typed kept.
    page.get_by_label("Fichier vidéo de l'enregistrement").set_input_files(
        files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"pas une video"}])
    page.get_by_label("Chapitres").fill("0:00 Accueil\n0:01 Questions")
    page.get_by_role("button", name="Envoyer l'enregistrement").click()
    expect(page.locator("main")).to_contain_text("Ce type de fichier n'est pas une vidéo acceptée.")
    expect(page.get_by_label("Chapitres")).to_have_value("0:00 Accueil\n0:01 Questions")
    assert fits_the_screen(page)
    screenshot("1-refused")

    page.get_by_label("Fichier vidéo de l'enregistrement").set_input_files(str(clip))
    page.get_by_role("button", name="Envoyer l'enregistrement").click()
    expect(page.locator(".messages")).to_contain_text("la vidéo est en cours de traitement")
    event.refresh_from_db()
    video = event.recording.video
    wait_until(lambda: type(video).objects.get(pk=video.pk).state in (VideoState.READY, VideoState.FAILED),
               timeout=120, message="the worker did not process the replay")
    assert type(video).objects.get(pk=video.pk).state == VideoState.READY
    screenshot("2-attached")

    # A member finds the replay on the event's page and opens it in the library.
    page.context.clear_cookies()
    sign_in(page, live_server, alice.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/evenements/{event.pk}/")
    page.locator(".event-replay").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(event.recording.title)
    assert fits_the_screen(page)
    screenshot("3-replay")
