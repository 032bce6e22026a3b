"""A NUL character, wherever an attacker slips it, is answered 400 with a French page.

PostgreSQL refuses NUL in text, so one that reached a query used to answer 500 (the mention
autocomplete), and elsewhere it was quietly accepted. Now the request stops at the door.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comcep.models import Region
from enrolment.models import Application
from tests.forms import application_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_region(reference_data):
    Region.objects.filter(code="52").update(phase="open")




def assert_refused_in_french(response):
    assert response.status_code == 400
    assert "Requête invalide" in response.text
    assert "Rien n'a été enregistré" in response.text


@pytest.mark.parametrize("query", ["?q=%00", "?q=lan%00de", "?q=\x00", "?q%00=lan"])
def test_a_nul_in_the_mention_autocomplete_is_a_bad_request_not_a_crash(client_for, alice, query):
    client = client_for(alice)

    response = client.get(reverse("forum:member_autocomplete") + query)

    assert_refused_in_french(response)
    assert client.get(reverse("forum:member_autocomplete") + "?q=lan").json() == {
        "results": ["Lande Bretonne"]}


def test_a_nul_in_a_search_is_refused(client_for, alice):
    client = client_for(alice)

    refused = client.get(reverse("forum:search"), {"q": "bilan\x00de compétences"})
    accepted = client.get(reverse("forum:search"), {"q": "bilan de compétences"})

    assert_refused_in_french(refused)
    assert accepted.status_code == 200


def test_a_nul_in_an_ordinary_page_address_is_refused(visitor, reference_data):
    assert_refused_in_french(visitor.get("/?ref=%00"))
    assert_refused_in_french(visitor.get(reverse("enrolment:apply") + "?region=52%00"))


@pytest.mark.parametrize("path", ["/forum/%00/", "/candidature/ma-candidature%00/",
                                  "/ressources/%00", "/static/css/comcep.css%00"])
def test_a_nul_in_the_path_is_refused(client_for, alice, path):
    assert_refused_in_french(client_for(alice).get(path))


@pytest.mark.parametrize("field, value", [
    ("first_name", "Cla\x00ire"),
    ("structure_name", "\x00"),
    ("charter", "on\x00"),
    ("unknown\x00field", "x"),  # even a field no form reads
])
def test_a_nul_in_a_multipart_form_field_is_refused_and_nothing_is_written(
        visitor, open_region, field, value):
    response = visitor.post(reverse("enrolment:apply"), application_form(**{field: value}))

    assert_refused_in_french(response)
    assert not Application.objects.exists()


def test_a_nul_in_an_urlencoded_form_field_is_refused_and_nothing_is_written(visitor, open_region):
    body = urlencode(application_form(last_name="Font\x00aine"))

    response = visitor.post(reverse("enrolment:apply"), body,
                            content_type="application/x-www-form-urlencoded")

    assert_refused_in_french(response)
    assert not Application.objects.exists()


def test_a_nul_in_a_signed_in_members_form_is_refused(client_for, alice):
    response = client_for(alice).post(reverse("edit_profile"), {"bio": "Bonjour\x00"})

    assert_refused_in_french(response)


def test_an_uploaded_file_may_hold_nul_bytes(visitor, open_region):
    # Binary files are full of them: only the form's fields are checked, never a file's content.
    attachment = SimpleUploadedFile("piece.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00",
                                    content_type="application/octet-stream")

    response = visitor.post(reverse("enrolment:apply"), application_form(piece=attachment))

    assert response.status_code == 302
    assert Application.objects.filter(email="claire.fontaine@apec.fr").exists()


def test_text_without_nul_goes_through_untouched(visitor, open_region):
    response = visitor.post(reverse("enrolment:apply"),
                            application_form(first_name="Zoé", last_name="N'Diaye-Lefèvre"))

    assert response.status_code == 302
    assert Application.objects.get().last_name == "N'Diaye-Lefèvre"
