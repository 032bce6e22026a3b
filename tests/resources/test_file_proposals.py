"""A member's own file proposed in one step (the private space's door into the review queue)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from resources import services
from resources.models import Kind, Resource, ResourceEvent, Status
from tests.privatespace.helpers import PDF_BYTES

pytestmark = pytest.mark.django_db

PDF = PDF_BYTES  # a real PDF with nothing to strip: the library's copy is the same bytes


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def propose_pdf(actor, **overrides) -> Resource:
    data = {"name": "fichier.pdf", "size": len(PDF), "title": "Grille", "summary": "Utile.",
            "is_video": False, **overrides}
    return services.propose_file(io.BytesIO(PDF), actor=actor, **data)


def test_a_document_file_becomes_a_proposal_with_its_own_copy_and_event(alice):
    resource = propose_pdf(alice)
    assert resource.status == Status.PROPOSED and resource.kind == Kind.DOCUMENT
    assert resource.document.read() == PDF and resource.document_name == "grille.pdf"
    assert ResourceEvent.objects.filter(resource=resource, to_status=Status.PROPOSED, actor=alice).exists()


def test_a_moderators_file_is_published_at_once_like_their_other_proposals(mod):
    assert propose_pdf(mod).status == Status.PUBLISHED


@pytest.mark.parametrize("name, size, is_video, message", [
    ("fichier.png", 10, False, "ne peut pas lui être proposé"),
    ("fichier.mp3", 10, False, "ne peut pas lui être proposé"),
    ("fichier.flv", 10, True, "format de vidéo"),
])
def test_files_the_library_does_not_take_are_refused_in_french(alice, name, size, is_video, message):
    with pytest.raises(ValidationError, match=message):
        propose_pdf(alice, name=name, size=size, is_video=is_video)
    assert not Resource.objects.exists()


def test_a_video_over_the_librarys_size_limit_is_refused(alice, settings):
    settings.RESOURCES_VIDEO_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="taille maximale"):
        propose_pdf(alice, name="fichier.mp4", size=11, is_video=True)


def test_a_visitor_or_operator_manager_cannot_propose(oscar):
    with pytest.raises(PermissionDenied):
        propose_pdf(oscar)


def test_another_member_cannot_withdraw_a_proposal(alice, bob):
    resource = propose_pdf(alice)
    with pytest.raises(PermissionDenied):
        services.withdraw_proposal(resource, actor=bob)
    assert Resource.objects.filter(pk=resource.pk).exists()


def test_a_reviewed_proposal_cannot_be_withdrawn(alice, mod):
    resource = propose_pdf(alice)
    services.publish_resource(resource, actor=mod)
    assert services.withdraw_proposal(resource, actor=alice) is False
    assert Resource.objects.get(pk=resource.pk).status == Status.PUBLISHED
