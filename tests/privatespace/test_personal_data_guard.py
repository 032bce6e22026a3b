"""A lesson's text and a file's presentation for the library are checked like forum posts:
what looks like a beneficiary's data is questioned before anything is saved."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from comcep.personaldata_guard import CONFIRM_FIELD
from tests.privatespace.factories import make_course, make_file
from tests.privatespace.helpers import text

pytestmark = pytest.mark.django_db

ASKED = "semble contenir des données personnelles"
BODY = "Exemple réel : Mme Lefebvre, née le 14/06/1971, a changé de métier à 50 ans."


def test_a_lesson_naming_a_beneficiary_is_questioned_then_saved_once_confirmed(alice, client_for):
    module = make_course(alice, modules=1, quiz=False).modules.get()
    client = client_for(alice)
    url = reverse("privatespace:add_lesson", args=[module.pk])
    data = {"title": "Un parcours", "kind": "text", "body": BODY}

    response = client.post(url, data)

    assert response.status_code == 200
    page = response.content.decode()
    assert ASKED in page and '<mark class="personal-data">Mme Lefebvre</mark>' in page
    assert '<mark class="personal-data">14/06/1971</mark>' in page
    assert escape(BODY) in page  # the text typed is kept
    assert module.lessons.count() == 1

    assert client.post(url, {**data, CONFIRM_FIELD: "on"}).status_code == 302
    assert module.lessons.filter(body=BODY).exists()


def test_a_file_presentation_with_an_email_is_questioned_and_nothing_is_proposed(alice, client_for):
    private_file = make_file(alice)
    client = client_for(alice)
    url = reverse("privatespace:propose_file", args=[private_file.key])
    note = "Grille remplie avec karim.benali78@gmail.com <b>exemple</b>"

    response = client.post(url, {"title": "Grille d'entretien", "note": note})

    assert response.status_code == 400
    assert ASKED in text(response)
    assert "<b>exemple</b>" not in response.content.decode()
    assert escape(note) in response.content.decode()
    private_file.refresh_from_db()
    assert private_file.proposed_at is None

    client.post(url, {"title": "Grille d'entretien", "note": note, CONFIRM_FIELD: "on"})
    private_file.refresh_from_db()
    assert private_file.proposed_at is not None and private_file.proposal_note == note
