"""The statistics, from the side of those who must be refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comcep.models import User
from tests import factories

pytestmark = pytest.mark.django_db

PLATFORM_PAGES = [reverse("stats:dashboard"), reverse("stats:dashboard_csv", args=["entonnoir"]),
                  reverse("stats:cost_share")]


def test_an_operator_manager_asking_for_another_operator_s_figures_gets_404(client_for, olga):
    client = client_for(olga)

    assert client.get(reverse("stats:operator", args=["apec"])).status_code == 404
    assert client.get(reverse("stats:operator_csv", args=["apec", "admissions"])).status_code == 404
    assert client.get(reverse("stats:operator", args=["france-travail"])).status_code == 200


def test_an_operator_manager_does_not_reach_the_platform_dashboard(client_for, oscar):
    client = client_for(oscar)
    for url in PLATFORM_PAGES:
        assert client.get(url).status_code in (403, 404), url


@pytest.mark.parametrize("who", ["member", "visitor", "staff_without_role", "regional_staff"])
def test_nobody_else_reaches_any_figure(client_for, visitor, alice, rita, who):
    if who == "member":
        client = client_for(alice)
    elif who == "visitor":
        client = visitor
    elif who == "regional_staff":
        client = client_for(rita)
    else:
        staff = User.objects.create_user(email="staff@comcep.fr", password=factories.PASSWORD,
                                         is_staff=True)
        client = client_for(staff)
    urls = [*PLATFORM_PAGES, reverse("stats:operator_home"), reverse("stats:operator", args=["apec"]),
            reverse("stats:operator_csv", args=["apec", "admissions"])]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403, 404), (who, url)
        assert "Tableau de bord" not in response.text
    assert client.post(reverse("stats:cost_share"), {"year": 2026, "as_of": "2026-01-01"}
                       ).status_code in (302, 403, 404)


def test_the_platform_manager_sees_the_dashboard_with_charts_tables_and_csv(client_for, paula):
    client = client_for(paula)

    page = client.get(reverse("stats:dashboard"))
    export = client.get(reverse("stats:dashboard_csv", args=["deploiement"]))

    assert page.status_code == 200
    assert page.text.count("<svg") >= 2 and "<table>" in page.text
    assert export["Content-Type"].startswith("text/csv")
    assert "Bretagne" in export.content.decode()
