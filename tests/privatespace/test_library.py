"""The private space and the library together: favourites of resources and videos, lessons
that hold a published library resource, their SCORM export, and a personal file proposed to
the library in one step."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comcep.models import OutboxMessage
from privatespace import courses, services
from privatespace.models import Favourite, Lesson, PrivateFile
from resources import services as resource_services
from resources import transcoding
from resources.models import Caption, Kind, Resource, Status, Video, VideoRendition, VideoState
from tests.conftest import start_worker, stop_worker, wait_until
from tests.privatespace.factories import make_course, make_file
from tests.privatespace.helpers import PDF_BYTES, mp4_bytes, png_upload, text
from tests.resources.factories import ResourceFactory

pytestmark = pytest.mark.django_db

VTT = "WEBVTT\n\n00:00.000 --> 00:01.000\nBonjour.\n"


def ready_video(media_root, **resource_fields) -> Resource:
    """A published video resource whose 720p rendition and French captions are on disk."""
    resource = ResourceFactory(kind=Kind.VIDEO, **{"title": "Le premier entretien filmé", **resource_fields})
    video = Video.objects.create(resource=resource, state=VideoState.READY, progress=100, duration=2)
    folder = media_root / video.folder
    folder.mkdir(parents=True)
    (folder / "720p.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 fake rendition")
    (folder / "360p.mp4").write_bytes(b"small")
    (folder / "captions-fr.vtt").write_text(VTT)
    VideoRendition.objects.create(video=video, height=720, width=1280, path=f"{video.folder}/720p.mp4")
    VideoRendition.objects.create(video=video, height=360, width=640, path=f"{video.folder}/360p.mp4")
    Caption.objects.create(video=video, language="fr", label="Français",
                           path=f"{video.folder}/captions-fr.vtt")
    return resource


def library_lesson(author, resource, *, publish=True) -> Lesson:
    course = make_course(author, modules=1, quiz=False)
    lesson = courses.add_lesson(course.modules.get(), actor=author, content=courses.LessonContent(
        title="Regarder l'entretien", kind="library", library_resource=resource))
    if publish:
        courses.publish_course(course, actor=author)
    return lesson


# --- Favourites -----------------------------------------------------------------------------


class TestFavouritesOfTheLibrary:
    def test_a_member_saves_a_video_from_its_page_and_finds_it_with_its_title_and_link(
            self, alice, client_for, private_media):
        resource = ready_video(private_media)
        client = client_for(alice)
        page = text(client.get(resource.get_absolute_url()))
        assert "Ajouter à mes favoris" in page

        token = services.favourite_token(alice, resource)
        client.post(reverse("privatespace:add_favourite"), {"token": token})

        favourite = Favourite.objects.get(owner=alice)
        assert favourite.item == resource and favourite.kind == "séquence vidéo"
        listing = text(client.get(reverse("privatespace:favourites")))
        assert f'<a href="{resource.get_absolute_url()}">Le premier entretien filmé</a>' in listing
        assert "Dans mes favoris" in text(client.get(resource.get_absolute_url()))

    def test_a_document_page_has_the_button_too(self, alice, client_for):
        resource = ResourceFactory(kind=Kind.LEGAL, title="Article L6111-6")
        assert "Ajouter à mes favoris" in text(client_for(alice).get(resource.get_absolute_url()))

    def test_a_proposal_not_yet_published_has_no_favourite_button(self, alice, client_for):
        proposal = ResourceFactory(status=Status.PROPOSED, proposed_by=alice, published_at=None)
        page = text(client_for(alice).get(proposal.get_absolute_url()))
        assert "Ajouter à mes favoris" not in page


# --- Library lessons -------------------------------------------------------------------------


class TestChoosingALibraryResource:
    def test_the_author_finds_a_published_resource_by_search_without_javascript(self, alice, client_for):
        ResourceFactory(title="Le conseil en évolution professionnelle", kind=Kind.DOCUMENT)
        ResourceFactory(title="Évolution non publiée", status=Status.PROPOSED, published_at=None)
        course = make_course(alice, modules=1, quiz=False)
        url = reverse("privatespace:add_lesson", args=[course.modules.get().pk])

        page = text(client_for(alice).post(url, {"title": "Ma leçon", "kind": "library",
                                                 "library_q": "evolution", "search_library": "1"}))

        assert "Le conseil en évolution professionnelle" in page
        assert "Évolution non publiée" not in page
        assert 'value="Ma leçon"' in page  # what was typed comes back
        assert not Lesson.objects.filter(title="Ma leçon").exists()

    def test_the_live_search_offers_published_resources_only(self, alice, client_for):
        ResourceFactory(title="Entretien filmé publié")
        ResourceFactory(title="Entretien filmé proposé", status=Status.PROPOSED, published_at=None)
        page = text(client_for(alice).get(reverse("privatespace:library_search"),
                                          {"library_q": "entretien"}))
        assert "Entretien filmé publié" in page and "Entretien filmé proposé" not in page

    def test_the_editor_offers_the_published_resources_among_the_authors_favourites(self, alice, client_for):
        published = ResourceFactory(title="Guide du CPF")
        withdrawn = ResourceFactory(title="Guide retiré")
        services.add_favourite(alice, published)
        services.add_favourite(alice, withdrawn)
        Resource.objects.filter(pk=withdrawn.pk).update(status=Status.DECLINED)
        course = make_course(alice, modules=1, quiz=False)
        page = text(client_for(alice).get(reverse("privatespace:add_lesson", args=[course.modules.get().pk])))
        assert "Guide du CPF" in page and "Guide retiré" not in page

    def test_a_lesson_is_saved_with_the_chosen_resource(self, alice, client_for):
        resource = ResourceFactory(title="Guide du CPF")
        course = make_course(alice, modules=1, quiz=False)
        client_for(alice).post(reverse("privatespace:add_lesson", args=[course.modules.get().pk]), {
            "title": "Lire le guide", "kind": "library", "library_resource": resource.pk})
        lesson = Lesson.objects.get(title="Lire le guide")
        assert lesson.library_item == resource and lesson.library_title == "Guide du CPF"

    def test_an_unpublished_resource_cannot_be_put_in_a_lesson(self, alice, bob, client_for):
        proposal = ResourceFactory(status=Status.PROPOSED, proposed_by=bob, published_at=None,
                                   title="Brouillon de Bob")
        course = make_course(alice, modules=1, quiz=False)
        url = reverse("privatespace:add_lesson", args=[course.modules.get().pk])
        response = client_for(alice).post(url, {"title": "Indiscrète", "kind": "library",
                                                "library_resource": proposal.pk})
        assert response.status_code == 200
        assert "n'est pas publiée" in text(response) and "Brouillon de Bob" not in text(response)
        assert not Lesson.objects.filter(title="Indiscrète").exists()
        with pytest.raises(ValidationError, match="publiée"):
            courses.add_lesson(course.modules.get(), actor=alice, content=courses.LessonContent(
                title="Indiscrète", kind="library", library_resource=proposal))


class TestWatchingALibraryLesson:
    def test_a_learner_sees_the_librarys_player_with_every_rendition_and_the_captions(
            self, alice, bob, client_for, private_media):
        resource = ready_video(private_media)
        lesson = library_lesson(alice, resource)
        client = client_for(bob)

        page = text(client.get(reverse("privatespace:lesson", args=[lesson.pk])))

        assert '<video id="player"' in page
        assert reverse("resources:media", args=[resource.pk, "720p.mp4"]) in page
        assert reverse("resources:media", args=[resource.pk, "360p.mp4"]) in page
        assert '<track kind="subtitles" srclang="fr"' in page
        assert "Le premier entretien filmé" in page
        served = client.get(reverse("resources:media", args=[resource.pk, "720p.mp4"]))
        assert served.status_code == 200

    def test_a_document_lesson_shows_the_resources_card(self, alice, bob, client_for):
        resource = ResourceFactory(kind=Kind.LINK, title="France compétences", url="https://example.org/")
        lesson = library_lesson(alice, resource)
        page = text(client_for(bob).get(reverse("privatespace:lesson", args=[lesson.pk])))
        assert "France compétences" in page and "https://example.org/" in page and "<video" not in page

    def test_a_resource_unpublished_later_is_no_longer_shown_by_the_lesson(
            self, alice, bob, client_for, private_media):
        resource = ready_video(private_media, summary="Résumé à ne plus montrer.")
        lesson = library_lesson(alice, resource)
        Resource.objects.filter(pk=resource.pk).update(status=Status.DECLINED)

        page = text(client_for(bob).get(reverse("privatespace:lesson", args=[lesson.pk])))

        assert "n'est plus disponible" in page
        assert "<video" not in page and "Résumé à ne plus montrer." not in page
        rendition = reverse("resources:media", args=[resource.pk, "720p.mp4"])
        assert client_for(bob).get(rendition).status_code == 404

    def test_the_lesson_page_runs_a_fixed_number_of_queries(self, alice, bob, client_for, private_media,
                                                            django_assert_max_num_queries):
        lesson = library_lesson(alice, ready_video(private_media))
        client = client_for(bob)
        client.get(reverse("privatespace:lesson", args=[lesson.pk]))
        with django_assert_max_num_queries(20):
            client.get(reverse("privatespace:lesson", args=[lesson.pk]))


NS = {"cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2"}


def export(client, course) -> zipfile.ZipFile:
    response = client.get(reverse("privatespace:export_scorm", args=[course.pk]))
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def manifest_hrefs(package) -> list[str]:
    manifest = ET.fromstring(package.read("imsmanifest.xml"))  # noqa: S314 - our own package
    hrefs = []
    for resource in manifest.iterfind("cp:resources/cp:resource", NS):
        if resource.get("href"):
            hrefs.append(resource.get("href"))
        hrefs.extend(f.get("href") for f in resource.findall("cp:file", NS))
    return hrefs


class TestScormWithLibraryLessons:
    def test_a_video_lesson_carries_the_best_rendition_and_its_captions(self, alice, client_for,
                                                                        private_media):
        lesson = library_lesson(alice, ready_video(private_media))
        package = export(client_for(alice), lesson.module.course)
        names = set(package.namelist())

        video_href = "files/lesson-002.mp4"
        assert package.read(video_href).startswith(b"\x00\x00\x00\x18ftypmp42")  # the 720p one
        assert package.read("files/lesson-002.fr.vtt").decode() == VTT
        page = package.read("lessons/lesson-002.html").decode()
        assert 'src="../files/lesson-002.mp4"' in page and 'src="../files/lesson-002.fr.vtt"' in page
        hrefs = manifest_hrefs(package)
        assert video_href in hrefs
        for href in hrefs:
            assert href in names, href

    def test_a_document_lesson_carries_the_document(self, alice, client_for, private_media):
        resource = ResourceFactory(kind=Kind.DOCUMENT, title="Grille commune")
        resource_services.store_document(resource, SimpleUploadedFile("g.pdf", PDF_BYTES))
        resource.save()
        lesson = library_lesson(alice, resource)
        package = export(client_for(alice), lesson.module.course)
        assert package.read("files/lesson-002.pdf") == PDF_BYTES
        for href in manifest_hrefs(package):
            assert href in package.namelist(), href

    def test_an_unpublished_resource_stays_out_of_the_package(self, alice, client_for, private_media):
        resource = ready_video(private_media)
        lesson = library_lesson(alice, resource)
        Resource.objects.filter(pk=resource.pk).update(status=Status.PROPOSED)
        package = export(client_for(alice), lesson.module.course)
        assert not any(name.endswith(".mp4") for name in package.namelist())
        assert "n'est plus disponible" in package.read("lessons/lesson-002.html").decode()
        for href in manifest_hrefs(package):
            assert href in package.namelist(), href


# --- Proposing a personal file ------------------------------------------------------------------


def propose(client, private_file, **data):
    return client.post(reverse("privatespace:propose_file", args=[private_file.key]), data)


class TestProposingAFile:
    def test_a_document_becomes_a_proposal_that_moderators_review(self, alice, mod, client_for):
        private_file = make_file(alice, name="grille.pdf")
        propose(client_for(alice), private_file, title="Grille d'entretien", note="Une grille utile.")

        resource = Resource.objects.get()
        assert resource.status == Status.PROPOSED and resource.kind == Kind.DOCUMENT
        assert resource.proposed_by == alice and resource.title == "Grille d'entretien"
        assert resource.summary == "Une grille utile."
        assert resource.document.read() == PDF_BYTES and resource.document_name.endswith(".pdf")
        private_file.refresh_from_db()
        assert private_file.proposed_resource_id == resource.pk
        assert "Grille d'entretien" in text(client_for(mod).get(reverse("resources:review_queue")))

        resource_services.publish_resource(resource, actor=mod)
        email = OutboxMessage.objects.get(kind="resources_published")
        assert email.to_email == alice.email
        page = text(client_for(alice).get(private_file.get_absolute_url()))
        assert "Publié dans la bibliothèque" in page
        # The library keeps its own copy: deleting the member's file leaves it whole.
        services.delete_file(private_file)
        resource.refresh_from_db()
        assert resource.document.read() == PDF_BYTES

    def test_a_declined_proposal_says_why_and_may_be_made_again(self, alice, mod, client_for):
        private_file = make_file(alice)
        propose(client_for(alice), private_file)
        resource_services.decline_resource(Resource.objects.get(), actor=mod,
                                           reason="Déjà dans la bibliothèque.")
        assert OutboxMessage.objects.filter(kind="resources_declined", to_email=alice.email).exists()
        page = text(client_for(alice).get(private_file.get_absolute_url()))
        assert "Proposition refusée :</strong> Déjà dans la bibliothèque." in page
        propose(client_for(alice), private_file, title="Nouvelle version")
        assert Resource.objects.filter(status=Status.PROPOSED, title="Nouvelle version").exists()

    def test_a_video_goes_through_the_video_pipeline(self, alice, client_for, private_media):
        mp4 = mp4_bytes()
        private_file = services.upload_file(actor=alice, uploaded=SimpleUploadedFile(
            "entretien.mp4", mp4, content_type="video/mp4"))
        assert private_file.kind == "video"

        propose(client_for(alice), private_file, note="Un jeu de rôle.")

        resource = Resource.objects.get()
        assert resource.kind == Kind.VIDEO and resource.status == Status.PROPOSED
        video = resource.video
        assert video.state == VideoState.QUEUED
        assert (private_media / video.source).read_bytes() == mp4
        assert PrivateFile.objects.get().file.read() == mp4  # the member's own copy stays

    def test_a_pending_proposal_is_withdrawn_and_leaves_the_queue(self, alice, client_for):
        private_file = make_file(alice)
        client = client_for(alice)
        propose(client, private_file)
        propose(client, private_file, withdraw="1")
        assert not Resource.objects.exists()
        private_file.refresh_from_db()
        assert private_file.proposed_resource_id is None and private_file.proposed_at is None

    def test_a_file_is_not_proposed_twice_while_it_waits(self, alice, client_for):
        private_file = make_file(alice)
        client = client_for(alice)
        propose(client, private_file)
        response = propose(client, private_file)
        assert Resource.objects.count() == 1
        assert "déjà proposé" in text(client.get(response["Location"]))

    def test_an_image_is_refused_with_a_clear_message(self, alice, client_for):
        image = services.upload_file(actor=alice, uploaded=png_upload())
        client = client_for(alice)
        response = propose(client, image)
        assert not Resource.objects.exists()
        assert "ce type de fichier ne peut pas lui être proposé" in text(client.get(response["Location"]))

    def test_another_member_cannot_propose_or_withdraw_someone_elses_file(self, alice, bob, client_for):
        private_file = make_file(alice)
        propose(client_for(alice), private_file)
        assert propose(client_for(bob), private_file, withdraw="1").status_code == 404
        assert propose(client_for(bob), private_file).status_code == 404
        assert Resource.objects.count() == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_proposed_video_is_processed_by_a_real_worker_like_any_upload(alice, client_for, private_media,
                                                                         tmp_path):
    clip = transcoding.generate_test_clip(tmp_path / "clip.mp4", seconds=1, width=320, height=240)
    private_file = services.upload_file(actor=alice, uploaded=SimpleUploadedFile(
        "jeu-de-role.mp4", clip.read_bytes(), content_type="video/mp4"))
    running = start_worker(tmp_path / "worker", extra_env={"MEDIA_ROOT": str(private_media)})
    try:
        propose(client_for(alice), private_file, title="Jeu de rôle")
        video = Video.objects.get()
        wait_until(lambda: Video.objects.get(pk=video.pk).state in ("ready", "failed"), timeout=120,
                   message=running.log.read_text()[-3000:])
    finally:
        stop_worker(running)
    video = Video.objects.get()
    assert video.state == VideoState.READY, video.failure_detail
    assert [r.height for r in video.renditions.all()] == [240]
    assert video.resource.status == Status.PROPOSED  # it still waits for a moderator
