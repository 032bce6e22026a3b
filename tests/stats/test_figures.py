"""What the platform manager's dashboard counts, and that it follows what happens: the history's
figures are kept between readings (``stats.queries``), yet a new application step or a post of
the current week shows at the next reading."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from comcep import datarights
from enrolment.models import Status
from forum import services as forum_services
from forum.models import Category, Post, Topic
from tests import factories
from tests.enrolment.factories import make_application

pytestmark = pytest.mark.django_db


def _table(client, slug: str) -> dict[str, list[str]]:
    response = client.get(reverse("stats:dashboard_csv", args=[slug]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";"))
    return {row[0]: row[1:] for row in rows[1:]}


def test_the_funnel_and_the_decisions_count_each_application_at_every_stage_it_reached(
        client_for, paula, oscar):
    for _ in range(12):
        make_application(status=Status.ADMITTED, manager=oscar)
    for _ in range(10):
        make_application(status=Status.APPEALED, manager=oscar)
    client = client_for(paula)

    funnel = _table(client, "entonnoir")
    # candidatures, adresse confirmée, admises, refusées, en appel, infirmées en appel
    assert funnel["Apec · Pays de la Loire"] == ["22", "22", "12", "10", "10", "0"]
    assert funnel["Total"] == ["22", "22", "12", "10", "10", "0"]
    assert _table(client, "delais")["Décisions des opérateurs"] == ["22"]

    for _ in range(10):
        make_application(status=Status.REFUSED, manager=oscar)
    for _ in range(10):  # refused, appealed, overturned (admitted), then their membership ended
        make_application(status=Status.ENDED, manager=oscar, platform_manager=paula)

    assert _table(client, "entonnoir")["Apec · Pays de la Loire"] == ["42", "42", "22", "30", "20", "10"]
    assert _table(client, "delais")["Décisions des opérateurs"] == ["42"]


def test_a_closed_account_leaves_the_members_of_its_region_at_the_next_reading(client_for, paula,
                                                                                 oscar):
    admitted = [make_application(status=Status.ADMITTED, manager=oscar) for _ in range(11)]
    client = client_for(paula)
    # phase, membres, liste d'attente, libérées à l'ouverture
    assert _table(client, "deploiement")["Pays de la Loire"][1] == "11"

    leaving = admitted[0].user
    datarights.close_account(leaving, keep_posts=True, by_member=True, actor=leaving)

    assert _table(client, "deploiement")["Pays de la Loire"][1] == "10"


def test_the_weekly_activity_counts_the_weeks_over_and_follows_the_current_one(client_for, paula,
                                                                               reference_data):
    category = Category.objects.create(slug="echanges", name="Échanges de pratiques")
    authors = [factories.make_member().member for _ in range(12)]
    earlier = [forum_services.create_topic(actor=author, category=category, title=f"Sujet {n}",
                                           body="Premier message.", rate_limit=False)
               for n, author in enumerate(authors[:10])]
    two_weeks_ago = timezone.now() - timedelta(weeks=2)
    Topic.objects.filter(pk__in=[t.pk for t in earlier]).update(created_at=two_weeks_ago)
    Post.objects.filter(topic__in=earlier).update(created_at=two_weeks_ago)
    topic = forum_services.create_topic(actor=authors[0], category=category, title="Cette semaine",
                                        body="Premier message.", rate_limit=False)
    for author in authors[1:10]:
        forum_services.create_post(actor=author, topic=topic, body="Une réponse.", rate_limit=False)
    client = client_for(paula)

    def week_of(moment) -> str:
        local = timezone.localtime(moment)
        return date_format((local - timedelta(days=local.weekday())).date(), "SHORT_DATE_FORMAT")

    # membres actifs, nouveaux sujets, nouveaux messages, then the library and the courses
    activity = _table(client, "activite")
    assert activity[week_of(two_weeks_ago)][:3] == ["10", "10", "10"]
    assert activity[week_of(timezone.now())][:3] == ["10", "1", "10"]

    for author in authors[10:]:
        forum_services.create_post(actor=author, topic=topic, body="Une autre réponse.", rate_limit=False)

    activity = _table(client, "activite")
    assert activity[week_of(timezone.now())][:3] == ["12", "1", "12"]
    assert activity[week_of(two_weeks_ago)][:3] == ["10", "10", "10"]
