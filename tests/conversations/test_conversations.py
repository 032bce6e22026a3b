"""Writing, reading and unread marks, muting, double submits, data rights."""

import pytest
from django.urls import reverse

from comcep.datarights import registrations
from conversations import services
from conversations.models import Block, Conversation, Message


def test_a_conversation_starts_from_a_profile_and_renders_markdown_safely(client_for, alice, bob):
    client = client_for(alice)
    profile = client.get(reverse("forum:member", args=[bob.member.public_id])).text
    write_url = f"{reverse('conversations:new')}?avec={bob.member.public_id}"
    assert write_url in profile

    form = client.get(write_url).text
    assert 'value="Bob le Bâtisseur"' in form
    response = client.post(reverse("conversations:new"), {
        "members": "Bob le Bâtisseur", "subject": "Entre nous",
        "body": "**Bonjour** <script>alert(1)</script>"})
    conversation = Conversation.objects.get()
    assert response.url == reverse("conversations:detail", args=[conversation.pk])
    page = client_for(bob).get(response.url).text
    assert "<strong>Bonjour</strong>" in page and "<script>alert" not in page
    assert "Lande Bretonne" in page
    for secret in (alice.first_name, alice.last_name, alice.email):
        assert secret not in page


def test_the_list_counts_unread_messages_until_read(client_for, alice, bob, converse):
    conversation = converse(alice, [bob], subject="Le sujet du jour")
    seat = conversation.participants.get(member=alice.member)
    services.post_message(actor=alice.member, seat=seat, body="Et un deuxième.")
    client = client_for(bob)

    listing = client.get(reverse("conversations:index")).text
    assert "Le sujet du jour" in listing and "(2 messages non lus)" in listing

    client.get(reverse("conversations:detail", args=[conversation.pk]))
    assert "non lu" not in client.get(reverse("conversations:index")).text
    assert "non lu" not in client_for(alice).get(reverse("conversations:index")).text


def test_the_list_is_ordered_by_last_activity(client_for, alice, bob, expert, converse):
    older = converse(alice, [bob], subject="Ancienne")
    converse(alice, [expert], subject="Récente")
    services.post_message(actor=bob.member, seat=older.participants.get(member=bob.member), body="Relance")

    listing = client_for(alice).get(reverse("conversations:index")).text
    assert listing.index("Ancienne") < listing.index("Récente")


def test_a_reply_sent_twice_makes_one_message(client_for, alice, bob, converse):
    conversation = converse(alice, [bob])
    client = client_for(bob)
    page = client.get(reverse("conversations:detail", args=[conversation.pk])).text
    token = page.split('name="submission_token" value="')[1].split('"')[0]
    data = {"body": "Une seule fois.", "submission_token": token}

    first = client.post(reverse("conversations:reply", args=[conversation.pk]), data)
    second = client.post(reverse("conversations:reply", args=[conversation.pk]), data)

    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert Message.objects.filter(body="Une seule fois.").count() == 1
    other = client.post(reverse("conversations:reply", args=[conversation.pk]),
                        {"body": "Autre chose.", "submission_token": token})
    assert "Ce formulaire a déjà servi." in other.text and "Autre chose." in other.text


def test_a_new_conversation_sent_twice_opens_one(client_for, alice, bob):
    client = client_for(alice)
    token = client.get(reverse("conversations:new")).text.split(
        'name="submission_token" value="')[1].split('"')[0]
    data = {"members": "Bob le Bâtisseur", "body": "Une fois.", "submission_token": token}

    first = client.post(reverse("conversations:new"), data)
    second = client.post(reverse("conversations:new"), data)

    assert first.url == second.url
    assert Conversation.objects.count() == 1


def test_blocking_and_unblocking_from_a_profile(client_for, alice, bob):
    client = client_for(alice)
    profile_url = reverse("forum:member", args=[bob.member.public_id])
    client.post(reverse("conversations:block", args=[bob.member.public_id]), {"next": profile_url})
    assert Block.objects.filter(blocker=alice.member, blocked=bob.member).exists()
    assert "Débloquer" in client.get(profile_url).text

    client.post(reverse("conversations:block", args=[bob.member.public_id]), {"block": "0"})
    assert not Block.objects.exists()


@pytest.mark.django_db
def test_export_and_erase_cover_conversations(alice, bob, converse):
    conversation = converse(alice, [bob], body="Mon texte privé.")
    registration = next(r for r in registrations() if r.name == "conversations")

    class Archive:
        def __init__(self):
            self.files = {}

        def add_json(self, name, data):
            self.files[name] = data

        def add_csv(self, name, rows):
            self.files[name] = rows

    archive = Archive()
    registration.export(alice, archive)
    assert archive.files["conversations/conversations.json"][0]["messages"][0]["texte"] == "Mon texte privé."

    registration.erase(alice, keep_posts=False)
    message = conversation.messages.get()
    assert message.body == "" and message.author != alice.member
    assert not conversation.participants.filter(member=alice.member).exists()
