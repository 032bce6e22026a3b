"""The dashboard and an operator's figures run the same number of queries at two data sizes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enrolment.models import Status
from tests.enrolment.factories import make_application

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> int:
    client.get(url)  # the first request of a session writes its own rows: not the page's cost
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow(n, oscar):
    for _ in range(n):
        make_application(status=Status.ADMITTED, manager=oscar)
        make_application(status=Status.PENDING, manager=oscar)
        make_application(status=Status.REFUSED, manager=oscar)


@pytest.fixture(params=[3600, 0], ids=["history kept", "history read again"])
def kept(request, settings):
    """Both readings: with what the shared cache keeps of the history, and with it read again."""
    settings.STATS_CACHE_SECONDS = request.param


@pytest.mark.parametrize("url", [reverse("stats:dashboard"), reverse("stats:cost_share")])
def test_the_platform_pages_run_a_constant_number_of_queries(client_for, paula, oscar, url, kept):
    client = client_for(paula)
    grow(1, oscar)
    small = queries_for(client, url)
    grow(6, oscar)

    assert queries_for(client, url) == small


def test_an_operator_s_figures_run_a_constant_number_of_queries(client_for, oscar, kept):
    client = client_for(oscar)
    url = reverse("stats:operator", args=["apec"])
    grow(1, oscar)
    small = queries_for(client, url)
    grow(6, oscar)

    assert queries_for(client, url) == small
