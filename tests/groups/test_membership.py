"""What the owner and the members of a group do: create, join, invite, accept, remove, hand over, leave."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forum.models import CategoryAccess
from groups import services
from groups.models import Group, Membership, MembershipRole, MembershipState, Visibility


def test_a_member_creates_a_group_and_is_its_owner(client_for, alice):
    client = client_for(alice)
    form = client.get(reverse("groups:new"))
    token = form.context["form"].initial["submission_token"]
    data = {"name": "Ateliers collectifs", "purpose": "Partager nos trames d'ateliers.",
            "visibility": "request",
            "submission_token": token}

    first = client.post(reverse("groups:new"), data)
    again = client.post(reverse("groups:new"), data)  # a double click

    group = Group.objects.get()
    assert first.url == again.url == reverse("groups:detail", args=[group.slug])
    assert group.owner == alice.member and group.visibility == Visibility.ON_REQUEST
    assert group.member_count == 1
    assert group.category.members_only
    assert CategoryAccess.objects.filter(category=group.category, member=alice.member).exists()
    assert client.get(first.url).status_code == 200


def test_bad_input_is_told_in_french_and_kept(client_for, alice):
    response = client_for(alice).post(reverse("groups:new"), {"name": "A", "purpose": "Trop court",
                                                              "visibility": "open"})
    assert response.status_code == 200
    assert "au moins 3 caractères" in response.text and 'value="A"' in response.text
    assert not Group.objects.exists()


def test_an_open_group_takes_a_member_at_once_an_on_request_one_waits_for_the_owner(client_for, alice, bob,
                                                                                   expert, make_group):
    open_group = make_group(alice, name="Ouvert")
    on_request = make_group(alice, Visibility.ON_REQUEST, name="Sur demande")

    client_for(bob).post(reverse("groups:join", args=[open_group.slug]))
    client_for(expert).post(reverse("groups:join", args=[on_request.slug]))

    assert services.is_active_member(bob.member, open_group)
    assert not services.is_active_member(expert.member, on_request)
    page = client_for(alice).get(reverse("groups:members", args=[on_request.slug]))
    assert expert.member.pseudonym in page.text

    client_for(alice).post(reverse("groups:manage", args=[on_request.slug, "accepter"]),
                           {"member": expert.member.public_id})
    assert services.is_active_member(expert.member, on_request)
    assert Group.objects.get(pk=on_request.pk).member_count == 2


def test_the_owner_invites_by_pseudonym_and_the_member_accepts(client_for, alice, bob, make_group):
    group = make_group(alice, Visibility.INVITATION)
    response = client_for(alice).post(reverse("groups:members", args=[group.slug]),
                                      {"pseudonym": bob.member.pseudonym.upper()})
    assert response.status_code == 302
    assert Membership.objects.get(group=group, member=bob.member).state == MembershipState.INVITED
    assert group.name in client_for(bob).get(reverse("groups:mine")).text

    client_for(bob).post(reverse("groups:answer_invitation", args=[group.slug]), {"answer": "accept"})

    assert services.is_active_member(bob.member, group)


def test_an_unknown_pseudonym_is_told_and_kept(client_for, alice, make_group):
    group = make_group(alice)
    response = client_for(alice).post(reverse("groups:members", args=[group.slug]),
                                      {"pseudonym": "Personne Ici"})
    assert response.status_code == 400
    assert "Aucun membre ne porte ce pseudonyme" in response.text and "Personne Ici" in response.text


def test_a_member_who_is_not_the_owner_may_not_manage(client_for, alice, bob, expert, make_group):
    group = make_group(alice, members=[bob, expert])
    client = client_for(bob)

    assert client.post(reverse("groups:members", args=[group.slug]),
                       {"pseudonym": "Quelqu'un"}).status_code == 403
    for action in ("retirer", "confier", "accepter"):
        assert client.post(reverse("groups:manage", args=[group.slug, action]),
                           {"member": expert.member.public_id}).status_code == 403
    assert services.is_active_member(expert.member, group)


def test_the_owner_hands_over_and_may_then_leave(client_for, alice, bob, make_group):
    group = make_group(alice, members=[bob])
    with pytest.raises(ValidationError):
        services.leave(actor=alice.member, group=group)

    client_for(alice).post(reverse("groups:manage", args=[group.slug, "confier"]),
                           {"member": bob.member.public_id})

    group.refresh_from_db()
    assert group.owner == bob.member
    assert Membership.objects.get(group=group, member=bob.member).role == MembershipRole.OWNER
    services.leave(actor=alice.member, group=group)
    assert not services.is_active_member(alice.member, group)
    assert Group.objects.get(pk=group.pk).member_count == 1


def test_a_shared_file_loses_its_metadata_and_keeps_no_original_name(client_for, alice, bob, make_group):
    from io import BytesIO

    from PIL import Image

    group = make_group(alice, members=[bob])
    image = Image.new("RGB", (20, 20), "red")
    exif = Image.Exif()
    exif[0x013B] = "Alice Martin"  # Artist
    buffer = BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    upload = SimpleUploadedFile("photo-alice-martin.jpg", buffer.getvalue(), "image/jpeg")

    response = client_for(alice).post(reverse("groups:files", args=[group.slug]),
                                      {"file": upload, "title": "Photo de l'atelier"})
    assert response.status_code == 302
    shared = group.files.get()
    assert "alice" not in shared.file.name.lower()

    served = client_for(bob).get(reverse("groups:file", args=[group.slug, shared.pk]))
    body = b"".join(served.streaming_content) if served.streaming else served.content
    assert served.status_code == 200 and b"Alice Martin" not in body
    assert "alice" not in served.get("Content-Disposition", "").lower()


def test_an_unknown_file_type_is_refused_in_french(client_for, alice, make_group):
    group = make_group(alice)
    response = client_for(alice).post(reverse("groups:files", args=[group.slug]),
                                      {"file": SimpleUploadedFile("outil.exe", b"MZ\x90\x00binary")})
    assert response.status_code == 400 and "type n'est pas reconnu" in response.text.replace("&#x27;", "'")
    assert not group.files.exists()


def test_the_directory_filters_by_theme_and_region(client_for, alice, bob, make_group):
    from comcep.models import Region
    from resources.models import Theme

    theme = Theme.objects.create(slug="handicap", name="Handicap")
    breton = make_group(alice, name="Bretons")
    Group.objects.filter(pk=breton.pk).update(region=Region.objects.get(code="53"), theme=theme)
    make_group(alice, name="Autres")

    client = client_for(bob)
    everything = client.get(reverse("groups:directory")).text
    by_region = client.get(reverse("groups:directory") + "?region=53").text
    by_theme = client.get(reverse("groups:directory") + "?theme=handicap").text
    assert "Bretons" in everything and "Autres" in everything
    assert "Bretons" in by_region and "Autres" not in by_region
    assert "Bretons" in by_theme and "Autres" not in by_theme
