"""A member's data rights in the working groups: the archive carries their memberships and the
files they shared (and nobody else's); closing the account ends every membership with its
discussion's access, takes back their files from the storage, and a group they own passes to
another active member or is closed when none is left."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comcep import datarights
from comcep.models import DataExport, DataExportStatus, OutboxMessage
from forum.models import CategoryAccess
from groups import services
from groups.models import Group, GroupFile, Membership, MembershipRole, MembershipState, Visibility
from tests import factories
from tests.conftest import start_worker, stop_worker, wait_until


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _share(group, user, title, content):
    return services.upload_file(actor=user.member, group=group, title=title,
                                uploaded=SimpleUploadedFile("notes.txt", content, "text/plain"))


def _rows(zf, name):
    return list(csv.DictReader(io.StringIO(zf.read(name).decode("utf-8-sig"))))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_archive_holds_the_members_groups_and_the_files_they_shared_only(
        alice, bob, media, tmp_path, make_group, client_for):
    shared_by_bob = make_group(bob, members=[alice], name="Ateliers collectifs")
    services.create_group(actor=bob.member, name="Groupe fermé", purpose="Entre nous.",
                          visibility=Visibility.INVITATION)
    invited = Group.objects.get(name="Groupe fermé")
    services.invite(actor=bob.member, group=invited, pseudonym=alice.member.pseudonym)
    _share(shared_by_bob, alice, "Trame d'Alice", b"La trame d'atelier d'Alice")
    _share(shared_by_bob, bob, "Notes de Bob", b"Les notes de Bob, pour le groupe seulement")
    client = client_for(alice)
    running = start_worker(tmp_path / "worker", extra_env={"MEDIA_ROOT": str(media)})
    try:
        assert client.post(reverse("datarights:request_export")).status_code == 302
        done = DataExport.objects.filter(user=alice, status=DataExportStatus.READY)
        ready = wait_until(done.first, timeout=60, message="the worker never built the export")
    finally:
        stop_worker(running)
    download = client.get(reverse("datarights:download", args=[ready.key]))
    zf = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))

    memberships = {row["groupe"]: row for row in _rows(zf, "groupes/appartenances.csv")}
    assert set(memberships) == {"Ateliers collectifs", "Groupe fermé"}
    assert memberships["Ateliers collectifs"]["etat"] == "membre"
    assert memberships["Groupe fermé"]["etat"] == "invité·e"
    files = _rows(zf, "groupes/fichiers-partages.csv")
    assert [(f["groupe"], f["titre"]) for f in files] == [("Ateliers collectifs", "Trame d'Alice")]
    assert zf.read(files[0]["fichier"]) == b"La trame d'atelier d'Alice"
    everything = b"".join(zf.read(n) for n in zf.namelist())
    assert b"Les notes de Bob" not in everything
    assert bob.email.encode() not in everything and bob.last_name.encode() not in everything


@pytest.mark.django_db(transaction=True)
def test_closing_the_account_ends_each_membership_and_takes_back_the_shared_files(
        alice, bob, media, make_group, group_topic, client_for):
    group = make_group(bob, members=[alice])
    group_topic(bob, group)
    alices = _share(group, alice, "Trame d'Alice", b"trame")
    bobs = _share(group, bob, "Notes de Bob", b"notes")
    alices_path, bobs_path = media / alices.file.name, media / bobs.file.name
    assert alices_path.exists()

    datarights.close_account(alice, keep_posts=True, by_member=True, actor=alice)

    assert not Membership.objects.filter(member=alice.member).exists()
    assert not CategoryAccess.objects.filter(category=group.category, member=alice.member).exists()
    group.refresh_from_db()
    assert group.member_count == 1 and group.owner == bob.member
    assert not GroupFile.objects.filter(pk=alices.pk).exists() and not alices_path.exists()
    assert GroupFile.objects.filter(pk=bobs.pk).exists() and bobs_path.exists()
    page = client_for(bob).get(reverse("groups:members", args=[group.slug])).text
    assert alice.member.pseudonym not in page


@pytest.mark.django_db(transaction=True)
def test_a_group_whose_owner_leaves_passes_to_its_longest_standing_active_member(
        alice, bob, media, make_group, client_for):
    carol = factories.make_member(pseudonym="Carole Tardive")
    dave = factories.make_member(pseudonym="Dave Invité")
    group = make_group(alice, members=[bob, carol])
    services.invite(actor=alice.member, group=group, pseudonym=dave.member.pseudonym)
    owners_file = _share(group, alice, "Trame de l'animatrice", b"trame")

    datarights.close_account(alice, keep_posts=False, by_member=True, actor=alice)

    group.refresh_from_db()
    assert group.owner == bob.member  # bob joined before carol; dave only invited
    owners = Membership.objects.filter(group=group, role=MembershipRole.OWNER)
    assert [m.member for m in owners] == [bob.member]
    assert Membership.objects.get(group=group, member=dave.member).invited_by is None
    assert not (media / owners_file.file.name).exists()
    # The new owner manages the group; the others still may not.
    assert client_for(bob).post(reverse("groups:manage", args=[group.slug, "retirer"]),
                                {"member": carol.member.public_id}).status_code == 302
    assert not Membership.objects.filter(group=group, member=carol.member).exists()
    assert client_for(dave).get(reverse("groups:detail", args=[group.slug])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_group_left_with_no_active_member_is_closed_with_its_files(alice, bob, media, make_group,
                                                                     group_topic, client_for):
    group = make_group(alice, visibility=Visibility.ON_REQUEST)
    group_topic(alice, group)
    services.join(actor=bob.member, group=group)  # a request: bob does not belong
    stored = media / _share(group, alice, "Trame", b"trame").file.name
    slug, category = group.slug, group.category

    datarights.close_account(alice, keep_posts=True, by_member=True, actor=alice)

    assert not Group.objects.filter(pk=group.pk).exists()
    assert not Membership.objects.filter(group_id=group.pk).exists()
    assert not stored.exists()
    assert not CategoryAccess.objects.filter(category=category).exists()
    client = client_for(bob)
    assert client.get(reverse("groups:detail", args=[slug])).status_code == 404
    assert client.get(reverse("forum:category", args=[category.slug])).status_code == 404
    assert "Ateliers collectifs" not in client.get(reverse("groups:directory")).text
    assert "Ateliers collectifs" not in client.get(reverse("groups:mine")).text


@pytest.mark.django_db(transaction=True)
def test_a_member_who_only_asked_or_was_invited_leaves_no_trace(alice, bob, media, make_group):
    group = make_group(bob, visibility=Visibility.ON_REQUEST)
    services.join(actor=alice.member, group=group)
    assert Membership.objects.get(member=alice.member).state == MembershipState.REQUESTED

    datarights.close_account(alice, keep_posts=True, by_member=True, actor=alice)

    group.refresh_from_db()
    assert not Membership.objects.filter(member=alice.member).exists()
    assert group.member_count == 1 and group.owner == bob.member


@pytest.mark.django_db(transaction=True)
def test_the_member_a_group_passes_to_is_told_by_email_under_pseudonyms_only(alice, bob, media,
                                                                             make_group):
    carol = factories.make_member(pseudonym="Carole Tardive", first_name="Caroline",
                                  last_name="Dubreuil")
    group = make_group(alice, members=[bob, carol], name="Ateliers collectifs")

    datarights.close_account(alice, keep_posts=True, by_member=True, actor=alice)

    told = OutboxMessage.objects.filter(kind="groups_handed_over")
    assert [message.to_email for message in told] == [bob.email]  # the new owner, and only them
    message = told.get()
    everything = " ".join([message.subject, message.body_text, message.body_html])
    assert "Ateliers collectifs" in message.subject
    assert bob.member.pseudonym in message.body_text
    assert reverse("groups:members", args=[group.slug]) in message.body_text
    for person in (alice, bob, carol):  # no real identity, the recipient's included
        for real in (person.first_name, person.last_name, person.email):
            assert real not in everything, real
    assert alice.member.pseudonym not in everything


@pytest.mark.django_db(transaction=True)
def test_nobody_is_told_when_the_group_closes_with_its_owner(alice, bob, media, make_group):
    group = make_group(alice, visibility=Visibility.ON_REQUEST)
    services.join(actor=bob.member, group=group)  # a request: bob does not belong

    datarights.close_account(alice, keep_posts=True, by_member=True, actor=alice)

    assert not OutboxMessage.objects.filter(kind="groups_handed_over").exists()
