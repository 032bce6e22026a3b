"""Who may not see or do what in private conversations, written from the refused side."""

import pytest
from django.urls import reverse

from conversations import services
from conversations.models import MAX_PARTICIPANTS, Conversation, Message, Report
from tests import factories


def urls_of(conversation, message):
    pk = conversation.pk
    return [reverse("conversations:detail", args=[pk]),
            reverse("conversations:report", args=[pk, message.pk])]


def post_urls_of(conversation):
    pk = conversation.pk
    return [reverse(name, args=[pk]) for name in
            ("conversations:reply", "conversations:add", "conversations:leave", "conversations:mute")]


def test_a_non_participant_gets_a_404_everywhere(client_for, alice, bob, expert, converse):
    conversation = converse(alice, [bob])
    message = conversation.messages.get()
    client = client_for(expert)

    for url in urls_of(conversation, message):
        assert client.get(url).status_code == 404
    for url in post_urls_of(conversation):
        assert client.post(url, {"body": "Je m'invite.", "members": "Docteur Parcours"}).status_code == 404
    assert Message.objects.filter(conversation=conversation).count() == 1
    assert "Bonjour, une question" not in client.get(reverse("conversations:index")).text


@pytest.mark.parametrize("staff", ["oscar", "paula", "rita"])
def test_staff_get_a_404_on_every_conversation_page(request, client_for, alice, bob, converse, staff):
    conversation = converse(alice, [bob])
    client = client_for(request.getfixturevalue(staff))

    for url in [reverse("conversations:index"), reverse("conversations:new"),
                reverse("conversations:reports"), *urls_of(conversation, conversation.messages.get())]:
        assert client.get(url).status_code == 404, url
    for url in post_urls_of(conversation):
        assert client.post(url, {"body": "x"}).status_code == 404


def test_a_visitor_is_sent_to_sign_in(visitor, alice, bob, converse):
    conversation = converse(alice, [bob])
    response = visitor.get(reverse("conversations:detail", args=[conversation.pk]))
    assert response.status_code == 302 and "/compte/" in response.url


def test_a_blocked_member_can_neither_start_nor_add_and_is_not_told(client_for, alice, bob, expert,
                                                                   converse):
    client_for(alice).post(reverse("conversations:block", args=[bob.member.public_id]))
    client = client_for(bob)

    response = client.post(reverse("conversations:new"),
                           {"members": "Lande Bretonne", "body": "Tu ne peux pas m'ignorer."})
    assert response.status_code == 200
    assert "« Lande Bretonne » : cette personne ne peut pas être ajoutée." in response.text
    assert "Tu ne peux pas m&#x27;ignorer." in response.text  # what was typed is kept
    assert "bloqu" not in response.text.lower()
    # The same words as for a pseudonym nobody holds.
    unknown = client.post(reverse("conversations:new"), {"members": "Personne Inconnue", "body": "Allô"})
    assert "« Personne Inconnue » : cette personne ne peut pas être ajoutée." in unknown.text

    with_expert = converse(bob, [expert])
    response = client.post(reverse("conversations:add", args=[with_expert.pk]), {"members": "Lande Bretonne"})
    assert "cette personne ne peut pas être ajoutée" in response.text
    assert not Conversation.objects.filter(participants__member=alice.member).exists()


def test_a_member_who_left_gets_a_404_and_the_others_read_it(client_for, alice, bob, expert, converse):
    conversation = converse(alice, [bob, expert])
    bob_client = client_for(bob)

    assert bob_client.post(reverse("conversations:leave", args=[conversation.pk])).status_code == 302

    assert bob_client.get(reverse("conversations:detail", args=[conversation.pk])).status_code == 404
    assert bob_client.post(reverse("conversations:reply", args=[conversation.pk]),
                           {"body": "Je reviens."}).status_code == 404
    assert reverse("conversations:detail", args=[conversation.pk]) not in bob_client.get(
        reverse("conversations:index")).text
    page = client_for(alice).get(reverse("conversations:detail", args=[conversation.pk])).text
    assert "Bob le Bâtisseur a quitté la conversation" in page


def test_a_moderator_sees_only_the_reported_message_and_its_neighbours(client_for, alice, bob, mod,
                                                                        converse):
    conversation = converse(alice, [bob], body="Premier message.")
    seat_bob = conversation.participants.get(member=bob.member)
    seat_alice = conversation.participants.get(member=alice.member)
    services.post_message(actor=bob.member, seat=seat_bob, body="Deuxième message.")
    offending = services.post_message(actor=alice.member, seat=seat_alice, body="Troisième, déplacé.")
    services.post_message(actor=bob.member, seat=seat_bob, body="Quatrième message.")
    services.post_message(actor=alice.member, seat=seat_alice, body="Cinquième message.")

    client_for(bob).post(reverse("conversations:report", args=[conversation.pk, offending.pk]),
                         {"reason": "Propos déplacés"})
    report = Report.objects.get()
    moderator = client_for(mod)

    assert moderator.get(reverse("conversations:detail", args=[conversation.pk])).status_code == 404
    assert "Lande Bretonne" in moderator.get(reverse("conversations:reports")).text
    page = moderator.get(reverse("conversations:reported", args=[report.pk])).text
    assert "Deuxième message." in page and "Troisième, déplacé." in page and "Quatrième message." in page
    assert "Premier message." not in page and "Cinquième message." not in page
    # A member who is not a moderator reads no report.
    assert client_for(bob).get(reverse("conversations:reported", args=[report.pk])).status_code == 404


def test_nobody_reports_their_own_message(client_for, alice, bob, converse):
    conversation = converse(alice, [bob])
    url = reverse("conversations:report", args=[conversation.pk, conversation.messages.get().pk])
    assert client_for(alice).post(url, {"reason": "x"}).status_code == 404


def test_a_conversation_holds_twenty_people_at_most(client_for, alice, reference_data):
    others = [factories.make_member() for _ in range(MAX_PARTICIPANTS)]
    names = ", ".join(o.member.pseudonym for o in others)

    response = client_for(alice).post(reverse("conversations:new"), {"members": names, "body": "À tous."})
    assert "Une conversation réunit 20 personnes au plus." in response.text
    assert not Conversation.objects.exists()

    nineteen = ", ".join(o.member.pseudonym for o in others[:MAX_PARTICIPANTS - 1])
    response = client_for(alice).post(reverse("conversations:new"), {"members": nineteen, "body": "À tous."})
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    assert conversation.participants.count() == MAX_PARTICIPANTS
    response = client_for(alice).post(reverse("conversations:add", args=[conversation.pk]),
                                      {"members": others[-1].member.pseudonym})
    assert "Une conversation réunit 20 personnes au plus." in response.text
    assert conversation.participants.count() == MAX_PARTICIPANTS


def test_bad_input_keeps_what_was_typed_and_never_fails(client_for, alice, bob):
    client = client_for(alice)
    client.raise_request_exception = False
    response = client.post(reverse("conversations:new"), {"members": "Bob le Bâtisseur", "body": "\x00"})
    assert response.status_code == 400 and "caractère refusé" in response.text  # as the forum does
    response = client.post(reverse("conversations:new"), {"members": "Bob le Bâtisseur", "body": "\x01 "})
    assert response.status_code == 200 and "Bob le Bâtisseur" in response.text
    response = client.post(reverse("conversations:new"),
                           {"members": "", "body": "Un texte\u202e\u200b gardé"})
    assert response.status_code == 200 and "Un texte" in response.text
    assert client.get(reverse("conversations:new") + "?avec=%E2%80%AEzz").status_code == 200
    assert client.get("/conversations/999999/").status_code == 404
