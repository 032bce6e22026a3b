"""The community home in a browser at phone, tablet and desktop widths: a member lands on it
after signing in and finds each section, its headings in order, nothing wider than the screen
(the page check of every browser test runs axe and the overflow check on it)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events import services as event_services
from events.models import Event
from forum import services as forum_services
from forum.models import Category, StartPolicy, TopicKind
from privatespace import courses
from tests import factories
from tests.e2e.conftest import VIEWPORTS, sign_in
from tests.privatespace.factories import make_course
from tests.resources.factories import ActionFactory, ResourceFactory


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("viewport", list(VIEWPORTS), indirect=True)
@pytest.mark.django_db(transaction=True)
def test_a_member_lands_on_the_community_home(page, live_server, viewport, screenshot, alice, bob, expert):
    Category.objects.get_or_create(slug="sessions-experts", defaults={
        "name": "Sessions d'experts", "start_policy": StartPolicy.EXPERTS})
    practices = Category.objects.create(slug="echanges", name="Échanges de pratiques")
    forum_services.create_topic(actor=bob.member, category=practices, kind=TopicKind.QUESTION,
                                title="Comment présenter la validation des acquis de l'expérience "
                                      "à un public éloigné de l'emploi ?",
                                body="Bonjour.", rate_limit=False)
    event_services.create_event(actor=expert.member, cohosts=[], event=Event(
        title="Webinaire sur le bilan de compétences", description="Une heure.", duration_minutes=60,
        starts_at=timezone.now() + timedelta(days=2), capacity=30, video_url="https://visio.example.org/salle"))
    ResourceFactory(title="Guide de l'entretien conseil en évolution professionnelle")
    ActionFactory(resource__title="Atelier breton sur la VAE", resource__region=factories.region("53"))
    course = make_course(expert, title="Conduire un premier entretien CEP", publish=True)
    follow = courses.follow_course(course, actor=alice)
    courses.complete_lesson(follow, course.ordered_lessons()[0])

    sign_in(page, live_server, alice.email, factories.PASSWORD)

    expect(page.get_by_role("heading", level=1)).to_contain_text("Lande Bretonne")
    for title in ("Au forum", "Prochaines sessions en direct", "Nouvelles ressources", "Mes cours en cours",
                  "Actions de professionnalisation de votre région"):
        expect(page.get_by_role("region", name=title)).to_be_visible()
    questions = page.get_by_role("list", name="Questions sans réponse dans vos thèmes et votre région")
    expect(questions).to_contain_text("validation des acquis")
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "1")
    screenshot("home")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
