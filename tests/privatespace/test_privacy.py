"""A member's private space, from the side of everyone else: another member, a
moderator, an operator manager of the member's own operator, the platform
manager and a visitor. None of them can list, open, download or guess
anything of it, by id or by path tricks.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from privatespace import courses, services
from privatespace.models import Favourite, PrivateFile
from tests.factories import with_totp
from tests.privatespace.factories import make_course, make_file
from tests.privatespace.helpers import png_upload, text

pytestmark = pytest.mark.django_db

SECRETS = ["Dossier Secret Wxq", "Note intime Zrv", "Collection Cachée Pmk", "Cours Brouillon Yjt",
           "Fichier Confidentiel Kbn"]


@pytest.fixture
def alices_space(alice, bob):
    folder = services.create_folder(actor=alice, name=SECRETS[0])
    private_file = make_file(alice, name=SECRETS[4], folder=folder)
    collection = services.create_collection(actor=alice, name=SECRETS[2])
    favourite = services.add_favourite(alice, make_course(bob, title="Cours public de Bob", publish=True),
                                       note=SECRETS[1], collection=collection)
    course = courses.create_course(actor=alice, title=SECRETS[3], cover=png_upload())
    module = courses.add_module(course, title="Module privé")
    lesson = courses.add_lesson(module, actor=alice, content=courses.LessonContent(
        title="Leçon privée", kind="file", own_file=private_file))
    question = courses.add_question(lesson, prompt="Question privée ?",
                                    choices=[("Oui", True, ""), ("Non", False, "")])
    return {"folder": folder, "file": private_file, "collection": collection, "favourite": favourite,
            "course": course, "module": module, "lesson": lesson, "question": question}


@pytest.fixture(params=["bob", "mod", "oscar", "paula", "visitor"])
def outsider(request, client_for, alice):
    """A client for each person who is not alice."""
    if request.param == "visitor":
        return request.param, Client()
    return request.param, client_for(request.getfixturevalue(request.param))


def listing_urls():
    names = ["home", "favourites", "files", "my_courses", "catalogue"]
    return [reverse(f"privatespace:{name}") for name in names]


def private_urls(space) -> list[tuple[str, str]]:
    """(method, url) of everything that reads or changes alice's private things."""
    f, c, m, le = space["file"], space["course"], space["module"], space["lesson"]
    get = [
        reverse("privatespace:file_detail", args=[f.key]),
        reverse("privatespace:download_file", args=[f.key]),
        reverse("privatespace:edit_folder", args=[space["folder"].pk]),
        reverse("privatespace:edit_favourite", args=[space["favourite"].pk]),
        reverse("privatespace:edit_collection", args=[space["collection"].pk]),
        reverse("privatespace:course_detail", args=[c.pk]),
        reverse("privatespace:course_cover", args=[c.pk]),
        reverse("privatespace:course_builder", args=[c.pk]),
        reverse("privatespace:edit_course", args=[c.pk]),
        reverse("privatespace:course_followers", args=[c.pk]),
        reverse("privatespace:export_scorm", args=[c.pk]),
        reverse("privatespace:edit_module", args=[m.pk]),
        reverse("privatespace:add_lesson", args=[m.pk]),
        reverse("privatespace:lesson", args=[le.pk]),
        reverse("privatespace:lesson_file", args=[le.pk]),
        reverse("privatespace:edit_lesson", args=[le.pk]),
        reverse("privatespace:files") + f"?dossier={space['folder'].pk}",
        reverse("privatespace:favourites") + f"?collection={space['collection'].pk}",
    ]
    post = [
        reverse("privatespace:rename_file", args=[f.key]),
        reverse("privatespace:move_file", args=[f.key]),
        reverse("privatespace:propose_file", args=[f.key]),
        reverse("privatespace:delete_file", args=[f.key]),
        reverse("privatespace:delete_folder", args=[space["folder"].pk]),
        reverse("privatespace:remove_favourite", args=[space["favourite"].pk]),
        reverse("privatespace:delete_collection", args=[space["collection"].pk]),
        reverse("privatespace:move_collection", args=[space["collection"].pk]),
        reverse("privatespace:publish_course", args=[c.pk]),
        reverse("privatespace:follow_course", args=[c.pk]),
        reverse("privatespace:add_module", args=[c.pk]),
        reverse("privatespace:reorder_modules", args=[c.pk]),
        reverse("privatespace:move_module", args=[m.pk]),
        reverse("privatespace:delete_module", args=[m.pk]),
        reverse("privatespace:reorder_lessons", args=[m.pk]),
        reverse("privatespace:move_lesson", args=[le.pk]),
        reverse("privatespace:complete_lesson", args=[le.pk]),
        reverse("privatespace:answer_quiz", args=[le.pk]),
        reverse("privatespace:add_question", args=[le.pk]),
        reverse("privatespace:delete_question", args=[space["question"].pk]),
        reverse("privatespace:delete_lesson", args=[le.pk]),
        reverse("privatespace:delete_course", args=[c.pk]),
    ]
    return [("get", url) for url in get] + [("post", url) for url in post]


def assert_refused(who: str, response) -> None:
    """Members get 404 (nothing says it exists); others never get in at all."""
    expected = {"bob": 404, "mod": 404, "oscar": 403, "paula": 403, "visitor": 302}[who]
    assert response.status_code == expected, response.request["PATH_INFO"]
    if expected == 302:
        assert "/compte/login/" in response["Location"]


def test_no_listing_shows_anything_of_alices_space(alices_space, outsider):
    who, client = outsider
    for url in listing_urls():
        response = client.get(url)
        if who in ("bob", "mod"):
            assert response.status_code == 200
        body = text(response)
        for secret in SECRETS:
            assert secret not in body, (who, url, secret)


def test_nobody_else_can_open_change_or_download_any_of_it(alices_space, outsider):
    who, client = outsider
    for method, url in private_urls(alices_space):
        response = getattr(client, method)(url, {"order": [1], "name": "pirate", "direction": "up"}
                                           if method == "post" else None)
        assert_refused(who, response)
        if response.status_code == 200:  # pragma: no cover - assert_refused already failed
            break
    # Everything is still there, unchanged.
    alices_space["file"].refresh_from_db()
    assert alices_space["file"].name == SECRETS[4]
    assert Favourite.objects.filter(pk=alices_space["favourite"].pk).exists()
    alices_space["course"].refresh_from_db()
    assert not alices_space["course"].is_published


def test_the_owner_herself_opens_every_one_of_those_pages(alices_space, alice, client_for):
    client = client_for(alice)
    for method, url in private_urls(alices_space):
        if method == "get" and "follow" not in url:
            assert client.get(url).status_code == 200, url


def test_path_and_id_tricks_lead_nowhere(alices_space, bob, client_for, alice):
    client = client_for(bob)
    stored = alices_space["file"].file.name
    tricks = [
        f"/media/{stored}",
        f"/espace-prive/fichiers/{alices_space['file'].pk}/telecharger/",
        f"/espace-prive/fichiers/{alices_space['file'].key}/telecharger/../../../media/{stored}",
        "/espace-prive/fichiers/..%2F..%2Fsettings.py/telecharger/",
        f"/espace-prive/fichiers/{str(alices_space['file'].key).upper()}/telecharger/",
        "/espace-prive/fichiers/00000000-0000-0000-0000-000000000000/telecharger/",
    ]
    for url in tricks:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"%PDF" not in (b"".join(response.streaming_content) if response.streaming else
                               response.content)


def test_a_favourite_token_cannot_be_made_up_from_an_id(alices_space, bob, client_for):
    client = client_for(bob)
    response = client.post(reverse("privatespace:add_favourite"),
                           {"token": f"{alices_space['course'].pk}"})
    assert response.status_code == 404


def test_a_published_courses_file_is_served_through_its_lesson_only(alices_space, alice, bob, client_for):
    courses.publish_course(alices_space["course"], actor=alice)
    client = client_for(bob)

    lesson_file = reverse("privatespace:lesson_file", args=[alices_space["lesson"].pk])
    assert client.get(lesson_file).status_code == 200
    assert client.get(alices_space["file"].download_url).status_code == 404
    assert client.get(alices_space["file"].get_absolute_url()).status_code == 404
    # The builder stays the author's.
    assert client.get(reverse("privatespace:course_builder",
                              args=[alices_space["course"].pk])).status_code == 404


def test_the_private_space_is_not_in_the_admin(alices_space, paula, client_for):
    client = client_for(with_totp(paula))  # the admin opens only with two-factor
    assert client.get("/gestion/admin/privatespace/").status_code == 404
    assert PrivateFile.objects.count() == 1
