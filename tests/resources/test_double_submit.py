"""A proposal or a video sent twice (double click, resent request) makes one resource."""


import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from resources.models import Resource, Video
from tests.forms import token_in

PROPOSE = reverse("resources:propose")
UPLOAD = reverse("resources:upload_video")



def link(token: str, **overrides) -> dict:
    return {"kind": "link", "title": "Portail orientation", "summary": "Un portail utile.",
            "url": "https://example.org/orientation", "service_level": "all", "public": "all",
            "tags_text": "orientation", "submission_token": token, **overrides}


@pytest.mark.django_db
def test_a_proposal_sent_twice_proposes_once(client_for, alice, reference_data):
    client = client_for(alice)
    data = link(token_in(client.get(PROPOSE)))

    first = client.post(PROPOSE, data)
    second = client.post(PROPOSE, data)

    resource = Resource.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == resource.get_absolute_url()


@pytest.mark.django_db
def test_another_members_token_is_refused_and_proposes_nothing(client_for, alice, bob, reference_data):
    token = token_in(client_for(alice).get(PROPOSE))
    client_for(alice).post(PROPOSE, link(token))

    response = client_for(bob).post(PROPOSE, link(token, title="Le portail de Bob"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce formulaire a déjà servi" in page and "Le portail de Bob" in page
    assert token_in(response) != token
    assert list(Resource.objects.values_list("title", flat=True)) == ["Portail orientation"]


@pytest.mark.django_db
def test_the_edit_form_is_unchanged_by_tokens(client_for, alice, reference_data):
    client = client_for(alice)
    client.post(PROPOSE, link(token_in(client.get(PROPOSE))))
    resource = Resource.objects.get()

    response = client.get(reverse("resources:edit", args=[resource.pk]))

    assert response.status_code == 200
    assert "submission_token" not in response.content.decode()


@pytest.mark.django_db
def test_a_video_sent_twice_makes_one_resource_and_one_video(client_for, alice, reference_data, clips,
                                                            settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for(alice)
    token = token_in(client.get(UPLOAD))
    path = clips.get("hd", seconds=1)

    def data():
        return {"kind": "video", "title": "Séquence : le premier entretien",
                "summary": "Une mise en situation.", "service_level": "1", "public": "all",
                "tags_text": "entretien", "submission_token": token,
                "video_file": SimpleUploadedFile(path.name, path.read_bytes(), content_type="video/mp4")}

    first = client.post(UPLOAD, data(), headers={"X-Upload": "1"})
    second = client.post(UPLOAD, data(), headers={"X-Upload": "1"})

    resource = Resource.objects.get()
    assert first.json() == second.json() == {"url": resource.get_absolute_url()}
    assert Video.objects.count() == 1
