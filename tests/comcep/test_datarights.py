"""Data rights: a member's zip is built by the real worker and is theirs alone; closing an
account erases the private space and leaves kept posts under "ancien·ne membre"."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comcep import datarights
from comcep.models import ClosedAccount, DataExport, DataExportStatus, OutboxMessage, OutboxStatus
from comcep.tasks import purge_expired_data
from forum import services as forum
from forum.models import Category, Notification, NotificationKind, Post
from privatespace.models import PrivateFile
from tests.conftest import start_worker, stop_worker, wait_until
from tests.factories import PASSWORD


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def practices(reference_data):
    return Category.objects.create(name="Échanges de pratiques", slug="pratiques")


def own_file(user, content=b"mes notes"):
    f = PrivateFile(owner=user, name="Entretien Zéphyrine.txt", size=len(content),
                    mime_type="text/plain", kind="document")
    f.file.save("Entretien Zéphyrine.txt", ContentFile(content), save=False)
    f.save()
    return f


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_a_zip_that_only_its_member_may_fetch_until_it_expires(
        alice, bob, practices, media, tmp_path):
    forum.create_topic(actor=bob.member, category=practices, title="Bilan", body="Question de Bob",
                       rate_limit=False)
    forum.create_topic(actor=alice.member, category=practices, title="Mon sujet",
                       body="Texte d'Alice", rate_limit=False)
    own_file(alice)
    running = start_worker(tmp_path / "worker", extra_env={"MEDIA_ROOT": str(media)})
    try:
        export = datarights.request_export(actor=alice)
        wait_until(lambda: DataExport.objects.get(pk=export.pk).status == DataExportStatus.READY,
                   timeout=60, message="the worker never built the export")
    finally:
        stop_worker(running)
    export.refresh_from_db()
    with export.file.open("rb") as handle:
        zf = zipfile.ZipFile(io.BytesIO(handle.read()))
    names = zf.namelist()
    assert "LISEZ-MOI.txt" in names and "profil.json" in names
    posts = json.loads(zf.read("forum/messages.json"))
    assert [p["texte"] for p in posts] == ["Texte d'Alice"]
    assert [n for n in names if n.startswith("espace-prive/fichiers/")] == [
        "espace-prive/fichiers/fichier-0001.txt"]
    everything = b"".join(zf.read(n) for n in names).decode("utf-8", "replace")
    assert bob.last_name not in everything and bob.email not in everything
    assert datarights.downloadable_export(alice, export.key) == export
    assert datarights.downloadable_export(bob, export.key) is None
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert datarights.downloadable_export(alice, export.key) is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("keep_posts", [True, False])
def test_a_closed_account_loses_its_files_and_its_posts_go_or_turn_anonymous(
        alice, bob, practices, media, keep_posts):
    topic = forum.create_topic(actor=bob.member, category=practices, title="Bilan", body="Bob",
                               rate_limit=False)
    reply = forum.create_post(actor=alice.member, topic=topic, body="Réponse d'Alice",
                              rate_limit=False)
    path = media / own_file(alice).file.name
    assert path.exists()
    datarights.close_account(alice, keep_posts=keep_posts, by_member=True, actor=alice)
    reply.refresh_from_db()
    assert reply.author.pseudonym == "ancien·ne membre"
    assert (reply.body == "Réponse d'Alice") is keep_posts
    assert not PrivateFile.objects.filter(owner=alice).exists() and not path.exists()
    alice.refresh_from_db()
    assert not alice.is_active and not alice.has_usable_password()
    assert Post.objects.filter(author=bob.member).count() == 1


# --- Through the pages -------------------------------------------------------------------------

def zip_of(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_member_asks_for_their_archive_on_the_page_and_nobody_else_can_fetch_it(
        alice, bob, practices, media, tmp_path, client_for, visitor):
    forum.create_topic(actor=bob.member, category=practices, title="Bilan",
                       body="Question secrète de Bob", rate_limit=False)
    forum.create_topic(actor=alice.member, category=practices, title="Mon sujet",
                       body="Texte d'Alice", rate_limit=False)
    own_file(alice, b"notes d'entretien d'Alice")
    client = client_for(alice)
    running = start_worker(tmp_path / "worker", extra_env={"MEDIA_ROOT": str(media)})
    try:
        assert client.post(reverse("datarights:request_export")).status_code == 302
        # Asking twice while it is being built does not start a second one.
        client.post(reverse("datarights:request_export"))
        assert DataExport.objects.filter(user=alice).count() == 1
        export = DataExport.objects.get(user=alice)
        wait_until(lambda: DataExport.objects.get(pk=export.pk).status == DataExportStatus.READY,
                   timeout=60, message="the worker never built the export")
        # The email telling them is queued, then sent by the worker, pointing at the page.
        assert OutboxMessage.objects.filter(kind="data_export_ready", recipient=alice).count() == 1
        mail = wait_until(lambda: [m for m in running.sent_mail() if alice.email in m],
                          timeout=60, message="the worker never sent the email")
        assert reverse("datarights:my_data") in mail[0]
    finally:
        stop_worker(running)
    export.refresh_from_db()
    link = reverse("datarights:download", args=[export.key])
    assert link in client.get(reverse("datarights:my_data")).text

    response = client.get(link)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    zf = zip_of(response)
    everything = b"".join(zf.read(n) for n in zf.namelist())
    assert b"Texte d'Alice" in everything
    assert b"notes d'entretien d'Alice" in everything
    assert "Question secrète de Bob".encode() not in everything
    assert bob.email.encode() not in everything and bob.last_name.encode() not in everything

    # Another member, a visitor, and the owner once the link expired: nothing.
    assert client_for(bob).get(link).status_code == 404
    assert not visitor.get(link).has_header("Content-Disposition")
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(link).status_code == 404
    assert link not in client.get(reverse("datarights:my_data")).text


@pytest.mark.django_db
@pytest.mark.parametrize("keep_posts", [True, False])
def test_closing_an_account_on_the_page_takes_the_password_and_ends_the_session(
        alice, bob, practices, client_for, keep_posts):
    topic = forum.create_topic(actor=bob.member, category=practices, title="Bilan",
                               body="Question de Bob", rate_limit=False)
    forum.create_post(actor=alice.member, topic=topic, body="Réponse d'Alice", rate_limit=False)
    client = client_for(alice)
    choice = "keep" if keep_posts else "erase"

    wrong = client.post(reverse("datarights:close_account"),
                        {"posts": choice, "password": "pas-le-bon", "confirm": "on"})
    assert wrong.status_code == 400 and "Ce mot de passe n" in wrong.text
    unconfirmed = client.post(reverse("datarights:close_account"),
                              {"posts": choice, "password": PASSWORD})
    assert unconfirmed.status_code == 400
    alice.refresh_from_db()
    assert alice.is_active and not ClosedAccount.objects.filter(user=alice).exists()

    done = client.post(reverse("datarights:close_account"),
                       {"posts": choice, "password": PASSWORD, "confirm": "on"})
    assert done.status_code == 302
    assert ClosedAccount.objects.get(user=alice).posts_kept is keep_posts
    # Signed out here, and cannot sign in again.
    assert client.get(reverse("community")).status_code == 302
    login = Client().post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    assert "_auth_user_id" not in login.wsgi_request.session

    response = client_for(bob).get(reverse("forum:topic", args=[topic.pk]) + "?page=1")
    assert response.status_code == 200, response.get("Location")
    page = response.text
    assert "Lande Bretonne" not in page
    assert "ancien·ne membre" in page
    assert ("Réponse d&#x27;Alice" in page or "Réponse d'Alice" in page) is keep_posts


# --- Retention ---------------------------------------------------------------------------------

@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_retention_job_purges_what_is_past_its_date_and_keeps_the_rest(
        alice, bob, mod, practices, media, tmp_path, settings):
    old = timezone.now() - timedelta(days=settings.OUTBOX_RETENTION_DAYS + 1)
    recent = timezone.now() - timedelta(days=settings.OUTBOX_RETENTION_DAYS - 1)
    # Written straight to the table: nothing hands them to the worker, which would send them.
    sent_old, sent_recent, unsent_old = (
        OutboxMessage.objects.create(kind="k", to_email="x@exemple.fr", subject="s", body_text="t")
        for _ in range(3))
    OutboxMessage.objects.filter(pk__in=[sent_old.pk, sent_recent.pk]).update(
        status=OutboxStatus.SENT)
    OutboxMessage.objects.filter(pk__in=[sent_old.pk, unsent_old.pk]).update(created_at=old)
    OutboxMessage.objects.filter(pk=sent_recent.pk).update(created_at=recent)

    def ready_export(user, expires_at):
        export = DataExport.objects.create(user=user, status=DataExportStatus.READY,
                                           expires_at=expires_at)
        export.file.save("export.zip", ContentFile(b"zip"))
        return export

    expired = ready_export(bob, timezone.now() - timedelta(minutes=1))
    valid = ready_export(bob, timezone.now() + timedelta(days=1))
    expired_path = media / expired.file.name

    topic = forum.create_topic(actor=bob.member, category=practices, title="Bilan", body="Bob",
                               rate_limit=False)
    stale = Notification.objects.create(recipient=bob.member, kind=NotificationKind.REPLY,
                                        topic=topic)
    fresh = Notification.objects.create(recipient=bob.member, kind=NotificationKind.REPLY,
                                        topic=topic)
    Notification.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - timedelta(days=settings.NOTIFICATION_RETENTION_DAYS + 1))

    datarights.close_account(alice, keep_posts=True, by_member=True, actor=alice)
    datarights.close_account(mod, keep_posts=True, by_member=True, actor=mod)
    ClosedAccount.objects.filter(user=alice).update(purge_after=timezone.now() - timedelta(days=1))
    alice_email, mod_email = alice.email, mod.email

    running = start_worker(tmp_path / "worker", extra_env={"MEDIA_ROOT": str(media)})
    try:
        purge_expired_data.apply_async()
        # The forum's part runs last.
        wait_until(lambda: ClosedAccount.objects.get(user=alice).purged_at is not None
                   and not Notification.objects.filter(pk=stale.pk).exists(),
                   timeout=60, message="the retention job never ran")
    finally:
        stop_worker(running)

    assert set(OutboxMessage.objects.filter(kind="k").values_list("pk", flat=True)) == {
        sent_recent.pk, unsent_old.pk}
    assert list(DataExport.objects.values_list("pk", flat=True)) == [valid.pk]
    assert not expired_path.exists() and (media / valid.file.name).exists()
    assert list(Notification.objects.values_list("pk", flat=True)) == [fresh.pk]
    alice.refresh_from_db()
    mod.refresh_from_db()
    assert alice.email != alice_email and alice.first_name == "" and alice.last_name == ""
    assert mod.email == mod_email and ClosedAccount.objects.get(user=mod).purged_at is None


@pytest.mark.django_db
def test_guessing_the_password_to_close_an_account_is_cut_short(alice, client_for):
    client = client_for(alice)
    for _attempt in range(10):
        client.post(reverse("datarights:close_account"),
                    {"posts": "keep", "password": "devinette", "confirm": "on"})
    right = client.post(reverse("datarights:close_account"),
                        {"posts": "keep", "password": PASSWORD, "confirm": "on"})
    assert right.status_code == 429
    assert not ClosedAccount.objects.filter(user=alice).exists()
