"""The community home: what each app shows a member there, what it keeps from them, its budget.

The sections are registered by the apps (``comcep.home``); the page is the community's landing.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import services as event_services
from events.models import Audience, Event
from forum import services as forum_services
from forum.models import Category, CategoryAccess, StartPolicy, TopicKind, WatchedCategory
from privatespace import courses
from resources.models import Status
from tests import factories
from tests.privatespace.factories import make_course
from tests.resources.factories import ActionFactory, ResourceFactory

BUDGET = 10


@pytest.fixture
def forum(reference_data):
    """A national category, one of Bretagne (alice's region, 53), one of Île-de-France (52), the
    live sessions' category, and a working group's members-only discussion."""
    Category.objects.get_or_create(slug="sessions-experts", defaults={
        "name": "Sessions d'experts", "start_policy": StartPolicy.EXPERTS})
    return {
        "national": Category.objects.create(slug="echanges", name="Échanges de pratiques"),
        "bretagne": Category.objects.create(slug="bretagne", name="En Bretagne",
                                            region=factories.region("53")),
        "idf": Category.objects.create(slug="idf", name="En Île-de-France", region=factories.region("52")),
        "group": Category.objects.create(slug="groupe-vae", name="Groupe VAE", members_only=True),
    }


def topic(user, category, title, *, kind=TopicKind.DISCUSSION):
    return forum_services.create_topic(actor=user.member, category=category, title=title,
                                       body="Bonjour à toutes et tous.", kind=kind, rate_limit=False)


def event(host, title, *, days=2, **fields):
    fields.setdefault("audience", Audience.EVERYONE)
    made = Event(title=title, description="Une heure.", starts_at=timezone.now() + timedelta(days=days),
                 duration_minutes=60, capacity=30, video_url="https://visio.example.org/salle", **fields)
    return event_services.create_event(actor=host.member, event=made, cohosts=[])


def home_page(client) -> str:
    response = client.get(reverse("community"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_member_sees_the_communitys_news_of_their_themes_and_region(client_for, alice, bob, expert, forum):
    CategoryAccess.objects.create(category=forum["group"], member=alice.member)
    topic(bob, forum["national"], "Quel délai pour une VAE ?", kind=TopicKind.QUESTION)
    topic(bob, forum["bretagne"], "Un financement breton ?", kind=TopicKind.QUESTION)
    topic(alice, forum["idf"], "Une question francilienne ?", kind=TopicKind.QUESTION)
    answered = topic(bob, forum["national"], "Question déjà traitée ?", kind=TopicKind.QUESTION)
    forum_services.create_post(actor=alice.member, topic=answered, body="Voici.", rate_limit=False)
    topic(alice, forum["group"], "Compte rendu secret du groupe")
    event(expert, "Webinaire sur le bilan de compétences")
    event(expert, "Session réservée à l'Île-de-France", audience=Audience.REGION,
          region=factories.region("52"))
    ResourceFactory(title="Guide de l'entretien conseil")
    ResourceFactory(title="Proposition encore à relire", status=Status.PROPOSED, published_at=None)
    ActionFactory(resource__title="Atelier breton sur la VAE", resource__region=factories.region("53"))
    ActionFactory(resource__title="Atelier francilien", resource__region=factories.region("52"))
    course = make_course(expert, title="Conduire un premier entretien CEP", publish=True)
    follow = courses.follow_course(course, actor=alice)
    courses.complete_lesson(follow, course.ordered_lessons()[0])
    finished = make_course(expert, title="Cours déjà terminé", publish=True, modules=1)
    done = courses.follow_course(finished, actor=alice)
    courses.complete_lesson(done, finished.ordered_lessons()[0])
    topic(bob, forum["national"], "Accompagner une reconversion")

    page = home_page(client_for(alice))

    # The forum: the latest topics of the public forum, last posters by pseudonym.
    assert "Accompagner une reconversion" in page and "Bob le Bâtisseur" in page
    # The unanswered questions of the national categories and of Bretagne, alice's region.
    questions = page.split("Questions sans réponse dans vos thèmes et votre région")[1]
    questions = questions.split("</ul>")[0]
    assert "Quel délai pour une VAE ?" in questions and "Un financement breton ?" in questions
    assert "Une question francilienne ?" not in questions  # another region's
    assert "Question déjà traitée ?" not in questions  # answered
    # A working group's discussion stays in the group, even for a member of it.
    assert "Compte rendu secret du groupe" not in page
    # The coming live sessions alice may join, not another region's.
    assert "Webinaire sur le bilan de compétences" in page
    assert "Session réservée à l'Île-de-France" not in page
    # The regional actions of Bretagne, and the new resources (published only).
    assert "Atelier breton sur la VAE" in page and "Atelier francilien" not in page
    assert "Guide de l&#x27;entretien conseil" in page
    assert "Proposition encore à relire" not in page
    # Her course in progress, with her progress; the finished one is not in progress.
    assert "Conduire un premier entretien CEP" in page
    assert "1 leçon terminée sur 2" in page
    assert "Cours déjà terminé" not in page
    # Accessible: the page's landmarks and its sections' headings.
    assert page.count('<section class="card home-section" aria-labelledby=') >= 5
    assert "<h2 id=\"home-forum-title\">" in page
    # Dates a browser and a screen reader can read: no more than three digits after the seconds.
    assert re.findall(r'datetime="[^"]+"', page)
    assert not re.search(r'datetime="[^"]*\.\d{4,}', page)


def test_the_questions_follow_the_categories_a_member_watches(client_for, alice, bob, forum):
    WatchedCategory.objects.create(member=alice.member, category=forum["idf"])
    topic(bob, forum["national"], "Quel délai pour une VAE ?", kind=TopicKind.QUESTION)
    topic(bob, forum["idf"], "Une question francilienne ?", kind=TopicKind.QUESTION)

    page = home_page(client_for(alice))
    questions = page.split("Questions sans réponse dans vos thèmes")[1].split("</ul>")[0]

    assert "Une question francilienne ?" in questions  # a theme she follows
    assert "Quel délai pour une VAE ?" not in questions  # she follows themes: not every national one


def test_the_home_names_members_by_pseudonym_only(client_for, alice, bob, forum):
    topic(alice, forum["national"], "Accompagner une reconversion")

    page = home_page(client_for(bob))

    assert "Lande Bretonne" in page
    assert "Martin" not in page and "alice.martin@apec.fr" not in page


@pytest.mark.parametrize("persona", ["paula", "oscar", "rita"])
def test_a_staff_account_that_is_no_member_sees_no_members_data(request, client_for, alice, forum, persona):
    topic(alice, forum["national"], "Accompagner une reconversion")
    ResourceFactory(title="Guide de l'entretien conseil")
    client = client_for(request.getfixturevalue(persona))

    community = client.get(reverse("community"))
    assert community.status_code in (302, 403)
    home = client.get(reverse("home"), follow=True).content.decode()
    assert "Accompagner une reconversion" not in home and "Lande Bretonne" not in home
    assert "Guide de l&#x27;entretien conseil" not in home


def test_a_new_topic_shows_on_the_home_at_once(client_for, alice, bob, forum):
    topic(bob, forum["national"], "Accompagner une reconversion")
    client = client_for(alice)
    assert "Accompagner une reconversion" in home_page(client)  # now cached

    topic(bob, forum["national"], "Quel délai pour une VAE ?", kind=TopicKind.QUESTION)
    forum_services.create_post(actor=alice.member, topic=forum["national"].topics.get(
        title="Accompagner une reconversion"), body="Un retour.", rate_limit=False)

    page = home_page(client)
    assert "Quel délai pour une VAE ?" in page  # in the latest topics and the questions
    assert "1 réponse" in page


def test_a_published_resource_shows_on_the_home_at_once(client_for, alice, mod, forum):
    from resources import services as library_services

    client = client_for(alice)
    assert "Guide de l&#x27;entretien conseil" not in home_page(client)  # the empty list is cached
    proposal = ResourceFactory(title="Guide de l'entretien conseil", status=Status.PROPOSED,
                               published_at=None)
    assert "Guide de l&#x27;entretien conseil" not in home_page(client)

    library_services.publish_resource(proposal, actor=mod)

    assert "Guide de l&#x27;entretien conseil" in home_page(client)


def fill(size: int, forum, expert, alice):
    people = [factories.make_member() for _ in range(max(2, size // 4))]
    for n in range(size):
        author = people[n % len(people)]
        topic(author, forum["national"], f"Sujet numéro {n}")
        topic(author, forum["bretagne"], f"Question numéro {n} ?", kind=TopicKind.QUESTION)
        ResourceFactory(title=f"Ressource numéro {n}", tags=["vae", f"tag{n % 3}"])
        ActionFactory(resource__region=factories.region("53"))
        event(expert, f"Webinaire numéro {n}", days=n + 1)
        course = make_course(expert, title=f"Cours numéro {n}", publish=True)
        follow = courses.follow_course(course, actor=alice)
        courses.complete_lesson(follow, course.ordered_lessons()[0])


def queries_of_the_home(client) -> tuple[int, int]:
    """The queries of the home right after new data (its shared parts to build), then from the cache."""
    client.get(reverse("forum:index"))  # warms the session and the roles
    with CaptureQueriesContext(connection) as cold:
        assert client.get(reverse("community")).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get(reverse("community")).status_code == 200
    return len(cold.captured_queries), len(warm.captured_queries)


def test_the_home_has_a_flat_query_budget(client_for, alice, expert, forum):
    client = client_for(alice)
    fill(2, forum, expert, alice)
    small = queries_of_the_home(client)
    fill(12, forum, expert, alice)  # moves the categories' revisions and the library's generation
    large = queries_of_the_home(client)

    print("home queries (after new data, cached):", small, large)
    assert small == large
    assert max(large) <= BUDGET
