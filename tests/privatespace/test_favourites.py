"""Favourites with notes, in named and ordered collections."""

from __future__ import annotations

import time

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from comcep.models import Region
from privatespace import services
from privatespace.models import Collection, Favourite
from tests.privatespace.factories import make_course
from tests.privatespace.helpers import text

pytestmark = pytest.mark.django_db


def render_button(user, obj) -> str:
    request = RequestFactory().get("/forum/sujet/1/")
    request.user = user
    template = Template('{% include "privatespace/partials/_favourite_button.html" with object=obj %}')
    return template.render(Context({"request": request, "obj": obj, "csrf_token": "x"}))


def token_for(user, obj) -> str:
    return services.favourite_token(user, obj)


def test_another_app_saves_any_object_as_a_favourite_with_a_note(alice):
    region = Region.objects.get(code="53")

    favourite = services.add_favourite(alice.member, region, note="Pour les actions régionales")

    assert favourite.owner == alice
    assert favourite.title == "Bretagne"
    assert favourite.note == "Pour les actions régionales"
    assert favourite.item == region


def test_saving_twice_keeps_one_favourite_and_its_note(alice):
    region = Region.objects.get(code="53")
    services.add_favourite(alice, region, note="Ma note")

    services.add_favourite(alice, region)

    assert Favourite.objects.filter(owner=alice).count() == 1
    assert Favourite.objects.get(owner=alice).note == "Ma note"


def test_a_favourite_cannot_go_into_someone_elses_collection(alice, bob):
    bobs = services.create_collection(actor=bob, name="Les miens")
    with pytest.raises(Exception, match="n'existe pas"):
        services.add_favourite(alice, Region.objects.get(code="53"), collection=bobs)


def test_a_member_favourites_a_course_in_one_click_without_javascript(alice, bob, client_for):
    course = make_course(bob, publish=True)
    client = client_for(alice)

    response = client.post(reverse("privatespace:add_favourite"),
                           {"token": token_for(alice, course), "next": course.get_absolute_url()})

    assert response.status_code == 302
    assert response["Location"] == course.get_absolute_url()
    favourite = Favourite.objects.get(owner=alice)
    assert favourite.title == course.title
    assert favourite.url == course.get_absolute_url()


def test_with_htmx_the_button_swaps_to_its_saved_state_and_back(alice, bob, client_for):
    course = make_course(bob, publish=True)
    client = client_for(alice)

    response = client.post(reverse("privatespace:add_favourite"), {"token": token_for(alice, course)},
                           HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "Dans mes favoris" in text(response)
    favourite = Favourite.objects.get(owner=alice)
    response = client.post(reverse("privatespace:remove_favourite", args=[favourite.pk]),
                           HTTP_HX_REQUEST="true")
    assert "Ajouter à mes favoris" in text(response)
    assert not Favourite.objects.filter(owner=alice).exists()


def test_the_button_partial_renders_for_members_and_nothing_for_others(alice, oscar):
    region = Region.objects.get(code="53")
    html = render_button(alice, region)
    assert 'name="token"' in html and "Ajouter à mes favoris" in html
    assert 'hx-post="/espace-prive/favoris/ajouter/"' in html
    assert 'action="/espace-prive/favoris/ajouter/"' in html

    assert render_button(oscar, region).strip() == ""


def test_a_token_made_for_one_member_is_refused_for_another(alice, bob, client_for):
    course = make_course(bob, publish=True)
    alices_token = token_for(alice, course)

    response = client_for(bob).post(reverse("privatespace:add_favourite"), {"token": alices_token})

    assert response.status_code == 404
    assert not Favourite.objects.exists()


def test_a_forged_token_saves_nothing(alice, client_for):
    response = client_for(alice).post(reverse("privatespace:add_favourite"), {"token": "1:2:forged"})
    assert response.status_code == 404


def test_a_member_writes_a_note_and_files_the_favourite_in_a_collection(alice, bob, client_for):
    favourite = services.add_favourite(alice, make_course(bob, publish=True))
    collection = services.create_collection(actor=alice, name="Entretiens")
    client = client_for(alice)

    response = client.post(reverse("privatespace:edit_favourite", args=[favourite.pk]),
                           {"note": "À revoir avant lundi", "collection": collection.pk})

    assert response.status_code == 302
    favourite.refresh_from_db()
    assert favourite.note == "À revoir avant lundi"
    assert favourite.collection == collection
    page = client.get(reverse("privatespace:favourites") + f"?collection={collection.pk}")
    assert "À revoir avant lundi" in text(page)


def test_collections_are_named_uniquely_and_kept_in_the_members_order(alice, client_for):
    client = client_for(alice)
    for name in ("Entretiens", "Droit", "Outils"):
        client.post(reverse("privatespace:create_collection"), {"name": name})
    response = client.post(reverse("privatespace:create_collection"), {"name": "Droit"}, follow=True)
    assert "déjà une collection de ce nom" in text(response)

    outils = Collection.objects.get(name="Outils")
    client.post(reverse("privatespace:move_collection", args=[outils.pk]), {"direction": "up"})
    assert list(Collection.objects.filter(owner=alice).values_list("name", flat=True)) == [
        "Entretiens", "Outils", "Droit"]

    ids = list(Collection.objects.filter(owner=alice).order_by("-name").values_list("pk", flat=True))
    response = client.post(reverse("privatespace:reorder_collections"), {"order": ids})
    assert response.status_code == 204
    assert list(Collection.objects.filter(owner=alice).values_list("name", flat=True)) == [
        "Outils", "Entretiens", "Droit"]


def test_reordering_ignores_collections_of_someone_else(alice, bob, client_for):
    mine = services.create_collection(actor=alice, name="A")
    theirs = services.create_collection(actor=bob, name="B")
    client_for(alice).post(reverse("privatespace:reorder_collections"), {"order": [theirs.pk, mine.pk]})
    theirs.refresh_from_db()
    assert theirs.position == 0 and theirs.owner == bob


def test_renaming_and_deleting_a_collection_keeps_its_favourites(alice, bob, client_for):
    collection = services.create_collection(actor=alice, name="Entretiens")
    favourite = services.add_favourite(alice, make_course(bob, publish=True), collection=collection)
    client = client_for(alice)

    client.post(reverse("privatespace:edit_collection", args=[collection.pk]), {"name": "Premiers RDV"})
    collection.refresh_from_db()
    assert collection.name == "Premiers RDV"

    client.post(reverse("privatespace:delete_collection", args=[collection.pk]))
    favourite.refresh_from_db()
    assert favourite.collection is None


def test_a_favourite_whose_item_is_gone_still_reads_from_its_snapshot(alice, bob, client_for):
    course = make_course(bob, publish=True)
    services.add_favourite(alice, course)
    course.delete()

    page = client_for(alice).get(reverse("privatespace:favourites"))

    assert "Conduire un premier entretien CEP" in text(page)


@pytest.mark.parametrize("count", [2, 12])
def test_the_favourites_page_has_a_flat_query_budget(alice, client_for, django_assert_max_num_queries,
                                                     count):
    collection = services.create_collection(actor=alice, name="Tout")
    for region in Region.objects.all()[:count]:
        services.add_favourite(alice, region, note="note", collection=collection)
    client = client_for(alice)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("privatespace:favourites"))
    assert response.status_code == 200


def test_a_button_left_open_for_days_no_longer_saves(alice, bob, client_for, monkeypatch):
    course = make_course(bob, publish=True)
    token = token_for(alice, course)
    two_days_later = time.time() + 2 * 24 * 3600
    monkeypatch.setattr("django.core.signing.time.time", lambda: two_days_later)

    response = client_for(alice).post(reverse("privatespace:add_favourite"), {"token": token})

    assert response.status_code == 404
