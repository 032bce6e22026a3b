"""An edit tells the members it newly mentions or quotes; merged posts take their place by date;
uploaded images are tied to their post, and the unused ones are swept after a day."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from comcep.models import OutboxMessage
from forum import images, notify, search, services, tasks
from forum.models import (
    Attachment,
    Draft,
    EmailFrequency,
    ForumProfile,
    Notification,
    Post,
    Topic,
    TopicKind,
)
from tests.conftest import start_worker, stop_worker, wait_until


def prefer(user, frequency):
    ForumProfile.objects.update_or_create(member=user.member, defaults={"email_frequency": frequency})


def edit(client, post, body):
    response = client.post(reverse("forum:post_edit", args=[post.pk]), {"body": body})
    assert response.status_code == 302
    return response


# --- An edit tells the newly mentioned and the newly quoted ---------------------------


def test_a_member_mentioned_by_an_edit_is_told_and_emailed_like_for_a_new_post(client_for, alice, bob,
                                                                              practices, write):
    prefer(alice, EmailFrequency.IMMEDIATELY)
    post = write(bob, practices, title="Les ateliers collectifs", body="Qui anime des ateliers ?").posts.get()
    assert not Notification.objects.filter(recipient=alice.member).exists()

    edit(client_for(bob), post, "Qui anime des ateliers ? @[Lande Bretonne] peut-être ?")

    notification = Notification.objects.get(recipient=alice.member)
    assert (notification.kind, notification.actor, notification.post_id) == ("mention", bob.member, post.pk)
    email = OutboxMessage.objects.get(to_email=alice.email)
    assert "Bob le Bâtisseur vous a mentionné·e" in email.subject
    assert "Bob le Bâtisseur vous a mentionné·e" in client_for(alice).get(reverse("forum:notifications")).text


def test_only_the_newly_mentioned_are_told_never_twice_and_never_the_author(client_for, alice, bob, expert,
                                                                            practices, write):
    prefer(alice, EmailFrequency.IMMEDIATELY)
    post = write(bob, practices, body="Merci @[Lande Bretonne] pour la trame.").posts.get()
    assert Notification.objects.filter(recipient=alice.member).count() == 1
    client = client_for(bob)

    edit(client, post, "Merci @[Lande Bretonne] et @[Docteur Parcours] ; signé @[Bob le Bâtisseur].")
    edit(client, post, "Merci @[Lande Bretonne] et @[Docteur Parcours] pour la trame !")

    assert Notification.objects.filter(recipient=alice.member).count() == 1
    assert OutboxMessage.objects.filter(to_email=alice.email).count() == 1
    assert list(Notification.objects.filter(recipient=expert.member).values_list("kind", flat=True)) == [
        "mention"]
    assert not Notification.objects.filter(recipient=bob.member).exists()


def test_taking_a_mention_out_and_back_in_tells_the_member_once(client_for, alice, bob, practices, write):
    prefer(alice, EmailFrequency.IMMEDIATELY)
    post = write(bob, practices, body="Une question.").posts.get()
    client = client_for(bob)

    for _ in range(3):
        edit(client, post, "Une question pour @[Lande Bretonne].")
        edit(client, post, "Une question.")

    assert Notification.objects.filter(recipient=alice.member).count() == 1
    assert OutboxMessage.objects.filter(to_email=alice.email).count() == 1


def test_the_author_of_a_post_quoted_by_an_edit_is_told_according_to_their_preferences(
        client_for, alice, bob, expert, practices, write, reply):
    prefer(alice, EmailFrequency.NEVER)  # expert keeps the default: a quote is emailed at once
    quoted = write(expert, practices, title="Le bilan en trois temps", body="Trois temps.").posts.get()
    quoted_by_alice = write(alice, practices, title="Le CEP à distance", body="À distance.").posts.get()
    answer = reply(bob, write(bob, practices, title="Mes lectures"), "Je cite deux collègues.")

    edit(client_for(bob), answer,
         f"> Trois temps.\n> — [Docteur Parcours](/forum/message/{quoted.pk}/)\n\n"
         f"> À distance.\n> — [Lande Bretonne](/forum/message/{quoted_by_alice.pk}/)\n\n"
         "Je cite deux collègues.")

    for member in (expert.member, alice.member):
        notification = Notification.objects.get(recipient=member)
        assert (notification.kind, notification.post_id) == ("quote", answer.pk)
    assert list(OutboxMessage.objects.values_list("to_email", flat=True)) == [expert.email]
    assert notify.digest_member_ids(EmailFrequency.DAILY) == []
    assert "Bob le Bâtisseur vous a cité·e" in client_for(expert).get(reverse("forum:notifications")).text


# --- Merged posts take their place by date --------------------------------------------


def dated(post, days_ago):
    when = timezone.now() - timedelta(days=days_ago)
    Post.objects.filter(pk=post.pk).update(created_at=when)
    return when


@pytest.fixture
def two_topics(alice, bob, expert, practices, write, reply):
    """A target and a source whose posts alternate in time; alice read the whole target, bob
    its first two posts."""
    target = write(alice, practices, title="Accompagner les reconversions", body="Cible un.",
                   kind=TopicKind.QUESTION)
    target_second = reply(bob, target, "Cible deux.")
    target_third = reply(alice, target, "Cible trois.")
    source = write(bob, practices, title="Reconversion : vos retours", body="Source un.")
    reply(expert, source, "Source deux.")
    source_last = reply(expert, source, "Source trois.")
    for body, days_ago in [("Cible un.", 6), ("Source un.", 5), ("Cible deux.", 4), ("Source deux.", 3),
                           ("Cible trois.", 2), ("Source trois.", 1)]:
        dated(Post.objects.get(body=body), days_ago)
    services.accept_answer(actor=alice.member, topic=target, post=target_second)
    return target, source, target_third, source_last


def test_merged_posts_take_their_place_by_date(client_for, alice, expert, mod, practices, two_topics):
    target, source, _third, source_last = two_topics

    client_for(mod).post(reverse("forum:topic_merge", args=[source.pk]), {"target": target.pk})

    target.refresh_from_db()
    page = client_for(expert).get(reverse("forum:topic", args=[target.pk]), {"page": 1}).text
    order = ["Cible un.", "Source un.", "Cible deux.", "Source deux.", "Cible trois.", "Source trois."]
    assert sorted(order, key=page.index) == order
    assert list(target.posts.order_by("number").values_list("body", flat=True)) == order
    source_last.refresh_from_db()
    assert (target.post_count, target.last_post_at, target.last_poster) == (6, source_last.created_at,
                                                                           expert.member)
    assert list(target.posts.exclude(headline="").values_list("number", "headline")) == [
        (1, "Accompagner les reconversions")]
    assert target.accepted_post.body == "Cible deux."
    practices.refresh_from_db()
    assert (practices.topic_count, practices.post_count) == (1, 6)


def test_a_merged_post_older_than_the_target_becomes_its_first_and_carries_the_title(
        client_for, alice, bob, mod, practices, write):
    target = write(alice, practices, title="Financement des bilans", body="Une question récente.")
    source = write(bob, practices, title="Bilans : qui paie ?", body="Une question ancienne.")
    dated(source.posts.get(), 30)

    services.merge_topics(actor=mod.member, source=source, target=target)

    first = Post.objects.get(topic=target, number=1)
    assert first.body == "Une question ancienne." and first.headline == "Financement des bilans"
    assert Post.objects.get(topic=target, number=2).headline == ""
    results = search.search_posts(search.Filters(q="financement bilans"))
    assert [(post.topic.pk, post.number) for post in results] == [(target.pk, 1)]
    assert "Une question ancienne." in client_for(alice).get(reverse("forum:post", args=[first.pk]),
                                                             follow=True).text


def test_readers_of_the_target_keep_what_they_read_after_a_merge(client_for, alice, bob, mod, practices,
                                                                 two_topics):
    target, source, target_third, _last = two_topics

    services.merge_topics(actor=mod.member, source=source, target=target)

    # alice had read up to "Cible trois.", now fifth: only the later "Source trois." is new to her.
    assert "1 non lu" in client_for(alice).get(reverse("forum:category", args=[practices.slug])).text
    response = client_for(alice).get(reverse("forum:topic", args=[target.pk]))
    assert 'data-start-at="p6"' in response.text
    # bob had read up to "Cible deux.", now third.
    assert "3 non lus" in client_for(bob).get(reverse("forum:category", args=[practices.slug])).text


def test_a_merge_changes_what_readers_see_of_the_topic_at_once(client_for, alice, mod, practices,
                                                               two_topics):
    target, source, _third, _last = two_topics
    client = client_for(alice)
    assert "Source un." not in client.get(reverse("forum:topic", args=[target.pk]), {"page": 1}).text

    services.merge_topics(actor=mod.member, source=source, target=target)

    assert "Source un." in client.get(reverse("forum:topic", args=[target.pk]), {"page": 1}).text
    assert not Topic.objects.filter(pk=source.pk).exists()


# --- Images tied to their post; the unused ones swept ---------------------------------


def png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (200, 0, 0, 128)).save(out, format="PNG")
    return SimpleUploadedFile("dessin.png", out.getvalue(), "image/png")


def upload(client) -> dict:
    response = client.post(reverse("forum:attachment_upload"), {"image": png()})
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_images_shown_in_a_reply_or_an_edit_are_tied_to_that_post(client_for, alice, bob, practices, write,
                                                                  media_root):
    topic = write(bob, practices)
    client = client_for(alice)
    in_reply, in_edit, bobs = upload(client), upload(client), upload(client_for(bob))

    client.post(reverse("forum:reply", args=[topic.pk]),
                {"body": f"Mon schéma :\n\n{in_reply['markdown']}\n\net celui de Bob ![x]({bobs['url']})"})
    post = Post.objects.get(topic=topic, author=alice.member)

    def tied_to(url):
        pk = int(url.rsplit("/", 1)[1].split(".")[0])
        return Attachment.objects.get(pk=pk).post_id

    assert (tied_to(in_reply["url"]), tied_to(in_edit["url"]), tied_to(bobs["url"])) == (post.pk, None, None)
    edit(client, post, f"{post.body}\n\nEt la suite : {in_edit['markdown']}")
    assert tied_to(in_edit["url"]) == post.pk
    assert f'<img src="{in_edit["url"]}"' in client.get(reverse("forum:topic", args=[topic.pk]),
                                                         {"page": 1}).text


def test_an_image_in_the_first_post_of_a_new_topic_is_tied_to_it(client_for, alice, practices, media_root):
    client = client_for(alice)
    image = upload(client)

    client.post(reverse("forum:topic_new", args=[practices.slug]),
                {"title": "Une carte mentale", "kind": "discussion", "tags": "",
                 "body": f"Voici ma carte :\n\n{image['markdown']}"})

    assert Attachment.objects.get().post == Post.objects.get(number=1, topic__title="Une carte mentale")


def age(attachment, hours):
    Attachment.objects.filter(pk=attachment.pk).update(created_at=timezone.now() - timedelta(hours=hours))


def stored_path(attachment) -> Path:
    return Path(django_settings.MEDIA_ROOT) / attachment.image.name


def make_attachment(user, *, hours_old: int, post=None) -> Attachment:
    attachment = images.store_image(uploader=user.member, upload=png())
    age(attachment, hours_old)
    if post is not None:
        Attachment.objects.filter(pk=attachment.pk).update(post=post)
    return attachment


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_deletes_images_unused_for_a_day_and_keeps_the_others(client_for, alice, bob, practices,
                                                                        write, media_root, tmp_path):
    post = write(alice, practices).posts.get()
    abandoned = make_attachment(alice, hours_old=25)
    recent = make_attachment(alice, hours_old=2)
    published = make_attachment(alice, hours_old=72, post=post)
    in_a_draft = make_attachment(bob, hours_old=48)
    in_a_draft_url = reverse("forum:attachment", args=[in_a_draft.pk, in_a_draft.extension])
    Draft.objects.create(member=bob.member, topic=post.topic, body=f"À finir ![x]({in_a_draft_url})")
    assert stored_path(abandoned).exists()

    running = start_worker(tmp_path / "worker", extra_env={"MEDIA_ROOT": str(media_root)})
    try:
        tasks.delete_unused_images.delay()
        wait_until(lambda: not Attachment.objects.filter(pk=abandoned.pk).exists(), timeout=40,
                   message=running.log.read_text()[-3000:])
        wait_until(lambda: not stored_path(abandoned).exists(), timeout=10, message="the file stayed")
    finally:
        stop_worker(running)

    assert set(Attachment.objects.values_list("pk", flat=True)) == {recent.pk, published.pk, in_a_draft.pk}
    assert all(stored_path(a).exists() for a in (recent, published, in_a_draft))
    client = client_for(bob)
    for attachment, status in ((abandoned, 404), (published, 200)):
        url = reverse("forum:attachment", args=[attachment.pk, attachment.extension])
        assert client.get(url).status_code == status


def test_an_image_is_removed_from_storage_only_once_its_row_is_gone(alice, media_root,
                                                                    django_capture_on_commit_callbacks):
    abandoned = make_attachment(alice, hours_old=30)

    class Interrupted(Exception):
        pass

    with pytest.raises(Interrupted), transaction.atomic():
        images.delete_unused_attachments()
        raise Interrupted
    assert Attachment.objects.filter(pk=abandoned.pk).exists() and stored_path(abandoned).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert images.delete_unused_attachments() == 1
    assert not Attachment.objects.exists() and not stored_path(abandoned).exists()


def test_the_sweep_of_unused_images_is_scheduled():
    from comcep.celery import app

    entries = [e for e in django_settings.CELERY_BEAT_SCHEDULE.values()
               if e["task"] == "forum.tasks.delete_unused_images"]
    assert len(entries) == 1
    assert entries[0]["task"] in app.tasks and entries[0]["task"] == tasks.delete_unused_images.name


def test_images_shown_in_posts_written_before_images_were_tied_are_kept(alice, practices, write, media_root):
    """The data migration ties them, so the sweep does not take them for abandoned uploads."""
    import importlib

    from django.apps import apps

    shown = make_attachment(alice, hours_old=24 * 30)
    post = write(alice, practices).posts.get()
    # A post as written before images were tied: its text shows the image, the image has no post.
    Post.objects.filter(pk=post.pk).update(
        body=f"Voir le schéma : ![schéma](/forum/images/{shown.pk}.{shown.extension})")
    migration = importlib.import_module("forum.migrations.0003_link_existing_images")

    migration.link_existing_images(apps, None)
    images.delete_unused_attachments()

    shown.refresh_from_db()
    assert shown.post_id == post.pk
    assert stored_path(shown).exists()
