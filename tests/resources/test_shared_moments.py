"""A video shared at a moment: its address opens the video there (the forum draws its card:
tests/forum/test_resource_citations.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resources.models import Kind
from tests.resources.factories import ResourceFactory


@pytest.mark.django_db
def test_a_link_at_a_given_time_opens_the_video_there(client_for, alice):
    video = ResourceFactory(kind=Kind.VIDEO)
    response = client_for(alice).get(reverse("resources:detail_at", args=[video.pk, 42]))
    assert response.status_code == 200 and response.context["start_at"] == 42
