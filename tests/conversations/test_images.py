"""Images sent in a conversation: under the forum's upload rules (real image, 5 MB, metadata
stripped, random name), described for screen readers, seen by the conversation only."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from conversations.models import Message, MessageImage
from conversations.services import report
from tests.canary_files import CANARY, canary_places, jpeg_with_exif


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(data=None, name=f"IMG {CANARY}.jpg"):
    return SimpleUploadedFile(name, data if data is not None else jpeg_with_exif(), "image/jpeg")


def send(client, conversation, body="Voici le support.", **fields):
    data = {"body": body, **fields}
    return client.post(reverse("conversations:reply", args=[conversation.pk]), data)


def image_url(picture):
    return reverse("conversations:image", args=[picture.pk, picture.extension])


def test_an_image_arrives_described_clean_and_under_a_random_name(client_for, alice, bob, converse):
    conversation = converse(alice, [bob])

    response = send(client_for(alice), conversation, image=upload(),
                    image_description="Le schéma des étapes du bilan")

    assert response.status_code == 302
    picture = MessageImage.objects.get()
    assert "Canary" not in picture.image.name and "IMG" not in picture.image.name
    page = client_for(bob).get(reverse("conversations:detail", args=[conversation.pk])).text
    assert f'src="{image_url(picture)}" alt="Le schéma des étapes du bilan"' in page
    served = client_for(bob).get(image_url(picture))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert "no-store" in served["Cache-Control"]
    data = b"".join(served.streaming_content)
    assert canary_places(data) == []
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()
        assert image.size == (48, 64)  # turned upright as the camera meant it


@pytest.mark.parametrize("who", ["stranger", "left", "olga", "paula", "mod"])
def test_nobody_outside_the_conversation_gets_its_image(request, client_for, alice, bob, expert, converse,
                                                        who):
    conversation = converse(alice, [bob, expert])
    send(client_for(alice), conversation, image=upload(), image_description="Un schéma")
    picture = MessageImage.objects.get()
    if who == "stranger":
        from tests import factories

        user = factories.make_member(pseudonym="Curieuse du Forum")
    elif who == "left":
        client_for(expert).post(reverse("conversations:leave", args=[conversation.pk]))
        user = expert
    else:
        user = request.getfixturevalue(who)

    assert client_for(user).get(image_url(picture)).status_code == 404


def test_a_visitor_is_sent_to_sign_in(visitor, alice, bob, converse, client_for):
    conversation = converse(alice, [bob])
    send(client_for(alice), conversation, image=upload(), image_description="Un schéma")

    response = visitor.get(image_url(MessageImage.objects.get()))

    assert response.status_code == 302 and "/compte/" in response.url


def test_a_moderator_sees_the_image_of_a_reported_message_only(client_for, alice, bob, mod, converse):
    conversation = converse(alice, [bob])
    send(client_for(alice), conversation, "Premier", image=upload(), image_description="Première image")
    for text in ("Deuxième", "Troisième", "Quatrième"):
        send(client_for(alice), conversation, text)
    send(client_for(alice), conversation, "Cinquième", image=upload(), image_description="Lointaine")
    first, far = MessageImage.objects.order_by("pk")
    report(actor=bob.member, message=Message.objects.get(body="Deuxième"), reason="")

    assert client_for(mod).get(image_url(first)).status_code == 200  # the reported one's neighbour
    assert client_for(mod).get(image_url(far)).status_code == 404


def test_an_image_without_a_description_is_refused_and_the_text_kept(client_for, alice, bob, converse):
    conversation = converse(alice, [bob])

    response = send(client_for(alice), conversation, "Mon texte tapé", image=upload())

    assert response.status_code == 400
    page = response.text
    assert "Mon texte tapé" in page
    assert "Décrivez l&#x27;image" in page or "Décrivez l'image" in page
    assert "Choisissez l&#x27;image à nouveau" in page or "Choisissez l'image à nouveau" in page
    assert Message.objects.filter(conversation=conversation).count() == 1
    assert not MessageImage.objects.exists()


@pytest.mark.parametrize("data", [
    b"<script>alert(1)</script>",
    b"\xff\xd8\xff\xe0" + b"\x00" * 64,  # a JPEG's first bytes and nothing of an image
    b"GIF89a<?php system($_GET['c']); ?>",
])
def test_a_file_that_is_not_an_image_is_refused_and_nothing_written(client_for, alice, bob, converse, data):
    conversation = converse(alice, [bob])

    response = send(client_for(alice), conversation, "Mon texte", image=upload(data, "photo.jpg"),
                    image_description="Une photo")

    assert response.status_code == 400
    assert "Mon texte" in response.text
    assert Message.objects.filter(conversation=conversation).count() == 1
    assert not MessageImage.objects.exists()


def test_an_image_over_5_mb_is_refused_with_the_text_kept(client_for, alice, bob, converse):
    """Just over the limit: the body still fits the route's limit, so the form answers."""
    conversation = converse(alice, [bob])
    heavy = jpeg_with_exif() + b"\x00" * (5 * 1024 * 1024)

    response = send(client_for(alice), conversation, "Mon texte", image=upload(heavy),
                    image_description="Lourde")

    assert response.status_code == 400 and "5 Mo" in response.text and "Mon texte" in response.text
    assert not MessageImage.objects.exists()


def test_a_far_larger_body_is_refused_before_it_is_read(client_for, alice, bob, converse):
    conversation = converse(alice, [bob])
    huge = b"\x00" * (8 * 1024 * 1024)

    response = send(client_for(alice), conversation, image=upload(huge), image_description="Énorme")

    assert response.status_code == 413 and "5\u00a0Mo" in response.text
    assert not MessageImage.objects.exists()


def test_a_double_submission_sends_one_message_with_one_image(client_for, alice, bob, converse):
    conversation = converse(alice, [bob])
    client = client_for(alice)
    token = "t" * 32

    for _ in range(2):
        send(client, conversation, "Une fois", image=upload(), image_description="Un schéma",
             submission_token=token)

    assert Message.objects.filter(body="Une fois").count() == 1
    assert MessageImage.objects.count() == 1


def test_a_new_conversation_may_start_with_an_image(client_for, alice, bob):
    response = client_for(alice).post(reverse("conversations:new"), {
        "members": bob.member.pseudonym, "body": "Bonjour", "image": upload(),
        "image_description": "Le support de l'atelier"})

    assert response.status_code == 302
    assert MessageImage.objects.get().description == "Le support de l'atelier"
