"""A new course sent twice (double click, resent request) is created once."""


import pytest
from django.urls import reverse

from privatespace.models import Course
from tests.forms import token_in

CREATE = reverse("privatespace:create_course")
pytestmark = pytest.mark.django_db



def test_a_course_sent_twice_is_created_once(client_for, alice):
    client = client_for(alice)
    data = {"title": "L'entretien CEP", "summary": "Trois temps",
            "submission_token": token_in(client.get(CREATE))}

    first = client.post(CREATE, data)
    second = client.post(CREATE, data)

    course = Course.objects.get()
    builder = reverse("privatespace:course_builder", args=[course.pk])
    assert first["Location"] == second["Location"] == builder


def test_another_members_token_is_refused_and_creates_nothing(client_for, alice, bob):
    token = token_in(client_for(alice).get(CREATE))
    client_for(alice).post(CREATE, {"title": "Le cours d'Alice", "submission_token": token})

    response = client_for(bob).post(CREATE, {"title": "Le cours de Bob", "submission_token": token})

    assert response.status_code == 200
    assert "Ce formulaire a déjà servi" in response.content.decode()
    assert "Le cours de Bob" in response.content.decode()
    assert list(Course.objects.values_list("title", flat=True)) == ["Le cours d'Alice"]


def test_the_edit_form_carries_no_token(client_for, alice):
    client = client_for(alice)
    client.post(CREATE, {"title": "Un cours"})

    response = client.get(reverse("privatespace:edit_course", args=[Course.objects.get().pk]))

    assert response.status_code == 200 and "submission_token" not in response.content.decode()
