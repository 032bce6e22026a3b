"""Edit window and history, drafts kept while typing, image attachments without metadata."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from forum.models import Attachment, Draft, Post


def test_the_author_edits_within_the_window_and_the_history_keeps_the_old_text(client_for, alice,
                                                                               practices, write):
    post = write(alice, practices, body="Premier jet.").posts.get()
    client = client_for(alice)

    client.post(reverse("forum:post_edit", args=[post.pk]), {"body": "Version corrigée."})

    post.refresh_from_db()
    assert post.body == "Version corrigée." and post.edited_at
    history = client.get(reverse("forum:post_history", args=[post.pk])).text
    assert "Premier jet." in history and "Version corrigée." in history


def test_nobody_edits_after_the_window_or_someone_else_s_post(client_for, alice, bob, practices, write):
    post = write(alice, practices).posts.get()

    assert client_for(bob).get(reverse("forum:post_edit", args=[post.pk])).status_code == 403
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert client_for(alice).post(reverse("forum:post_edit", args=[post.pk]),
                                  {"body": "Trop tard"}).status_code == 403


def test_a_reply_draft_is_kept_and_offered_again(client_for, alice, bob, practices, write):
    topic = write(alice, practices)
    client = client_for(bob)

    client.post(reverse("forum:draft_save"), {"topic": topic.pk, "body": "Je commence à écrire"})

    assert Draft.objects.get().body == "Je commence à écrire"
    assert "Je commence à écrire" in client.get(reverse("forum:reply", args=[topic.pk])).text
    client.post(reverse("forum:reply", args=[topic.pk]), {"body": "Je commence à écrire, fini."})
    assert not Draft.objects.exists()


def test_a_new_topic_draft_keeps_its_title(client_for, alice, practices):
    client = client_for(alice)
    client.post(reverse("forum:draft_save"), {"category": practices.slug, "title": "Mon titre",
                                              "body": "Mon texte"})

    page = client.get(reverse("forum:topic_new", args=[practices.slug])).text

    assert "Mon titre" in page and "Mon texte" in page


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (3000, 2000), "navy")
    exif = Image.Exif()
    exif[0x013B] = "Alice Martin"  # Artist
    exif[0x8825] = {1: "N", 2: (48.0, 6.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_an_image_is_re_encoded_resized_and_stripped_of_metadata(client_for, alice, bob, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = jpeg_with_gps()
    assert b"Alice Martin" in data

    response = client_for(alice).post(reverse("forum:attachment_upload"),
                                      {"image": SimpleUploadedFile("IMG_alice.jpg", data, "image/jpeg")})

    attachment = Attachment.objects.get()
    stored = attachment.image.read()
    assert b"Alice Martin" not in stored and b"Exif" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert max(image.size) == 1600 and not image.getexif()
    assert "IMG_alice" not in attachment.image.name
    served = client_for(bob).get(response.json()["url"])
    assert served["Content-Type"] == "image/jpeg"


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(client_for, alice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", "image/jpeg")

    response = client_for(alice).post(reverse("forum:attachment_upload"), {"image": fake})

    assert response.status_code == 400
    assert not Attachment.objects.exists()
